import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { demoChecksum } from '../../data/seed/checksum.ts'
import { beforeAll, describe, expect, it } from 'vitest'
import { SeedRefusedError, seedDemo } from '../../data/seed/seed-demo.ts'
import { getTestDb, scalar, TEST_ANCHOR, TEST_SEED, type TestDb } from '../helpers/test-db.ts'
import { createTestAccounts } from '../helpers/accounts.ts'

const count = (db: TestDb['db'], q: ReturnType<typeof sql>) => scalar<number>(db, sql`SELECT count(*)::int FROM (${q}) q`)

/** The committed checksum of the test city (seed and anchor of tests/helpers/test-db.ts); `REGEN=1` rewrites it. */
const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/demo-city-checksum.json')
/** Written after the seed by the test set-up (accounts and their audit entries). */
const AFTER_SEED = new Set(['users', 'audit_log'])

describe('the Liaoyuan demo seed', () => {
  let t: TestDb
  beforeAll(async () => {
    t = await getTestDb()
  })

  it('is the same city on every database and every run: the checksum of the fresh seed equals the committed one', async () => {
    const sums = Object.fromEntries(Object.entries(await demoChecksum(t.db)).filter(([table]) => !AFTER_SEED.has(table)))
    if (process.env.REGEN) writeFileSync(GOLDEN, JSON.stringify(sums, null, 2) + '\n')
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string>
    // Per table, so a failure names what changed; regenerate with REGEN=1 after a deliberate seed change.
    expect(sums).toEqual(golden)
  })

  it('loads the real divisions: 4 districts, 48 towns, 580 villages with their official codes', async () => {
    const levels = await sql<{ level: string; n: number }>`SELECT level, count(*)::int AS n FROM admin_areas GROUP BY level ORDER BY level`.execute(t.db)
    expect(Object.fromEntries(levels.rows.map((r) => [r.level, r.n]))).toEqual({ city: 1, district: 4, town: 48, village: 580 })
    expect(await scalar(t.db, sql`SELECT name FROM admin_areas WHERE code = '220402100001'`)).toBe('东城社区')
    expect(await scalar(t.db, sql`SELECT name FROM admin_areas WHERE code = '220403002'`)).toBe('仙城街道')
  })

  it('meets the counts of the story', async () => {
    const q = (s: ReturnType<typeof sql>) => scalar<number>(t.db, sql`SELECT (${s})::int`)
    expect(await q(sql`SELECT count(*) FROM police_units WHERE kind = 'station'`)).toBe(27)
    expect(await q(sql`SELECT count(*) FROM police_units WHERE kind = 'branch'`)).toBe(8)
    expect(await q(sql`SELECT count(*) FROM police_units WHERE name IN ('辽源市公安局向阳分局', '辽源市公安局仙城分局')`)).toBe(2)
    expect(await q(sql`SELECT count(*) FROM officers WHERE role = 'community_officer'`)).toBe(222)
    expect(await q(sql`SELECT count(*) FROM officers WHERE role = 'auxiliary'`)).toBe(565)
    expect(await q(sql`SELECT count(*) FROM militia_orgs`)).toBe(552)
    expect(await q(sql`SELECT sum(informants) FROM militia_orgs`)).toBe(1557)
    expect(await q(sql`SELECT count(*) FROM volunteer_orgs`)).toBe(78)
    expect(await q(sql`SELECT count(*) FROM volunteers`)).toBeGreaterThan(3000)
    expect(await q(sql`SELECT count(*) FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id WHERE o.name = '心愿邻里守望队'`)).toBe(168)
    expect(await q(sql`SELECT count(*) FROM volunteer_activities`)).toBe(23)
    expect(await q(sql`SELECT count(DISTINCT volunteer_id) FROM redemptions`)).toBe(346)
    expect(await q(sql`SELECT count(*) FROM (SELECT volunteer_id FROM points_ledger GROUP BY volunteer_id HAVING sum(delta) < 0) n`)).toBe(0)
    expect(await q(sql`SELECT count(*) FROM mediation_rooms`)).toBe(600)
    expect(await q(sql`SELECT count(*) FROM river_patrols WHERE extract(month FROM started_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 6 AND 9 AND generated`)).toBe(189)
    expect(await q(sql`SELECT count(*) FROM river_patrols`)).toBe(189)
    expect(await q(sql`SELECT count(*) FROM hazards`)).toBe(1201)
    expect(await q(sql`SELECT count(DISTINCT status) FROM hazards`)).toBe(5)
    expect(await q(sql`SELECT count(*) FROM disputes WHERE status = 'resolved'`)).toBe(247)
    expect(await q(sql`SELECT count(*) FROM disputes`)).toBeGreaterThan(247)
    expect(await q(sql`SELECT count(*) FROM disputes WHERE source = 'household_unit'`)).toBe(211)
    expect(await q(sql`SELECT count(*) FROM patrol_units WHERE kind = 'ebike'`)).toBe(99)
    expect(await q(sql`SELECT count(*) FROM places`)).toBeGreaterThanOrEqual(4300)
    expect(await q(sql`SELECT count(*) FROM incidents WHERE reported_at > ${TEST_ANCHOR}::timestamptz - interval '1 year'`)).toBeGreaterThan(10000)
  })

  it('puts 辽源市第五中学 (20:30 dismissal) with a guard post and 郭少川 as its officer', async () => {
    const r = await sql<{ times: string[]; posts: number; officer: string }>`
      SELECT s.dismissal_times AS times, (SELECT count(*)::int FROM guard_posts g WHERE g.school_id = s.id) AS posts,
             (SELECT o.name FROM guard_posts g JOIN officers o ON o.id = g.officer_id WHERE g.school_id = s.id LIMIT 1) AS officer
      FROM schools s WHERE s.name = '辽源市第五中学'`.execute(t.db)
    expect(r.rows).toHaveLength(1)
    expect(r.rows[0]!.times).toEqual(['20:30'])
    expect(r.rows[0]!.posts).toBeGreaterThanOrEqual(1)
    expect(r.rows[0]!.officer).toBe('郭少川')
  })

  it('follows the four-seasons rule: each season\u2019s focus category is its most common', async () => {
    const r = await sql<{ season: string; category: string }>`
      SELECT DISTINCT ON (season) season, category FROM disputes GROUP BY season, category ORDER BY season, count(*) DESC`.execute(t.db)
    expect(Object.fromEntries(r.rows.map((x) => [x.season, x.category]))).toEqual({ spring: 'land', summer: 'neighbour', autumn: 'family', winter: 'lending' })
  })

  it('has only valid geometry', async () => {
    for (const table of ['admin_areas', 'grid_cells', 'patrol_zones', 'patrol_routes', 'rivers', 'river_patrols', 'patrols', 'hazards', 'incidents', 'household_units']) {
      expect(await count(t.db, sql`SELECT 1 FROM ${sql.table(table)} WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)`), table).toBe(0)
    }
  })

  it('partitions each district by its towns and each town by its villages (area within 0.1 %, overlaps < 1 m²)', async () => {
    for (const [parent, child] of [['district', 'town'], ['town', 'village']] as const) {
      const r = await sql<{ code: string; ratio: number }>`
        SELECT p.code, ST_Area(ST_Union(c.geom)::geography) / ST_Area(p.geom::geography) AS ratio
        FROM admin_areas p JOIN admin_areas c ON c.parent_code = p.code
        WHERE p.level = ${parent} AND c.level = ${child} GROUP BY p.code, p.geom`.execute(t.db)
      expect(r.rows.length).toBe(parent === 'district' ? 4 : 48)
      for (const row of r.rows) expect(Math.abs(row.ratio - 1), `${child}s of ${row.code}`).toBeLessThan(0.001)
      const overlap = await scalar<number>(t.db, sql`
        SELECT coalesce(max(ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 32651))), 0)::float8
        FROM admin_areas a JOIN admin_areas b ON a.parent_code = b.parent_code AND a.id < b.id AND a.geom && b.geom
        WHERE a.level = ${child} AND ST_Intersects(a.geom, b.geom) AND ST_Relate(a.geom, b.geom, '2********')`)
      expect(overlap, `largest ${child} overlap m²`).toBeLessThan(1)
    }
  })

  it('keeps every grid cell inside its community and the cells tile it', async () => {
    // Predicates and sums, not overlays: PGlite's PostGIS silently returns no rows when an
    // overlay of these edge-sharing polygons hits a GEOS error (see README, known issues).
    const outside = await count(t.db, sql`SELECT 1 FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code
      WHERE NOT ST_CoveredBy(g.geom, ST_Buffer(v.geom, 0.000001))`)
    expect(outside).toBe(0)
    const worst = await scalar<number>(t.db, sql`
      SELECT max(abs(1 - s.a / ST_Area(v.geom::geography)))::float8 FROM admin_areas v
      JOIN (SELECT community_code, sum(ST_Area(geom::geography)) AS a FROM grid_cells GROUP BY community_code) s ON s.community_code = v.code`)
    expect(worst).toBeLessThan(0.001)
    expect(await count(t.db, sql`SELECT 1 FROM admin_areas v WHERE v.level = 'village' AND NOT EXISTS (SELECT 1 FROM grid_cells g WHERE g.community_code = v.code)`)).toBe(0)
  })

  it('places every point and line layer inside the city', async () => {
    for (const table of ['police_units', 'household_units', 'hazards', 'places', 'disputes', 'mediation_rooms', 'schools', 'guard_posts', 'incidents', 'unit_positions', 'patrol_routes', 'river_patrols', 'rivers']) {
      const n = await count(t.db, sql`WITH c AS MATERIALIZED (SELECT ST_Buffer(geom, 0.0001) AS g FROM admin_areas WHERE level = 'city')
        SELECT 1 FROM ${sql.table(table)} x, c WHERE NOT ST_Covers(c.g, x.geom)`)
      expect(n, table).toBe(0)
    }
  })

  it('assigns hazards, incidents and disputes to the grid cell that contains them', async () => {
    for (const table of ['hazards', 'incidents']) {
      const wrong = await count(t.db, sql`SELECT 1 FROM ${sql.table(table)} x JOIN grid_cells g ON g.id = x.grid_id WHERE NOT ST_Covers(g.geom, x.geom)`)
      expect(wrong, table).toBe(0)
    }
  })

  it('refuses to seed a non-empty database without force, changing nothing', async () => {
    const before = await demoChecksum(t.db)
    await expect(seedDemo(t.db, { seed: TEST_SEED + 1, anchor: TEST_ANCHOR })).rejects.toBeInstanceOf(SeedRefusedError)
    expect(await demoChecksum(t.db)).toEqual(before)
  })

  it('is reproducible: a forced reseed of a database in use gives the committed city again', async () => {
    await sql`UPDATE hazards SET description = 'edited before the reseed' WHERE id = (SELECT min(id) FROM hazards)`.execute(t.db)
    await seedDemo(t.db, { seed: TEST_SEED, anchor: TEST_ANCHOR, force: true })
    const sums = Object.fromEntries(Object.entries(await demoChecksum(t.db)).filter(([table]) => !AFTER_SEED.has(table)))
    expect(sums).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')))
    // A reseed replaces the accounts with the city (users reference officers): the other test files need theirs back.
    await createTestAccounts(t.db)
  })
})
