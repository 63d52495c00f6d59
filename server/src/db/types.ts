import type { ColumnType, Generated } from 'kysely'

/** Geometry as PostgreSQL returns it (hex EWKB); read it through ST_AsGeoJSON in queries. */
export type Geometry = ColumnType<string, string, string>
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Created = ColumnType<Date, never, never>
type Id = Generated<number>
type Version = ColumnType<number, never, number>

export interface AdminAreasTable {
  id: Id
  code: string
  name: string
  level: 'city' | 'district' | 'town' | 'village'
  kind: string
  parent_code: string | null
  generated: ColumnType<boolean, boolean | undefined, boolean>
  version: Version
  created_at: Created
  updated_at: Timestamp
  geom: Geometry
}

export interface PoliceUnitsTable {
  id: Id
  code: string
  name: string
  kind: 'bureau' | 'branch' | 'county_bureau' | 'station' | 'office'
  parent_id: number | null
  area_code: string | null
  phone: string | null
  version: Version
  created_at: Created
  updated_at: Timestamp
  geom: Geometry
}

export interface OfficersTable {
  id: Id
  badge: string
  name: string
  role: string
  unit_id: number
  phone: string | null
  created_at: Created
  updated_at: Timestamp
}

export interface GridCellsTable {
  id: Id
  code: string
  name: string
  community_code: string
  station_id: number
  officer_id: number | null
  auxiliary_id: number | null
  grid_worker_id: number | null
  militia_org_id: number | null
  households: number
  population: number
  version: Version
  created_at: Created
  updated_at: Timestamp
  geom: Geometry
}

export interface UsersTable {
  id: Id
  username: string
  display_name: string
  role: 'admin' | 'command' | 'planner' | 'officer' | 'volunteer'
  password_hash: string
  officer_id: number | null
  volunteer_id: number | null
  disabled: ColumnType<boolean, boolean | undefined, boolean>
  created_at: Created
  updated_at: Timestamp
}

export interface AuditLogTable {
  id: Generated<string>
  actor: string
  action: 'create' | 'update' | 'delete' | 'transition' | 'import' | 'login' | 'acknowledge'
  layer: string
  feature_id: string | null
  before: unknown
  after: unknown
  reason: string | null
  at: ColumnType<Date, Date | string | undefined, never>
}

/**
 * Tables the query builder uses with full types. Layer tables are reached through the catalog
 * and typed SQL helpers instead (their columns are described there once).
 */
export interface Database {
  admin_areas: AdminAreasTable
  police_units: PoliceUnitsTable
  officers: OfficersTable
  grid_cells: GridCellsTable
  users: UsersTable
  audit_log: AuditLogTable
}
