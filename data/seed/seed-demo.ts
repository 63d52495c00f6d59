import { sql, type Kysely } from 'kysely'
import { installSeedRandom } from './sql-random.ts'
import { loadLiaoyuan } from './liaoyuan-source.ts'
import { seedAdminAreas } from './seed-admin.ts'
import { seedPolice } from './seed-police.ts'
import { seedPatrol } from './seed-patrol.ts'
import { seedSafety } from './seed-safety.ts'
import { seedCommunity } from './seed-community.ts'
import { seedProgrammes } from './seed-programmes.ts'

export interface SeedOptions {
  /** Same seed and anchor → the same rows. */
  seed: number
  /** The demo's "now" (ISO date-time): a year of history ends here. */
  anchor: string
  /** Replace existing data instead of refusing. */
  force?: boolean
  onStep?: (step: string, ms: number) => void
}

export const DEMO_SEED = 20230630

/** Tables the seed fills, children first (the order TRUNCATE and counts use). */
export const SEEDED_TABLES = [
  'live_events', 'alerts', 'audit_log', 'coordination_issues', 'coordination_meetings', 'mediation_participants', 'mediation_cases', 'household_reports',
  'points_ledger', 'redemptions', 'shop_items', 'activity_records', 'activity_participants', 'volunteer_activities', 'volunteers', 'volunteer_orgs',
  'incidents', 'guard_posts', 'schools', 'disputes', 'mediation_rooms', 'places', 'hazards',
  'river_patrols', 'rivers', 'unit_current', 'unit_positions', 'patrols', 'patrol_units', 'patrol_routes', 'patrol_zones',
  'household_units', 'grid_cells', 'militia_orgs', 'users', 'officers', 'police_units', 'admin_areas',
] as const

export class SeedRefusedError extends Error {
  override name = 'SeedRefusedError'
}

/** Loads the Liaoyuan demo city in one transaction: all of it or nothing. */
export async function seedDemo(db: Kysely<any>, options: SeedOptions): Promise<void> {
  const src = loadLiaoyuan()
  await db.transaction().execute(async (trx) => {
    const existing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM admin_areas`.execute(trx)
    if ((existing.rows[0]?.n ?? 0) > 0 && !options.force) {
      throw new SeedRefusedError('the database already holds data; use --force to replace it')
    }
    // Always restart the identities: generated values are keyed by ids, so the same seed must
    // start from the same ids even after an earlier attempt consumed sequence numbers.
    await sql.raw(`TRUNCATE ${SEEDED_TABLES.join(', ')} RESTART IDENTITY CASCADE`).execute(trx)
    await installSeedRandom(trx, options.seed)
    // Tells the live-event triggers (migration 0011) that this is a load, not news.
    await sql`SELECT set_config('pingan.seeding', 'on', true)`.execute(trx)
    const steps: Array<[string, () => Promise<void>]> = [
      ['admin areas', () => seedAdminAreas(trx, src)],
      ['police and grids', () => seedPolice(trx, src)],
      ['patrol and rivers', () => seedPatrol(trx, src, options.anchor)],
      ['safety layers', () => seedSafety(trx, options.anchor)],
      ['community programmes', () => seedCommunity(trx, options.anchor)],
      ['reports, mediation, meetings', () => seedProgrammes(trx, options.anchor)],
    ]
    for (const [name, run] of steps) {
      const t0 = performance.now()
      await run()
      options.onStep?.(name, performance.now() - t0)
    }
  })
}
