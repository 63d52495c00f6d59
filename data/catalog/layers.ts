/**
 * The layer catalog: one record per map layer, plain data imported by the server (features,
 * tiles, OGC collections, stats) and the client (map layers, legends). The layer id is the one
 * public key: URL segment, MVT layer name, MapLibre source-layer and deck.gl id.
 */

export type GeometryKind = 'Point' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon'
export type PropertyType = 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'date' | 'json'

export interface Label {
  zh: string
  en: string
}

export interface PropertyDef {
  name: string
  type: PropertyType
  label: Label
  /** Allowed values (the table's CHECK constraint says the same). */
  values?: readonly string[]
  /** Set by the system (versions, timestamps, assignments, lifecycle), never by a client. */
  readOnly?: boolean
  /** Must be given when a feature is created. */
  required?: boolean
  /** Given on create only, never changed afterwards. */
  createOnly?: boolean
  /** A string format checked on write. */
  format?: 'uuid'
}

export type LayerGroup = 'reference' | 'police' | 'community' | 'patrol' | 'safety'

export interface LayerStyle {
  kind: 'fill' | 'line' | 'circle'
  color: string
  /** Outline or line width in pixels. */
  width?: number
  radius?: number
}

export interface LayerDef {
  id: string
  table: string
  title: Label
  group: LayerGroup
  geometry: GeometryKind
  /** Column shown as the feature's name and searched by `q`. */
  nameColumn?: string
  /** Column the `datetime` filter applies to. */
  timeColumn?: string
  properties: readonly PropertyDef[]
  minzoom: number
  maxzoom: number
  style: LayerStyle
  /** Dense point layers are clustered in low-zoom tiles. */
  cluster?: boolean
  /** Part of the offline reference basemap. */
  basemap?: boolean
  /** People create, edit and delete its features through the API. */
  editable?: boolean
  /** Its `status` moves only through the named lifecycle's transitions. */
  lifecycle?: 'hazard' | 'dispute'
}

const p = (name: string, type: PropertyType, zh: string, en: string, values?: readonly string[]): PropertyDef =>
  values ? { name, type, label: { zh, en }, values } : { name, type, label: { zh, en } }
/** A property the client must give on create. */
const req = (def: PropertyDef): PropertyDef => ({ ...def, required: true })
/** A property only the system sets. */
const sys = (def: PropertyDef): PropertyDef => ({ ...def, readOnly: true })

export const HAZARD_CATEGORIES = ['manhole', 'small_venue', 'fire', 'flood', 'traffic', 'building', 'electric', 'other'] as const
export const HAZARD_STATUSES = ['reported', 'verified', 'rectifying', 'eliminated', 'rejected'] as const
export const DISPUTE_CATEGORIES = ['land', 'neighbour', 'family', 'lending', 'other'] as const
export const DISPUTE_STATUSES = ['reported', 'mediating', 'resolved', 'escalated'] as const
export const DISPUTE_SOURCES = ['household_unit', '110', '12345', 'patrol', 'walk_in'] as const
export const SEASONS = ['spring', 'summer', 'autumn', 'winter'] as const
export const ROUTE_KINDS = ['foot', 'ebike', 'car', 'traffic', 'school_guard', 'volunteer', 'river'] as const
export const INCIDENT_CATEGORIES = ['theft', 'fight', 'traffic', 'fraud', 'noise', 'dispute', 'fire', 'help', 'other'] as const
export const PLACE_KINDS = ['shop', 'restaurant', 'inn', 'internet_cafe', 'salon', 'entertainment', 'clinic', 'training', 'workshop'] as const

/** The four-seasons method (四季排查法): the dispute category each season screens for. */
export const SEASON_FOCUS: Record<(typeof SEASONS)[number], (typeof DISPUTE_CATEGORIES)[number]> = {
  spring: 'land',
  summer: 'neighbour',
  autumn: 'family',
  winter: 'lending',
}

/**
 * The id a phone gave an entry it recorded (a UUID, unique per layer): sending it again answers
 * the stored feature instead of storing it twice (migration 0018).
 */
const clientRef: PropertyDef = { ...p('client_ref', 'string', '客户端编号', 'Client reference'), createOnly: true, format: 'uuid' }
const created = sys(p('updated_at', 'datetime', '更新时间', 'Updated'))
const version = sys(p('version', 'integer', '版本', 'Version'))
/** Assigned by the database from the grid cell that covers the point (migration 0009). */
const assigned = [
  sys(p('grid_id', 'integer', '网格', 'Grid cell')),
  sys(p('community_code', 'string', '社区/村', 'Community')),
  sys(p('station_id', 'integer', '派出所/分局', 'Station')),
  sys(p('officer_id', 'integer', '责任民警', 'Responsible officer')),
]

