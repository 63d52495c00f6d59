import { sql, type Kysely } from 'kysely'
import { allocate } from './sql-random.ts'
import { shortName, type Liaoyuan } from './liaoyuan-source.ts'
import { partition, type PartitionChild } from './partition.ts'

/** The 8 urban 实战化分局 and the towns each covers (龙山区 and 西安区). */
const URBAN_BRANCHES: Array<{ name: string; towns: string[] }> = [
  { name: '向阳分局', towns: ['220402006', '220402200'] },
  { name: '东吉分局', towns: ['220402001', '220402002'] },
  { name: '北寿分局', towns: ['220402003', '220402004'] },
  { name: '站前分局', towns: ['220402005', '220402007'] },
  { name: '福镇分局', towns: ['220402008', '220402070', '220402100'] },
  { name: '仙城分局', towns: ['220403002', '220403001'] },
  { name: '东山分局', towns: ['220403003', '220403004', '220403100'] },
  { name: '富国分局', towns: ['220403005', '220403006'] },
]
/** County towns that share one 派出所 (27 stations for the 30 county towns). */
const SHARED_STATIONS: Array<{ name: string; towns: string[] }> = [
  { name: '东丰城区派出所', towns: ['220421001', '220421002', '220421003'] },
  { name: '凌云派出所', towns: ['220422200', '220422203'] },
]
const OFFICE_NAMES: Record<string, string> = { '220402200': '新城警务室', '220403002': '新苑警务室' }
export const STORY_COUNTS = { communityOfficers: 222, auxiliaries: 565, militiaOrgs: 552, militiaInformants: 1557 }

interface UnitRow {
  code: string
  name: string
  kind: 'bureau' | 'branch' | 'county_bureau' | 'station' | 'office'
  parent: string | null
  area: string
  towns: string[]
}

