import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemo } from '../../data/seed/seed-demo.ts'
import { createApp } from '../../server/src/app.ts'
import { BY_DISTRICT, BY_ID, BY_UNIT, citusScript, NOT_OURS, REFERENCE, referenceOrder } from '../../server/src/db/citus.ts'
import { createDb, type DbHandle } from '../../server/src/db/create-db.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { createLogger } from '../../server/src/logger.ts'
import { createTestAccounts } from '../helpers/accounts.ts'
import { apiClient } from '../helpers/api-client.ts'
import { listen, type TestServer } from '../helpers/http.ts'
import { createScratchDatabase, scalar, TEST_ANCHOR, TEST_SEED } from '../helpers/test-db.ts'

/**
 * Stand-ins for Citus's create_reference_table and create_distributed_table that apply Citus's
 * rules to the real catalog and write down every breach instead of distributing anything:
 * - a reference table may only reference reference tables made before it;
 * - on a distributed table every primary key, unique constraint and unique index contains the
 *   distribution column;
 * - a foreign key from a distributed table goes to a reference table, or to a distributed table of
 *   the same co-location group, joining distribution column to distribution column;
 * - co-located tables have distribution columns of one type.
 */
const STAND_INS = `
  CREATE TABLE citus_stand_in (rel text PRIMARY KEY, kind text NOT NULL, col text, grp text);
  CREATE TABLE citus_breach (rel text NOT NULL, what text NOT NULL);
  CREATE FUNCTION create_reference_table(t regclass) RETURNS void LANGUAGE plpgsql AS $fn$
  DECLARE c record;
  BEGIN
    FOR c IN SELECT conname, confrelid::regclass::text AS ref FROM pg_constraint WHERE conrelid = t AND contype = 'f' AND confrelid <> t
    LOOP
      IF NOT EXISTS (SELECT 1 FROM citus_stand_in s WHERE s.rel = c.ref AND s.kind = 'reference') THEN
        INSERT INTO citus_breach VALUES (t::text, format('foreign key %s to %s, not a reference table made before', c.conname, c.ref));
      END IF;
    END LOOP;
    INSERT INTO citus_stand_in VALUES (t::text, 'reference', NULL, NULL);
  END $fn$;
  CREATE FUNCTION create_distributed_table(t regclass, col text, colocate_with text DEFAULT 'default') RETURNS void LANGUAGE plpgsql AS $fn$
  DECLARE
    c record;
    grp text := CASE WHEN colocate_with = 'default' THEN t::text ELSE (SELECT s.grp FROM citus_stand_in s WHERE s.rel = colocate_with) END;
    colnum smallint := (SELECT attnum FROM pg_attribute WHERE attrelid = t AND attname = col AND NOT attisdropped);
  BEGIN
    IF colnum IS NULL THEN INSERT INTO citus_breach VALUES (t::text, format('no column %s', col)); END IF;
    IF colocate_with <> 'default' AND (grp IS NULL OR (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = t AND a.attname = col)
         <> (SELECT format_type(a.atttypid, a.atttypmod) FROM citus_stand_in s JOIN pg_attribute a ON a.attrelid = s.rel::regclass AND a.attname = s.col WHERE s.rel = colocate_with)) THEN
      INSERT INTO citus_breach VALUES (t::text, format('cannot be co-located with %s', colocate_with));
    END IF;
    FOR c IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = t AND contype IN ('p', 'u', 'x') AND NOT (colnum = ANY (conkey))
    LOOP INSERT INTO citus_breach VALUES (t::text, format('%s %s lacks %s', c.conname, c.def, col)); END LOOP;
    FOR c IN SELECT indexrelid::regclass::text AS idx FROM pg_index WHERE indrelid = t AND indisunique AND NOT (colnum = ANY (indkey::smallint[]))
      AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)
    LOOP INSERT INTO citus_breach VALUES (t::text, format('unique index %s lacks %s', c.idx, col)); END LOOP;
    FOR c IN
      SELECT con.conname, con.confrelid::regclass::text AS ref, s.kind, s.grp AS ref_grp, s.col AS ref_col,
             EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) k(a, b)
                     WHERE a = colnum AND b = (SELECT attnum FROM pg_attribute WHERE attrelid = con.confrelid AND attname = s.col)) AS joins_on_key
      FROM pg_constraint con LEFT JOIN citus_stand_in s ON s.rel = con.confrelid::regclass::text
      WHERE con.conrelid = t AND con.contype = 'f'
    LOOP
      IF c.kind IS NULL THEN
        INSERT INTO citus_breach VALUES (t::text, format('foreign key %s to %s, which is neither a reference nor a distributed table yet', c.conname, c.ref));
      ELSIF c.kind = 'distributed' AND (c.ref_grp IS DISTINCT FROM grp OR NOT c.joins_on_key) THEN
        INSERT INTO citus_breach VALUES (t::text, format('foreign key %s to %s is not co-located on %s', c.conname, c.ref, col));
      END IF;
    END LOOP;
    INSERT INTO citus_stand_in VALUES (t::text, 'distributed', col, grp);
  END $fn$;`

