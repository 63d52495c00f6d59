import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrations } from '../../data/migrations/index.ts'
import { migrateToLatest } from '../../server/src/db/migrate.ts'
import { getTestDb } from '../helpers/test-db.ts'

const DOMAIN_TABLES = [
  'admin_areas', 'police_units', 'officers', 'militia_orgs', 'grid_cells', 'household_units', 'patrol_zones', 'patrol_routes',
  'patrol_units', 'patrols', 'unit_positions', 'unit_current', 'rivers', 'river_patrols', 'hazards', 'places', 'mediation_rooms',
  'disputes', 'schools', 'guard_posts', 'incidents', 'volunteer_orgs', 'volunteers', 'volunteer_activities', 'activity_participants',
  'redemptions', 'users', 'audit_log',
]

describe('migrations', () => {
  it('apply every migration, in order, to an empty database', async () => {
    const { appliedFromEmpty } = await getTestDb()
    expect(appliedFromEmpty).toEqual(Object.keys(migrations))
  })

  it('are a no-op when re-run', async () => {
    const { db } = await getTestDb()
    expect(await migrateToLatest(db)).toEqual({ applied: [] })
  })

  it('create every domain table', async () => {
    const { db } = await getTestDb()
    const r = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`.execute(db)
    expect(r.rows.map((x) => x.table_name)).toEqual(expect.arrayContaining(DOMAIN_TABLES))
  })

  it('type every geometry column with SRID 4326 and give it a GiST index', async () => {
    const { db } = await getTestDb()
    const cols = await sql<{ table: string; column: string; srid: number; type: string; indexed: boolean }>`
      SELECT f_table_name AS table, f_geometry_column AS column, srid, type,
             EXISTS (
               SELECT 1 FROM pg_index i
               JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
               WHERE i.indrelid = (quote_ident(f_table_name))::regclass AND a.attname = f_geometry_column AND am.amname = 'gist'
             ) AS indexed
      FROM geometry_columns WHERE f_table_schema = 'public'`.execute(db)
    expect(cols.rows.length).toBeGreaterThanOrEqual(18)
    for (const c of cols.rows) {
      expect({ table: c.table, srid: c.srid, indexed: c.indexed }).toEqual({ table: c.table, srid: 4326, indexed: true })
      expect(c.type).not.toBe('GEOMETRY')
    }
  })

  it('enforce statuses and categories with check constraints', async () => {
    const { db } = await getTestDb()
    await expect(sql`UPDATE hazards SET status = 'lost' WHERE id = 1`.execute(db)).rejects.toThrow(/check constraint/)
    await expect(sql`UPDATE disputes SET category = 'weather' WHERE id = 1`.execute(db)).rejects.toThrow(/check constraint/)
    await expect(sql`UPDATE grid_cells SET station_id = 999999 WHERE id = 1`.execute(db)).rejects.toThrow(/foreign key/)
  })
})
