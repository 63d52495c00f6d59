import { createDb, type DbHandle } from '../../server/src/db/create-db.ts'
import { createScratchDatabase } from '../helpers/test-db.ts'

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Median and fastest of `runs` timed calls after one warm-up (the machine may be shared: both matter). */
export async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<{ median: number; min: number }> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  return { median: median(times), min: Math.min(...times) }
}

/**
 * A throw-away database for a benchmark that generates data: in-memory PGlite, or with
 * DATABASE_URL a database `name` created on that server and dropped by `drop()`.
 */
export async function openScratch(name: string): Promise<{ database: DbHandle; drop: () => Promise<void> }> {
  if (!process.env.DATABASE_URL) return { database: await createDb({ dataDir: 'memory://' }), drop: async () => {} }
  const scratch = await createScratchDatabase(name)
  return { database: await createDb({ databaseUrl: scratch.url }), drop: scratch.drop }
}
