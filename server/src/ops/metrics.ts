/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges read at scrape
 * time, and histograms. One per process (`METRICS`); `GET /api/metrics` renders it.
 */
type Labels = Record<string, string>

const labelText = (labels: Labels) => {
  const entries = Object.entries(labels)
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}` : ''
}
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort())

class Counter {
  readonly #values = new Map<string, { labels: Labels; value: number }>()
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels)
    const e = this.#values.get(k)
    if (e) e.value += by
    else this.#values.set(k, { labels, value: by })
  }
  value(labels: Labels = {}): number {
    return this.#values.get(key(labels))?.value ?? 0
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    for (const { labels, value } of this.#values.values()) lines.push(`${this.name}${labelText(labels)} ${value}`)
    return lines.join('\n')
  }
}

class Histogram {
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>()
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const k = key(labels)
    let s = this.#series.get(k)
    if (!s) this.#series.set(k, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }))
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]!++
    })
    s.sum += value
    s.count++
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const s of this.#series.values()) {
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`))
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`)
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`)
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`)
    }
    return lines.join('\n')
  }
}

class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly read: () => Array<{ labels?: Labels; value: number }>,
  ) {}
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`]
    for (const { labels = {}, value } of this.read()) lines.push(`${this.name}${labelText(labels)} ${value}`)
    return lines.join('\n')
  }
}

export class Registry {
  readonly #metrics: Array<{ render(): string; name: string }> = []
  counter(name: string, help: string): Counter {
    const c = new Counter(name, help)
    this.#metrics.push(c)
    return c
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const h = new Histogram(name, help, buckets)
    this.#metrics.push(h)
    return h
  }
  /** A gauge read when scraped; registering the same name again replaces it (one app per process in production, several in tests). */
  gauge(name: string, help: string, read: () => Array<{ labels?: Labels; value: number }>): void {
    const i = this.#metrics.findIndex((m) => m.name === name)
    const g = new Gauge(name, help, read)
    if (i >= 0) this.#metrics[i] = g
    else this.#metrics.push(g)
  }
  render(): string {
    return this.#metrics.map((m) => m.render()).join('\n') + '\n'
  }
}

export const METRICS = new Registry()

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
export const httpRequests = METRICS.counter('pingan_http_requests_total', 'HTTP requests by method, route and status')
export const httpDuration = METRICS.histogram('pingan_http_request_duration_seconds', 'HTTP request duration by method and route', SECONDS)
export const ingestPositions = METRICS.counter('pingan_ingest_positions_total', 'unit positions accepted (new) and duplicates by live ingest')
export const tileCacheLookups = METRICS.counter('pingan_tile_cache_lookups_total', 'tile cache lookups by result (hit, miss, shared)')
export const slowQueries = METRICS.counter('pingan_db_slow_queries_total', 'database queries slower than the slow-query threshold')
export const passwordChecks = METRICS.counter('pingan_password_checks_total', 'passwords checked against a stored scrypt hash (sign-in, password change)')
export const dbErrors = METRICS.counter('pingan_db_unavailable_total', 'requests answered 503 because the database was unreachable')

METRICS.gauge('pingan_process_resident_memory_bytes', 'resident set size', () => [{ value: process.memoryUsage().rss }])
METRICS.gauge('pingan_nodejs_heap_used_bytes', 'V8 heap in use', () => [{ value: process.memoryUsage().heapUsed }])
METRICS.gauge('pingan_process_uptime_seconds', 'seconds since the process started', () => [{ value: Math.round(process.uptime()) }])