/** The police hierarchy, officers, militia links, grid cells and ten-household units. */
export async function seedPolice(trx: Kysely<any>, src: Liaoyuan): Promise<void> {
  const units: UnitRow[] = [{ code: 'GA220400', name: '辽源市公安局', kind: 'bureau', parent: null, area: '220400', towns: [] }]
  URBAN_BRANCHES.forEach((b, i) => units.push({ code: `FJ${String(i + 1).padStart(2, '0')}`, name: `辽源市公安局${b.name}`, kind: 'branch', parent: 'GA220400', area: b.towns[0]!, towns: b.towns }))
  for (const county of src.divisions.counties.filter((c) => c.name.endsWith('县'))) {
    const bureau = `GA${county.code}`
    units.push({ code: bureau, name: `${county.name}公安局`, kind: 'county_bureau', parent: 'GA220400', area: county.code, towns: [] })
    for (const town of county.towns) {
      const shared = SHARED_STATIONS.find((s) => s.towns.includes(town.code))
      if (shared && shared.towns[0] !== town.code) continue
      units.push({ code: `PCS${town.code}`, name: shared?.name ?? `${shortName(town.name)}派出所`, kind: 'station', parent: bureau, area: town.code, towns: shared?.towns ?? [town.code] })
    }
  }
  const responsible = new Map<string, string>()
  for (const u of units) for (const t of u.towns) responsible.set(t, u.code)
  for (const town of src.divisions.counties.flatMap((c) => c.towns)) {
    units.push({ code: `JWS${town.code}`, name: OFFICE_NAMES[town.code] ?? `${shortName(town.name)}警务室`, kind: 'office', parent: responsible.get(town.code)!, area: town.code, towns: [] })
  }
  // Units sit inside their area: the area's point on surface, nudged so co-located units do not
  // stack. Inserted level by level so each row can name its parent.
  for (const kind of ['bureau', 'branch', 'county_bureau', 'station', 'office'] as const) {
    const rows = units.filter((u) => u.kind === kind)
    await sql`
      INSERT INTO police_units (code, name, kind, parent_id, area_code, phone, geom)
      SELECT u.code, u.name, u.kind, parent.id, u.area, '0437-' || lpad(pg_temp.rndint('tel:' || u.code, 10000000)::text, 7, '0'),
        (SELECT CASE WHEN ST_Contains(a.geom, moved) THEN moved ELSE ST_PointOnSurface(a.geom) END
         FROM (SELECT ST_Transform(ST_Translate(ST_Transform(ST_PointOnSurface(a.geom), 32651),
                 (pg_temp.rnd('ux:' || u.code) - 0.5) * 600, (pg_temp.rnd('uy:' || u.code) - 0.5) * 600), 4326) AS moved) m)
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS u(code text, name text, kind text, area text, parent text)
      JOIN admin_areas a ON a.code = u.area
      LEFT JOIN police_units parent ON parent.code = u.parent
      ORDER BY u.code`.execute(trx)
  }
  // town → responsible branch/station and its community police office
  await sql`CREATE TEMP TABLE town_unit ON COMMIT DROP AS
    SELECT t.town, st.id AS station_id, o.id AS office_id
    FROM jsonb_to_recordset(${JSON.stringify([...responsible].map(([town, unit]) => ({ town, unit })))}::jsonb) AS t(town text, unit text)
    JOIN police_units st ON st.code = t.unit
    JOIN police_units o ON o.code = 'JWS' || t.town`.execute(trx)

  // Leaders of every unit above the offices.
  await sql`
    INSERT INTO officers (badge, name, role, unit_id, phone)
    SELECT 'L' || p.code, pg_temp.person_name('leader:' || p.code), 'leader', p.id, pg_temp.phone('leader:' || p.code)
    FROM police_units p WHERE p.kind <> 'office' ORDER BY p.id`.execute(trx)

  const towns = src.divisions.counties.flatMap((c) => c.towns)
  const officerCounts = allocate(towns, (t) => t.villages.length, STORY_COUNTS.communityOfficers)
  const perTown = towns.map((t, i) => ({ town: t.code, n: Math.max(1, officerCounts[i] ?? 0) }))
  // Keep the story's total after the at-least-one rule.
  let excess = perTown.reduce((a, b) => a + b.n, 0) - STORY_COUNTS.communityOfficers
  for (const row of [...perTown].sort((a, b) => b.n - a.n)) {
    if (excess <= 0) break
    row.n--
    excess--
  }
  await sql`
    INSERT INTO officers (badge, name, role, unit_id, phone)
    SELECT 'C' || t.town || lpad(k::text, 2, '0'), pg_temp.person_name('co:' || t.town || ':' || k), 'community_officer', tu.office_id,
           pg_temp.phone('co:' || t.town || ':' || k)
    FROM jsonb_to_recordset(${JSON.stringify(perTown)}::jsonb) AS t(town text, n int)
    JOIN town_unit tu ON tu.town = t.town, generate_series(1, t.n) k
    ORDER BY t.town, k`.execute(trx)

  // One full-time auxiliary per village, but for the 15 villages ranked last (565 of 580).
  await sql`
    INSERT INTO officers (badge, name, role, unit_id, phone)
    SELECT 'A' || v.code, pg_temp.person_name('aux:' || v.code), 'auxiliary', tu.office_id, pg_temp.phone('aux:' || v.code)
    FROM (SELECT code, parent_code, row_number() OVER (ORDER BY pg_temp.rnd('auxrank:' || code)) AS r FROM admin_areas WHERE level = 'village') v
    JOIN town_unit tu ON tu.town = v.parent_code
    WHERE v.r <= ${STORY_COUNTS.auxiliaries}
    ORDER BY v.code`.execute(trx)

  // 552 militia organisations linked to police (一村一警一连), 1557 informants among them.
  await sql`
    INSERT INTO militia_orgs (name, village_code, liaison_unit_id, members, informants, contact_name, contact_phone)
    SELECT v.name || '民兵连', v.code, tu.station_id, 12 + pg_temp.rndint('mm:' || v.code, 30),
           2 + CASE WHEN v.r <= ${STORY_COUNTS.militiaInformants - 2 * STORY_COUNTS.militiaOrgs} THEN 1 ELSE 0 END,
           pg_temp.person_name('mil:' || v.code), pg_temp.phone('mil:' || v.code)
    FROM (SELECT code, name, parent_code, row_number() OVER (ORDER BY pg_temp.rnd('milrank:' || code)) AS r FROM admin_areas WHERE level = 'village') v
    JOIN town_unit tu ON tu.town = v.parent_code
    WHERE v.r <= ${STORY_COUNTS.militiaOrgs}
    ORDER BY v.code`.execute(trx)

  await seedGridCells(trx, src)
}