const LAYER_LIST = [
  {
    id: 'admin-areas', table: 'admin_areas', title: { zh: '行政区划', en: 'Administrative areas' }, group: 'reference', geometry: 'MultiPolygon',
    nameColumn: 'name', minzoom: 0, maxzoom: 16, basemap: true, style: { kind: 'line', color: '#5b6b82', width: 1 },
    properties: [p('code', 'string', '区划代码', 'Code'), p('name', 'string', '名称', 'Name'), p('level', 'string', '层级', 'Level', ['city', 'district', 'town', 'village']),
      p('kind', 'string', '类型', 'Kind'), p('parent_code', 'string', '上级代码', 'Parent code'), p('generated', 'boolean', '边界为生成', 'Generated boundary'), version],
  },
  {
    id: 'police-units', table: 'police_units', title: { zh: '公安机构', en: 'Police units' }, group: 'police', geometry: 'Point',
    nameColumn: 'name', minzoom: 6, maxzoom: 18, style: { kind: 'circle', color: '#1d4ed8', radius: 6 },
    properties: [p('code', 'string', '编码', 'Code'), p('name', 'string', '名称', 'Name'), p('kind', 'string', '类型', 'Kind', ['bureau', 'branch', 'county_bureau', 'station', 'office']),
      p('parent_id', 'integer', '上级单位', 'Parent unit'), p('area_code', 'string', '辖区代码', 'Area code'), p('phone', 'string', '电话', 'Phone'), version],
  },
  {
    id: 'grid-cells', table: 'grid_cells', title: { zh: '网格', en: 'Grid cells' }, group: 'police', geometry: 'MultiPolygon', editable: true,
    nameColumn: 'name', minzoom: 8, maxzoom: 18, basemap: true, style: { kind: 'fill', color: '#0ea5e9', width: 1 },
    properties: [req(p('code', 'string', '网格编码', 'Code')), req(p('name', 'string', '名称', 'Name')), req(p('community_code', 'string', '社区/村代码', 'Community code')),
      req(p('station_id', 'integer', '派出所/分局', 'Station')), p('officer_id', 'integer', '社区民警', 'Community officer'), p('auxiliary_id', 'integer', '辅警（治保会主任）', 'Auxiliary officer'),
      p('grid_worker_id', 'integer', '网格员', 'Grid worker'), p('militia_org_id', 'integer', '民兵组织', 'Militia organisation'),
      p('households', 'integer', '户数', 'Households'), p('population', 'integer', '人口', 'Population'), version, created],
  },
  {
    id: 'household-units', table: 'household_units', title: { zh: '十户联防', en: 'Ten-household units' }, group: 'community', geometry: 'Point', editable: true,
    nameColumn: 'name', minzoom: 12, maxzoom: 18, cluster: true, style: { kind: 'circle', color: '#16a34a', radius: 4 },
    properties: [req(p('code', 'string', '编码', 'Code')), req(p('name', 'string', '名称', 'Name')), req(p('lead_name', 'string', '联防长', 'Lead')),
      p('lead_phone', 'string', '联系电话', 'Phone'), req(p('households', 'integer', '户数', 'Households')), sys(p('reports', 'integer', '上报纠纷', 'Reports')), version, ...assigned],
  },
  {
    id: 'patrol-zones', table: 'patrol_zones', title: { zh: '巡区', en: 'Patrol zones' }, group: 'patrol', geometry: 'Polygon', editable: true,
    nameColumn: 'name', minzoom: 8, maxzoom: 18, style: { kind: 'fill', color: '#f59e0b', width: 2 },
    properties: [req(p('name', 'string', '名称', 'Name')), req(p('station_id', 'integer', '所属单位', 'Station')), req(p('team', 'string', '巡逻组', 'Team')),
      p('priority', 'integer', '等级', 'Priority'), version, created],
  },
  {
    id: 'patrol-routes', table: 'patrol_routes', title: { zh: '巡逻路线', en: 'Patrol routes' }, group: 'patrol', geometry: 'LineString', editable: true,
    nameColumn: 'name', minzoom: 9, maxzoom: 18, style: { kind: 'line', color: '#d97706', width: 2 },
    properties: [req(p('name', 'string', '名称', 'Name')), p('zone_id', 'integer', '巡区', 'Zone'), req(p('team', 'string', '巡逻组', 'Team')),
      req(p('kind', 'string', '方式', 'Kind', ROUTE_KINDS)), p('schedule', 'json', '时段', 'Schedule'), version, created],
  },
  {
    id: 'patrols', table: 'patrols', title: { zh: '巡逻记录', en: 'Completed patrols' }, group: 'patrol', geometry: 'LineString', editable: true,
    timeColumn: 'started_at', minzoom: 10, maxzoom: 18, style: { kind: 'line', color: '#a855f7', width: 1 },
    properties: [p('unit_id', 'integer', '巡逻单元', 'Unit'), p('officer_id', 'integer', '民警', 'Officer'), p('route_id', 'integer', '路线', 'Route'),
      req(p('kind', 'string', '方式', 'Kind', ROUTE_KINDS)), req(p('started_at', 'datetime', '开始', 'Started')), p('ended_at', 'datetime', '结束', 'Ended'), p('notes', 'string', '备注', 'Notes'), clientRef, version],
  },
  {
    id: 'unit-positions', table: 'unit_positions', title: { zh: '车辆定位', en: 'Unit positions' }, group: 'patrol', geometry: 'Point',
    timeColumn: 'ts', minzoom: 10, maxzoom: 18, cluster: true, style: { kind: 'circle', color: '#e11d48', radius: 3 },
    properties: [p('unit_id', 'integer', '巡逻单元', 'Unit'), p('ts', 'datetime', '时间', 'Time'), p('speed', 'number', '速度 m/s', 'Speed m/s'),
      p('heading', 'number', '方向', 'Heading'), p('accuracy', 'number', '精度 m', 'Accuracy m')],
  },
  {
    id: 'rivers', table: 'rivers', title: { zh: '河流', en: 'Rivers' }, group: 'reference', geometry: 'MultiLineString',
    nameColumn: 'name', minzoom: 0, maxzoom: 18, basemap: true, style: { kind: 'line', color: '#3b82f6', width: 2 },
    properties: [p('name', 'string', '名称', 'Name'), p('kind', 'string', '类型', 'Kind'), p('generated', 'boolean', '走向为生成', 'Generated course')],
  },
  {
    id: 'river-patrols', table: 'river_patrols', title: { zh: '河道巡查', en: 'River patrols' }, group: 'patrol', geometry: 'LineString', editable: true,
    timeColumn: 'started_at', minzoom: 8, maxzoom: 18, style: { kind: 'line', color: '#0891b2', width: 3 },
    properties: [p('river_id', 'integer', '河流', 'River'), req(p('team', 'string', '巡查队', 'Team')), req(p('started_at', 'datetime', '开始', 'Started')),
      req(p('ended_at', 'datetime', '结束', 'Ended')), p('water_level_m', 'number', '水位 m', 'Water level m'), p('observations', 'string', '巡查情况', 'Observations'),
      p('hazards_found', 'integer', '发现隐患', 'Hazards found'), sys(p('generated', 'boolean', '生成数据', 'Generated')), clientRef, version],
  },
  {
    id: 'hazards', table: 'hazards', title: { zh: '风险隐患', en: 'Hazards' }, group: 'safety', geometry: 'Point', editable: true, lifecycle: 'hazard',
    nameColumn: 'code', timeColumn: 'reported_at', minzoom: 9, maxzoom: 18, cluster: true, style: { kind: 'circle', color: '#dc2626', radius: 5 },
    properties: [sys(p('code', 'string', '编号', 'Code')), req(p('category', 'string', '类别', 'Category', HAZARD_CATEGORIES)), sys(p('status', 'string', '状态', 'Status', HAZARD_STATUSES)),
      req(p('source', 'string', '来源', 'Source', ['online', 'offline'])), p('description', 'string', '描述', 'Description'), 
      p('reported_at', 'datetime', '上报时间', 'Reported'), sys(p('eliminated_at', 'datetime', '销号时间', 'Eliminated')), clientRef, version, ...assigned],
  },
  {
    id: 'places', table: 'places', title: { zh: '九小场所', en: 'Small venues' }, group: 'safety', geometry: 'Point', editable: true,
    nameColumn: 'name', timeColumn: 'last_inspected_at', minzoom: 11, maxzoom: 18, cluster: true, style: { kind: 'circle', color: '#7c3aed', radius: 4 },
    properties: [req(p('name', 'string', '名称', 'Name')), req(p('kind', 'string', '类型', 'Kind', PLACE_KINDS)), 
      p('last_inspected_at', 'datetime', '最近检查', 'Last inspected'), p('last_result', 'string', '检查结果', 'Result', ['pass', 'fail', 'rectified']), version, ...assigned],
  },
  {
    id: 'disputes', table: 'disputes', title: { zh: '矛盾纠纷', en: 'Disputes' }, group: 'community', geometry: 'Point', editable: true, lifecycle: 'dispute',
    nameColumn: 'code', timeColumn: 'reported_at', minzoom: 9, maxzoom: 18, style: { kind: 'circle', color: '#ea580c', radius: 5 },
    properties: [sys(p('code', 'string', '编号', 'Code')), req(p('category', 'string', '类别', 'Category', DISPUTE_CATEGORIES)), sys(p('season', 'string', '季节', 'Season', SEASONS)),
      sys(p('status', 'string', '状态', 'Status', DISPUTE_STATUSES)), req(p('source', 'string', '来源', 'Source', DISPUTE_SOURCES)), p('parties', 'integer', '当事人数', 'Parties'),
      p('description', 'string', '描述', 'Description'), p('household_unit_id', 'integer', '十户联防组', 'Ten-household unit'), p('mediation_room_id', 'integer', '调解室', 'Mediation room'),
      p('reported_at', 'datetime', '上报时间', 'Reported'), sys(p('resolved_at', 'datetime', '化解时间', 'Resolved')), clientRef, version, ...assigned],
  },
  {
    id: 'mediation-rooms', table: 'mediation_rooms', title: { zh: '调解室', en: 'Mediation rooms' }, group: 'community', geometry: 'Point', editable: true,
    nameColumn: 'name', minzoom: 10, maxzoom: 18, cluster: true, style: { kind: 'circle', color: '#0d9488', radius: 4 },
    properties: [req(p('name', 'string', '名称', 'Name')), req(p('owner_unit_id', 'integer', '所属单位', 'Owner unit')), req(p('kind', 'string', '类型', 'Kind', ['branch', 'station', 'office', 'village'])), version],
  },
  {
    id: 'schools', table: 'schools', title: { zh: '学校', en: 'Schools' }, group: 'safety', geometry: 'Point',
    nameColumn: 'name', minzoom: 9, maxzoom: 18, style: { kind: 'circle', color: '#2563eb', radius: 5 },
    properties: [p('name', 'string', '名称', 'Name'), p('kind', 'string', '类型', 'Kind', ['primary', 'middle', 'high', 'college', 'kindergarten', 'vocational']),
      p('students', 'integer', '学生数', 'Students'), p('dismissal_times', 'json', '放学时间', 'Dismissal times'), version, ...assigned],
  },
  {
    id: 'guard-posts', table: 'guard_posts', title: { zh: '护学岗', en: 'School guard posts' }, group: 'safety', geometry: 'Point', editable: true,
    nameColumn: 'name', minzoom: 11, maxzoom: 18, style: { kind: 'circle', color: '#facc15', radius: 5 },
    properties: [req(p('name', 'string', '名称', 'Name')), req(p('school_id', 'integer', '学校', 'School')), p('unit_id', 'integer', '警务室', 'Unit'), p('officer_id', 'integer', '民警', 'Officer'),
      p('minutes_before', 'integer', '提前（分钟）', 'Minutes before'), p('minutes_after', 'integer', '延后（分钟）', 'Minutes after'), version],
  },
  {
    id: 'incidents', table: 'incidents', title: { zh: '警情（110/12345）', en: 'Incidents (110/12345)' }, group: 'safety', geometry: 'Point', editable: true,
    nameColumn: 'code', timeColumn: 'reported_at', minzoom: 10, maxzoom: 18, cluster: true, style: { kind: 'circle', color: '#b91c1c', radius: 3 },
    properties: [sys(p('code', 'string', '警情编号', 'Code')), req(p('source', 'string', '来源', 'Source', ['110', '12345'])), req(p('category', 'string', '类别', 'Category', INCIDENT_CATEGORIES)),
      p('status', 'string', '状态', 'Status', ['open', 'dispatched', 'closed']), p('reported_at', 'datetime', '报警时间', 'Reported'), 
      p('assigned_unit_id', 'integer', '处置单元', 'Assigned unit'), version, ...assigned],
  },
] as const satisfies readonly LayerDef[]

export type LayerId = (typeof LAYER_LIST)[number]['id']

/** Every layer, in catalogue order. */
export const LAYERS: readonly LayerDef[] = LAYER_LIST

const byId = new Map<string, LayerDef>(LAYERS.map((l) => [l.id, l]))

/** The catalogued layer with this id, or undefined (unknown ids never reach SQL). */
export function findLayer(id: string): LayerDef | undefined {
  return byId.get(id)
}
