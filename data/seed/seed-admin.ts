import { sql, type Kysely } from 'kysely'
import { partition, type PartitionChild } from './partition.ts'
import type { Liaoyuan } from './liaoyuan-source.ts'

/** Radius of the built-up core around each district seat where its 街道 (streets) lie. */
const URBAN_CORE_M: Record<string, number> = { '220402': 4500, '220403': 4000, '220421': 3000 }

/**
 * City and districts from the real boundaries; towns and villages with their official codes and
 * names, their polygons generated so that they partition their parent exactly.
 */
export async function seedAdminAreas(trx: Kysely<any>, src: Liaoyuan): Promise<void> {
  await sql`
    INSERT INTO admin_areas (code, name, level, kind, parent_code, generated, geom)
    VALUES ('220400', '辽源市', 'city', '市', NULL, false,
      ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(src.city.geometry)}), 4326)), 3)))`.execute(trx)
  for (const f of src.districts) {
    const code = String(f.properties.adcode)
    await sql`
      INSERT INTO admin_areas (code, name, level, kind, parent_code, generated, geom)
      VALUES (${code}, ${f.properties.name}, 'district', ${f.properties.name.endsWith('县') ? '县' : '区'}, '220400', false,
        ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326)), 3)))`.execute(trx)
  }

  const seats = new Map(src.districts.map((f) => [String(f.properties.adcode), f.properties.seat_wgs84]))
  const townChildren: PartitionChild[] = []
  const townCores: Record<string, { lon: number; lat: number; radiusM: number }> = {}
  for (const county of src.divisions.counties) {
    const seat = seats.get(county.code)
    const radius = URBAN_CORE_M[county.code]
    if (seat && radius) townCores[county.code] = { lon: seat[0], lat: seat[1], radiusM: radius }
    for (const town of county.towns) {
      townChildren.push({ code: town.code, parent: county.code, group: town.type === '街道' ? 'core' : 'outer' })
    }
  }
  await partition(trx, {
    parentsSql: sql`SELECT code, geom FROM admin_areas WHERE level = 'district'`,
    children: townChildren,
    cores: townCores,
    salt: 'town',
    lloydIterations: 4,
  })
  await insertPartitioned(trx, 'town', src.divisions.counties.flatMap((c) => c.towns.map((t) => ({ code: t.code, name: t.name, kind: t.type, parent: c.code }))))

  const villageChildren: PartitionChild[] = []
  const villageCores: Record<string, { fromSeed: string; radiusM: number }> = {}
  for (const town of src.divisions.counties.flatMap((c) => c.towns)) {
    const mixed = town.villages.some((v) => v.type === '社区') && town.villages.some((v) => v.type === '村')
    if (mixed) villageCores[town.code] = { fromSeed: town.code, radiusM: 1500 }
    for (const v of town.villages) villageChildren.push({ code: v.code, parent: town.code, group: v.type === '社区' ? 'core' : 'outer' })
  }
  await partition(trx, {
    parentsSql: sql`SELECT code, geom FROM admin_areas WHERE level = 'town'`,
    children: villageChildren,
    cores: villageCores,
    salt: 'village',
    lloydIterations: 3,
  })
  await insertPartitioned(trx, 'village', src.divisions.counties.flatMap((c) => c.towns.flatMap((t) => t.villages.map((v) => ({ code: v.code, name: v.name, kind: v.type, parent: t.code })))))
}

/** Inserts areas whose polygons the last `partition` call left in `part_result`. */
async function insertPartitioned(
  trx: Kysely<any>,
  level: 'town' | 'village',
  areas: Array<{ code: string; name: string; kind: string; parent: string }>,
): Promise<void> {
  await sql`
    INSERT INTO admin_areas (code, name, level, kind, parent_code, generated, geom)
    SELECT a.code, a.name, ${level}, a.kind, a.parent, true, r.geom
    FROM jsonb_to_recordset(${JSON.stringify(areas)}::jsonb) AS a(code text, name text, kind text, parent text)
    JOIN part_result r ON r.code = a.code
    ORDER BY a.code`.execute(trx)
}
