import { sql, type Kysely } from 'kysely'

export interface PartitionChild {
  code: string
  parent: string
  /** 'core' children are seeded inside a disc around the parent's core point, 'outer' outside it. */
  group: 'core' | 'outer'
}

export interface PartitionInput {
  /** Rows of (code, geom) for the parents; geometry in EPSG:4326. */
  parentsSql: ReturnType<typeof sql>
  children: PartitionChild[]
  /** Core point and radius (metres) per parent with core children. */
  cores: Record<string, { lon: number; lat: number; radiusM: number } | { fromSeed: string; radiusM: number }>
  salt: string
  lloydIterations: number
}

/**
 * Splits each parent polygon into its children exactly: seed points (core children in a disc
 * around the parent's centre, the others outside it) are spread by Lloyd relaxation, then the
 * parent is cut by the Voronoi diagram of all its seeds. The pieces tile the parent with no gaps
 * or overlaps because Voronoi cells tile the plane. Results land in temp table `part_result`
 * (code, parent, geom, seed) and the seeds also stay in `part_seed` for the next level.
 */
export async function partition(trx: Kysely<any>, input: PartitionInput): Promise<void> {
  await sql`CREATE TEMP TABLE IF NOT EXISTS part_seed (code text PRIMARY KEY, geom geometry(Point, 4326)) ON COMMIT DROP`.execute(trx)
  await sql`DROP TABLE IF EXISTS part_parent, part_child, part_area, part_result`.execute(trx)
  await sql`CREATE TEMP TABLE part_parent ON COMMIT DROP AS SELECT code, geom FROM (${input.parentsSql}) p`.execute(trx)
  await sql`CREATE TEMP TABLE part_child (code text PRIMARY KEY, parent text, grp text, ord integer, geom geometry(Point, 4326)) ON COMMIT DROP`.execute(trx)
  const rows = input.children.map((c) => ({ code: c.code, parent: c.parent, grp: c.group }))
  await sql`
    INSERT INTO part_child (code, parent, grp, ord)
    SELECT code, parent, grp, row_number() OVER (PARTITION BY parent, grp ORDER BY code)
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(code text, parent text, grp text)`.execute(trx)

  const cores = Object.entries(input.cores).map(([parent, c]) =>
    'fromSeed' in c ? { parent, seed: c.fromSeed, lon: null, lat: null, r: c.radiusM } : { parent, seed: null, lon: c.lon, lat: c.lat, r: c.radiusM },
  )
  // Areas to seed in: the disc ∩ parent for core children, the rest of the parent for the others;
  // a group alone in its parent seeds over the whole parent.
  await sql`
    CREATE TEMP TABLE part_area ON COMMIT DROP AS
    WITH core AS (
      SELECT c.parent, ST_Transform(ST_Buffer(ST_Transform(coalesce(s.geom, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)), 32651), c.r, 32), 4326) AS disc
      FROM jsonb_to_recordset(${JSON.stringify(cores)}::jsonb) AS c(parent text, seed text, lon float8, lat float8, r float8)
      LEFT JOIN part_seed s ON s.code = c.seed
    ), g AS (
      SELECT parent, grp, n, count(*) OVER (PARTITION BY parent) AS n_groups FROM (SELECT parent, grp, count(*) AS n FROM part_child GROUP BY parent, grp) x
    )
    SELECT g.parent, g.grp, g.n,
      CASE
        WHEN g.n_groups = 1 OR core.disc IS NULL THEN p.geom
        WHEN g.grp = 'core' THEN ST_CollectionExtract(ST_Intersection(p.geom, core.disc), 3)
        ELSE ST_CollectionExtract(ST_Difference(p.geom, core.disc), 3)
      END AS geom
    FROM g JOIN part_parent p ON p.code = g.parent LEFT JOIN core ON core.parent = g.parent`.execute(trx)
  await sql`
    UPDATE part_area a SET geom = p.geom FROM part_parent p
    WHERE p.code = a.parent AND (a.geom IS NULL OR ST_IsEmpty(a.geom) OR ST_Area(a.geom) < ST_Area(p.geom) * 0.002)`.execute(trx)

  await sql`
    UPDATE part_child c SET geom = pts.geom
    FROM (
      SELECT a.parent, a.grp, d.path[1] AS ord, d.geom
      FROM part_area a,
      LATERAL pg_temp.random_points(a.geom, a.n::integer, ${input.salt} || ':' || a.parent || ':' || a.grp) d
    ) pts
    WHERE pts.parent = c.parent AND pts.grp = c.grp AND pts.ord = c.ord`.execute(trx)
  // pg_temp.random_points may return fewer points than asked on thin shapes: fill the gaps one by one.
  await sql`
    UPDATE part_child c SET geom = (SELECT d.geom FROM pg_temp.random_points(a.geom, 1, ${input.salt} || ':fill:' || c.code) d LIMIT 1)
    FROM part_area a WHERE a.parent = c.parent AND a.grp = c.grp AND c.geom IS NULL`.execute(trx)

  for (let i = 0; i < input.lloydIterations; i++) {
    await sql`
      UPDATE part_child c SET geom = coalesce(pg_temp.settled(CASE WHEN ST_Within(ST_Centroid(v.piece), v.area) THEN ST_Centroid(v.piece) ELSE ST_PointOnSurface(v.piece) END), c.geom)
      FROM (
        SELECT cell.parent, cell.grp, cell.area, ST_Intersection(cell.cell, cell.area) AS piece, cell.cell
        FROM (
          SELECT a.parent, a.grp, a.geom AS area,
                 (ST_Dump(ST_VoronoiPolygons(ST_Collect(c.geom), 0.0, ST_Expand(ST_Envelope(a.geom), 0.5)))).geom AS cell
          FROM part_area a JOIN part_child c ON c.parent = a.parent AND c.grp = a.grp
          WHERE a.n >= 2
          GROUP BY a.parent, a.grp, a.geom
        ) cell
      ) v
      WHERE c.parent = v.parent AND c.grp = v.grp AND ST_Within(c.geom, v.cell) AND NOT ST_IsEmpty(v.piece) AND GeometryType(v.piece) IN ('POLYGON', 'MULTIPOLYGON')`.execute(trx)
  }

  await sql`
    CREATE TEMP TABLE part_result ON COMMIT DROP AS
    WITH cells AS (
      SELECT p.code AS parent, p.geom AS parent_geom,
             (ST_Dump(ST_VoronoiPolygons(ST_Collect(c.geom), 0.0, ST_Expand(ST_Envelope(p.geom), 0.5)))).geom AS cell
      FROM part_parent p JOIN part_child c ON c.parent = p.code
      GROUP BY p.code, p.geom
      HAVING count(*) >= 2
    )
    SELECT c.code, c.parent, c.geom AS seed,
           pg_temp.settled(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Intersection(cells.cell, cells.parent_geom)), 3)))::geometry(MultiPolygon, 4326) AS geom
    FROM cells JOIN part_child c ON c.parent = cells.parent AND ST_Within(c.geom, cells.cell)
    UNION ALL
    SELECT c.code, c.parent, c.geom, ST_Multi(p.geom)::geometry(MultiPolygon, 4326)
    FROM part_child c JOIN part_parent p ON p.code = c.parent
    WHERE (SELECT count(*) FROM part_child c2 WHERE c2.parent = c.parent) = 1`.execute(trx)
  await sql`INSERT INTO part_seed (code, geom) SELECT code, seed FROM part_result ON CONFLICT (code) DO UPDATE SET geom = excluded.geom`.execute(trx)

  const check = await sql<{ missing: number }>`
    SELECT (SELECT count(*) FROM part_child)::int - (SELECT count(DISTINCT code) FROM part_result WHERE NOT ST_IsEmpty(geom))::int AS missing`.execute(trx)
  const missing = check.rows[0]?.missing ?? 0
  if (missing !== 0) throw new Error(`partition ${input.salt}: ${missing} children got no area`)
}
