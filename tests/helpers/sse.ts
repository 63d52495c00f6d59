import { authHeader, type TestAccount } from './accounts.ts'
export interface SseEvent {
  id: string | undefined
  event: string
  data: any
}

/** A minimal SSE reader over fetch: collects events; `next(pred)` waits for a matching one. */
export async function openSse(url: string, headers: Record<string, string> = {}, who: TestAccount | null = 'admin') {
  const controller = new AbortController()
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...(who ? authHeader(who) : {}), ...headers }, signal: controller.signal })
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`)
  const events: SseEvent[] = []
  const waiters: Array<{ pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }> = []
  const decoder = new TextDecoder()
  let buffer = ''
  const pump = (async () => {
    const reader = res.body!.getReader()
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        const lines = block.split('\n').filter((l) => !l.startsWith(':'))
        const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2)
        const data = field('data')
        if (data === undefined) continue
        const e: SseEvent = { id: field('id'), event: field('event') ?? 'message', data: JSON.parse(data) }
        events.push(e)
        for (const w of [...waiters]) if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(e)
        }
      }
    }
  })()
  return {
    events,
    next(pred: (e: SseEvent) => boolean, timeoutMs = 10_000): Promise<SseEvent> {
      const found = events.find(pred)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching event in time')), timeoutMs)
        waiters.push({ pred, resolve: (e) => { clearTimeout(timer); resolve(e) } })
      })
    },
    close() {
      controller.abort()
      return pump
    },
  }
}
