import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/**
 * The field outbox of the officer's and the volunteer's phones (client/src/field/outbox.ts) with
 * the browser around it played by small fakes: localStorage, the `online` event, and the API's
 * create/photo calls.
 */
const create = vi.fn()
const putPhoto = vi.fn()
vi.mock('../../client/src/field/entry-api.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../client/src/field/entry-api.ts')>()
  return { ...real, entryApi: { ...real.entryApi, create: (...a: unknown[]) => create(...a), putPhoto: (...a: unknown[]) => putPhoto(...a) } }
})
vi.mock('../../client/src/auth/expiry.ts', () => ({ sessionEnded: () => {} }))

const store = new Map<string, string>()
const listeners = new Map<string, Array<() => void>>()
beforeEach(() => {
  // The outboxes' retry intervals must not outlive a test (the API suites share this process).
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  store.clear()
  listeners.clear()
  create.mockReset()
  putPhoto.mockReset()
  vi.stubGlobal('localStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) })
  vi.stubGlobal('window', { addEventListener: (type: string, cb: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), cb]) })
})
afterEach(() => {
  vi.clearAllTimers()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

const { Outbox } = await import('../../client/src/field/outbox.ts')
const { ApiError } = await import('../../client/src/api/client.ts')
const hazard = { type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [125.15, 42.88] }, properties: { category: 'fire', source: 'offline' } }
const offline = () => Promise.reject(new TypeError('Failed to fetch'))

describe('the field outbox', () => {
  it('keeps an entry while the network is down and sends it once, with the same client_ref, when it returns', async () => {
    create.mockImplementation(offline)
    const sent: number[] = []
    const box = new Outbox('k', (_e, id) => sent.push(id), 60_000)
    await box.flush()
    const entry = box.add('hazards', hazard)
    await box.flush()
    expect(box.pending).toHaveLength(1)
    expect(box.status).toBe('offline')
    expect(JSON.parse(store.get('k')!)).toHaveLength(1)
    // A page opened later finds it.
    expect(new Outbox('k', () => {}, 60_000).pending.map((e) => e.ref)).toEqual([entry.ref])

    create.mockReset()
    create.mockResolvedValue({ id: 42, properties: {} })
    for (const cb of listeners.get('online') ?? []) cb()
    await box.flush()
    expect(sent).toEqual([42])
    expect(box.pending).toHaveLength(0)
    expect(JSON.parse(store.get('k')!)).toEqual([])
    // Both pages (the first and the one opened later) sent it when the network came back, with the
    // entry's own client_ref: the server answers the second with the first's feature.
    expect(create).toHaveBeenCalledTimes(2)
    for (const call of create.mock.calls) expect((call[1] as { properties: { client_ref: string } }).properties.client_ref).toBe(entry.ref)
    await box.flush() // nothing left: no call
    expect(create).toHaveBeenCalledTimes(2)
  })

  it('sends one entry at a time however often it is asked', async () => {
    let release!: (v: unknown) => void
    create.mockImplementation(() => new Promise((r) => (release = r)))
    const box = new Outbox('k', () => {}, 60_000)
    box.add('hazards', hazard)
    const runs = [box.flush(), box.flush(), box.flush()]
    await vi.waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    await new Promise((r) => setTimeout(r, 20))
    expect(create).toHaveBeenCalledTimes(1)
    release({ id: 1, properties: {} })
    await Promise.all(runs)
    expect(create).toHaveBeenCalledTimes(1)
    expect(box.pending).toHaveLength(0)
  })

  it('keeps a refused entry with the reason, and retries server errors and timeouts', async () => {
    create.mockRejectedValueOnce(new DOMException('signal timed out', 'TimeoutError'))
    const box0 = new Outbox('k0', () => {}, 60_000)
    box0.add('hazards', hazard)
    await box0.flush()
    expect(box0.pending).toHaveLength(1)
    create.mockReset()
    create.mockRejectedValueOnce(new ApiError(503, 'unavailable')).mockRejectedValueOnce(new ApiError(403, 'this hazards feature would lie outside your grid cells'))
    const box = new Outbox('k', () => {}, 60_000)
    box.add('hazards', hazard)
    await box.flush()
    expect(box.pending).toHaveLength(1)
    await box.flush()
    expect(box.pending).toHaveLength(0)
    expect(box.failed).toHaveLength(1)
    expect(box.failed[0]!.error).toMatch(/outside your grid cells/)
    box.discard(box.failed[0]!.ref)
    expect(JSON.parse(store.get('k')!)).toEqual([])
  })

  it('sends a hazard\u2019s photo after the hazard, and sends both again (the hazard answered, not stored) if the photo did not get through', async () => {
    create.mockResolvedValue({ id: 7, properties: {} })
    putPhoto.mockImplementationOnce(offline).mockResolvedValueOnce({ hazard_id: 7, bytes: 3 })
    const box = new Outbox('k', () => {}, 60_000)
    box.add('hazards', hazard, { content_type: 'image/jpeg', data: '/9j/' })
    await box.flush()
    expect(box.pending).toHaveLength(1)
    await box.flush()
    expect(box.pending).toHaveLength(0)
    expect(create).toHaveBeenCalledTimes(2)
    expect(putPhoto.mock.calls.map((c) => [c[0], c[1]])).toEqual([['hazards', 7], ['hazards', 7]])
  })

  it('sends a volunteer\u2019s dispute photo to the dispute it belongs to', async () => {
    create.mockResolvedValue({ id: 9, properties: {} })
    putPhoto.mockResolvedValue({ dispute_id: 9, bytes: 3 })
    const box = new Outbox('k', () => {}, 60_000)
    box.add('disputes', { ...hazard, properties: { category: 'neighbour', source: 'patrol', parties: 2 } }, { content_type: 'image/jpeg', data: '/9j/' })
    await box.flush()
    expect(box.pending).toHaveLength(0)
    expect(create.mock.calls[0]![0]).toBe('disputes')
    expect(putPhoto.mock.calls).toEqual([['disputes', 9, { content_type: 'image/jpeg', data: '/9j/' }]])
  })

  it('lets photos go, not entries, when the phone\u2019s storage is full', async () => {
    create.mockImplementation(offline)
    const box = new Outbox('k', () => {}, 60_000)
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (v.includes('"photo"')) throw new DOMException('quota', 'QuotaExceededError')
        store.set(k, v)
      },
      removeItem: (k: string) => void store.delete(k),
    })
    const e = box.add('hazards', hazard, { content_type: 'image/jpeg', data: 'x'.repeat(100) })
    expect(e.photoDropped).toBe(true)
    expect(JSON.parse(store.get('k')!)).toHaveLength(1)
  })
})