describe.skipIf(!process.env.DATABASE_URL)('the schema laid out for Citus (PostgreSQL, Citus rules checked by stand-ins)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>
  let database: DbHandle
  let server: TestServer
  let script: string

  beforeAll(async () => {
    scratch = await createScratchDatabase('pingan_test_citus')
    const client = new pg.Client({ connectionString: scratch.url })
    await client.connect()
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis')
    database = await createDb({ databaseUrl: scratch.url })
    await migrateToLatest(database.db)
    await seedDemo(database.db, { seed: TEST_SEED, anchor: TEST_ANCHOR })
    await createTestAccounts(database.db)
    script = citusScript(await referenceOrder(database.db))
    await client.query(STAND_INS)
    await client.query(script)
    await client.end()
    server = await listen(createApp({ database, logger: createLogger('silent') }))
  }, 180_000)
  afterAll(async () => {
    await server?.close()
    await database?.close()
    await scratch?.drop()
  })

  it('places every table of the schema once: distributed by district, unit or id, or a reference table', async () => {
    const tables = (await sql<{ t: string }>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'citus\\_%' ORDER BY 1`.execute(database.db)).rows.map((r) => r.t)
    const placed = [...BY_DISTRICT, ...BY_UNIT, ...BY_ID, ...REFERENCE, ...NOT_OURS]
    expect(new Set(placed).size).toBe(placed.length)
    expect([...placed].sort()).toEqual(tables)
  })

  it('meets Citus\u2019s rules: every key holds the distribution column, foreign keys are co-located or to reference tables', async () => {
    const breaches = (await sql<{ rel: string; what: string }>`SELECT rel, what FROM citus_breach ORDER BY rel, what`.execute(database.db)).rows
    expect(breaches).toEqual([])
    const laid = (await sql<{ rel: string; kind: string; col: string | null; grp: string | null }>`SELECT * FROM citus_stand_in ORDER BY rel`.execute(database.db)).rows
    expect(laid.length).toBe(BY_DISTRICT.length + BY_UNIT.length + BY_ID.length + REFERENCE.length)
    for (const t of BY_DISTRICT) expect(laid.find((r) => r.rel === t), t).toMatchObject({ kind: 'distributed', col: 'district_code', grp: 'disputes' })
    for (const t of BY_UNIT) expect(laid.find((r) => r.rel === t), t).toMatchObject({ kind: 'distributed', col: 'unit_id', grp: 'unit_positions' })
    // The script dropped only what Citus cannot keep: each table still has a key, led by its district.
    for (const t of BY_DISTRICT) {
      const keys = await scalar<number>(database.db, sql`SELECT count(*)::int FROM pg_constraint WHERE conrelid = ${t}::regclass AND contype IN ('p', 'u')`)
      expect(keys, t).toBeGreaterThan(0)
    }
    // A breach is caught: the check is not vacuous.
    await sql`CREATE TABLE citus_probe (id int PRIMARY KEY, district_code text)`.execute(database.db)
    await sql`SELECT create_distributed_table('citus_probe', 'district_code')`.execute(database.db)
    expect(await scalar<number>(database.db, sql`SELECT count(*)::int FROM citus_breach WHERE rel = 'citus_probe'`)).toBe(1)
    await sql`DELETE FROM citus_breach WHERE rel = 'citus_probe'; DROP TABLE citus_probe; DELETE FROM citus_stand_in WHERE rel = 'citus_probe'`.execute(database.db)
  })

  it('keeps every row\u2019s district equal to its parent\u2019s, and each point\u2019s the district that covers it', async () => {
    const mismatched = await scalar<number>(database.db, sql`
      SELECT ((SELECT count(*) FROM hazard_photos c JOIN hazards p ON p.id = c.hazard_id WHERE c.district_code <> p.district_code)
           + (SELECT count(*) FROM mediation_cases c JOIN disputes p ON p.id = c.dispute_id WHERE c.district_code <> p.district_code)
           + (SELECT count(*) FROM mediation_participants c JOIN mediation_cases p ON p.id = c.case_id WHERE c.district_code <> p.district_code)
           + (SELECT count(*) FROM household_reports c JOIN disputes p ON p.id = c.dispute_id WHERE c.district_code <> p.district_code))::int`)
    expect(mismatched).toBe(0)
    // Each point's district is the district polygon that covers it (an independent spatial join).
    const wrong = await scalar<number>(database.db, sql`
      SELECT count(*)::int FROM incidents i JOIN admin_areas a ON a.level = 'district' AND ST_Covers(a.geom, i.geom) WHERE i.district_code <> a.code`)
    expect(wrong).toBe(0)
  })

  it('runs the application on it: retried entries, photo, ten-household report and mediation upserts all find their keys', async () => {
    const admin = apiClient(server.url, 'admin')
    const body = { geometry: { type: 'Point', coordinates: [125.14, 42.9] }, properties: { category: 'manhole', source: 'offline', description: 'CITUS 井盖', client_ref: randomUUID() } }
    const answers = await Promise.all(Array.from({ length: 6 }, () => admin.post('/api/layers/hazards/features', body)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201])
    const id = answers[0]!.body.id as number
    expect(await scalar<number>(database.db, sql`SELECT count(*)::int FROM hazards WHERE client_ref = ${body.properties.client_ref}::uuid`)).toBe(1)
    expect(await scalar<string>(database.db, sql`SELECT district_code FROM hazards WHERE id = ${id}`)).toBe(
      await scalar<string>(database.db, sql`SELECT a.code FROM admin_areas a WHERE a.level = 'district' AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(125.14, 42.9), 4326))`),
    )
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    for (let k = 0; k < 2; k++) expect((await admin.raw('PUT', `/api/officer/hazards/${id}/photo`, { content_type: 'image/png', data: png })).status).toBe(200)
    const unit = await scalar<number>(database.db, sql`SELECT min(id) FROM household_units`)
    const report = await admin.post(`/api/household-units/${unit}/reports`, { kind: 'dispute', category: 'neighbour', description: 'CITUS 噪音' })
    expect(report.status).toBe(201)
    const dispute = report.body.report.dispute_id as number
    expect(await scalar<number>(database.db, sql`SELECT count(*)::int FROM household_reports WHERE dispute_id = ${dispute}`)).toBe(1)
    // The dispute's photo (migration 0021), sent twice: its upsert finds the district-led key too.
    for (let k = 0; k < 2; k++) expect((await admin.raw('PUT', `/api/layers/disputes/features/${dispute}/photo`, { content_type: 'image/png', data: png })).status).toBe(200)
    expect(await scalar<number>(database.db, sql`SELECT count(*)::int FROM dispute_photos p JOIN disputes d ON d.id = p.dispute_id AND d.district_code = p.district_code WHERE d.id = ${dispute}`)).toBe(1)
    const open = await admin.post('/api/mediation-cases', { disputeId: dispute, participants: [{ agency: 'police', name: '于家' }] })
    expect(open.status).toBe(201)
    expect((await admin.post(`/api/mediation-cases/${open.body.id}/participants`, { agency: 'police', name: '于家' })).status).toBe(409)
    expect((await admin.post(`/api/mediation-cases/${open.body.id}/participants`, { agency: 'court', name: '李法官' })).status).toBe(201)
  })
})