async function seedGridCells(trx: Kysely<any>, src: Liaoyuan): Promise<void> {
  const children: PartitionChild[] = []
  const cells: Array<{ code: string; village: string; name: string; urban: boolean }> = []
  for (const v of src.divisions.counties.flatMap((c) => c.towns.flatMap((t) => t.villages))) {
    const n = v.type === '社区' ? 2 + (parseInt(v.code.slice(-3), 10) % 4) : 1
    for (let k = 1; k <= n; k++) {
      const code = `${v.code}-${String(k).padStart(2, '0')}`
      children.push({ code, parent: v.code, group: 'outer' })
      cells.push({ code, village: v.code, name: n === 1 ? `${v.name}网格` : `${v.name}第${k}网格`, urban: v.type === '社区' })
    }
  }
  await partition(trx, {
    parentsSql: sql`SELECT code, geom FROM admin_areas WHERE level = 'village'`,
    children,
    cores: {},
    salt: 'grid',
    lloydIterations: 3,
  })
  await sql`
    INSERT INTO grid_cells (code, name, community_code, station_id, households, population, geom)
    SELECT c.code, c.name, c.village, tu.station_id, h.households, round(h.households * (2.3 + pg_temp.rnd('pop:' || c.code) * 0.6))::int, r.geom
    FROM jsonb_to_recordset(${JSON.stringify(cells)}::jsonb) AS c(code text, village text, name text, urban boolean)
    JOIN part_result r ON r.code = c.code
    JOIN admin_areas v ON v.code = c.village
    JOIN town_unit tu ON tu.town = v.parent_code,
    LATERAL (SELECT CASE WHEN c.urban THEN 600 + pg_temp.rndint('hh:' || c.code, 1400) ELSE 150 + pg_temp.rndint('hh:' || c.code, 650) END AS households) h
    ORDER BY c.code`.execute(trx)
  // Each community officer takes a contiguous run of the cells of their town (包村).
  await sql`
    WITH cell AS (
      SELECT g.id, v.parent_code AS town, row_number() OVER (PARTITION BY v.parent_code ORDER BY g.code) - 1 AS k,
             count(*) OVER (PARTITION BY v.parent_code) AS n
      FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code
    ), off AS (
      SELECT o.id, tu.town, row_number() OVER (PARTITION BY tu.town ORDER BY o.badge) - 1 AS k, count(*) OVER (PARTITION BY tu.town) AS n
      FROM officers o JOIN town_unit tu ON tu.office_id = o.unit_id WHERE o.role = 'community_officer'
    )
    UPDATE grid_cells g SET officer_id = off.id
    FROM cell JOIN off ON off.town = cell.town AND off.k = floor(cell.k * off.n / cell.n)
    WHERE g.id = cell.id`.execute(trx)
  await sql`
    UPDATE grid_cells g SET auxiliary_id = o.id FROM officers o
    WHERE o.badge = 'A' || g.community_code`.execute(trx)
  await sql`
    UPDATE grid_cells g SET militia_org_id = m.id FROM militia_orgs m
    WHERE m.village_code = g.community_code`.execute(trx)
  await sql`
    INSERT INTO officers (badge, name, role, unit_id, phone)
    SELECT 'G' || g.code, pg_temp.person_name('gw:' || g.code), 'grid_worker', tu.office_id, pg_temp.phone('gw:' || g.code)
    FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code JOIN town_unit tu ON tu.town = v.parent_code
    ORDER BY g.code`.execute(trx)
  await sql`UPDATE grid_cells g SET grid_worker_id = o.id FROM officers o WHERE o.badge = 'G' || g.code`.execute(trx)

  // The people the story names, on the cells it puts them in.
  const named: Array<[string, string]> = [
    ['于家', '忠诚村%'],
    ['郭少川', '工农村%'],
    ['陈育霖', '仙城社区第1%'],
  ]
  for (const [name, cell] of named) {
    await sql`UPDATE officers SET name = ${name} WHERE id = (SELECT officer_id FROM grid_cells WHERE name LIKE ${cell} ORDER BY code LIMIT 1)`.execute(trx)
  }

  // Ten-household units (十户联防): about one per 60 households, points inside their cell.
  await sql`
    INSERT INTO household_units (code, name, grid_id, lead_name, lead_phone, households, geom)
    SELECT g.code || '-H' || lpad(d.path[1]::text, 2, '0'),
           v.name || '第' || d.path[1] || '十户联防组', g.id,
           pg_temp.person_name('hu:' || g.code || ':' || d.path[1]), pg_temp.phone('hu:' || g.code || ':' || d.path[1]),
           8 + pg_temp.rndint('huh:' || g.code || ':' || d.path[1], 5), d.geom
    FROM grid_cells g JOIN admin_areas v ON v.code = g.community_code,
    LATERAL pg_temp.random_points(g.geom, greatest(2, round(g.households / 60.0))::int, 'hu:' || g.code) d
    ORDER BY g.code, d.path[1]`.execute(trx)
}
