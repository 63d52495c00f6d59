import { z } from 'zod'

/**
 * JSON Schema (OpenAPI 3.0 dialect) of a contract's schemas. A validator that takes `unknown` and
 * checks by hand (the geometry validators, whose messages name the problem) is documented as the
 * shape it accepts, registered with `documentedAs`.
 */
const shapes = new WeakMap<object, z.ZodType>()

export function documentedAs<T extends z.ZodType>(validator: T, shape: z.ZodType): T {
  shapes.set(validator._zod.def, shape)
  return validator
}

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const shape = shapes.get(ctx.zodSchema._zod.def)
      if (!shape) return
      const out = ctx.jsonSchema as Record<string, unknown>
      const description = out.description
      for (const k of Object.keys(out)) delete out[k]
      Object.assign(out, jsonSchemaOf(shape, io), description === undefined ? {} : { description })
    },
  }) as Record<string, unknown>
}
