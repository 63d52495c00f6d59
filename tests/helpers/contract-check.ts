import type { z } from 'zod'
import { expect } from 'vitest'
import type { Endpoint } from '../../server/src/contract/endpoints.ts'
import { openApiDocument } from '../../server/src/openapi/document.ts'
import { authHeader, type TestAccount } from './accounts.ts'

/**
 * Checks an area of the API contract (server/src/contract) against the running app: each
 * endpoint is asked in every sample way, and each answer must be of a status the endpoint
 * declares, in a media type it declares, and accepted strictly by its schema; every declared
 * media type and status must be seen. A 204 is accepted only from an endpoint that declares it
 * with no answer (`answer: {}`), and only with an empty body.
 */
export interface ContractSample {
  who?: TestAccount
  /** Credentials other than a test account's token (an account made by the test, a session): sent instead of `who`'s. */
  headers?: Record<string, string>
  path: string
  body?: unknown
}

export async function callAs(base: string, method: string, s: ContractSample): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(base + s.path, {
    method,
    headers: { ...(s.headers ?? authHeader(s.who ?? 'admin')), ...(s.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(s.body === undefined ? {} : { body: JSON.stringify(s.body) }),
  })
  return { status: res.status, type: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(), text: await res.text() }
}

/** Every endpoint of `endpoints` has samples, and nothing else does. */
export function expectSamplesFor(endpoints: readonly Endpoint[], samples: Record<string, ContractSample[]>): void {
  expect(Object.keys(samples).sort()).toEqual(endpoints.map((e) => `${e.method} ${e.path}`).sort())
}

/** The failures (empty when every answer is true to its schema), and every declared media type asked. */
export async function expectAnswersTrue(base: string, endpoints: readonly Endpoint[], samples: Record<string, ContractSample[]>): Promise<void> {
  const seen = new Set<string>()
  const failures: string[] = []
  for (const e of endpoints) {
    for (const sample of samples[`${e.method} ${e.path}`] ?? []) {
      const r = await callAs(base, e.method, sample)
      const label = `${e.method} ${sample.path} as ${sample.headers ? 'its own credentials' : (sample.who ?? 'admin')}`
      if (!(e.statuses ?? [200]).includes(r.status)) {
        failures.push(`${label}: ${r.status} ${r.text.slice(0, 200)}`)
        continue
      }
      if (r.status === 204) {
        // No content: declared with no answer, and nothing sent.
        if (Object.keys(e.answer).length > 0) failures.push(`${label}: 204, but the endpoint declares an answer (${Object.keys(e.answer).join(', ')})`)
        else if (r.text !== '' || r.type !== '') failures.push(`${label}: 204 with a body (${r.type}) ${r.text.slice(0, 200)}`)
        else seen.add(`${e.method} ${e.path} 204`)
        continue
      }
      if (!(r.type in e.answer)) {
        failures.push(`${label}: answered ${r.type}, declared ${Object.keys(e.answer).join(', ')}`)
        continue
      }
      seen.add(`${e.method} ${e.path} ${r.type}`)
      seen.add(`${e.method} ${e.path} ${r.status}`)
      const schema = e.answer[r.type] as z.ZodType | null
      if (!schema) continue
      const parsed = schema.safeParse(JSON.parse(r.text))
      if (!parsed.success) failures.push(`${label}: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    }
  }
  expect(failures).toEqual([])
  const declared = endpoints.flatMap((e) => [...Object.keys(e.answer), ...(e.statuses ?? [200]).map(String)].map((x) => `${e.method} ${e.path} ${x}`))
  expect(declared.filter((d) => !seen.has(d)), 'declared media types and statuses never answered').toEqual([])
}

type Operation = { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }

/** The OpenAPI document has each endpoint with every query parameter, its body and its answers' members. */
export function expectDocumented(endpoints: readonly Endpoint[]): void {
  const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>> }
  for (const e of endpoints) {
    const label = `${e.method} ${e.path}`
    const op = doc.paths[e.path.replace(/:(\w+)/g, '{$1}')]?.[e.method.toLowerCase()]
    expect(op, label).toBeDefined()
    const queryNames = (op!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort()
    expect(queryNames, label).toEqual(Object.keys(e.query?.shape ?? {}).sort())
    expect(Boolean(op!.requestBody), label).toBe(Boolean(e.body))
    // No content: a 204 documented without any.
    if ((e.statuses ?? [200]).includes(204)) expect(op!.responses['204']!.content, `${label} 204`).toBeUndefined()
    for (const [type, schema] of Object.entries(e.answer)) {
      const documented = op!.responses[String((e.statuses ?? [200])[0])]!.content![type]!.schema
      if (schema) expect(Object.keys((documented.properties ?? documented.items ?? {}) as object).length, `${label} ${type}`).toBeGreaterThan(0)
    }
  }
}
