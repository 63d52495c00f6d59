import { sql, type Kysely } from 'kysely'
import { SHORT_NAME_RULES } from './liaoyuan-source.ts'

/**
 * Deterministic "random" numbers for the seed, computed in SQL from a key (a hash of it, salted with the seed) rather than from a sequence: `pg_temp.rnd('hazard:17')` is the same on every run with the same seed, whatever
 * order the planner visits rows in (random() with setseed would depend on the plan).
 */
export async function installSeedRandom(trx: Kysely<any>, seed: number): Promise<void> {
  await sql`SELECT set_config('pingan.seed', ${String(seed)}, true)`.execute(trx)
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION pg_temp.rnd(k text) RETURNS double precision LANGUAGE sql STABLE AS
       $$ SELECT (hashtextextended(k, current_setting('pingan.seed')::bigint) & 281474976710655) / 281474976710656.0 $$`,
    )
    .execute(trx)
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION pg_temp.rndint(k text, n integer) RETURNS integer LANGUAGE sql STABLE AS
       $$ SELECT least(n - 1, floor(pg_temp.rnd(k) * n)::integer) $$`,
    )
    .execute(trx)
  // Standard normal deviate by Box–Muller from two keyed uniforms.
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION pg_temp.rnorm(k text) RETURNS double precision LANGUAGE sql STABLE AS
       $$ SELECT sqrt(-2 * ln(greatest(pg_temp.rnd(k || ':a'), 1e-12))) * cos(2 * pi() * pg_temp.rnd(k || ':b')) $$`,
    )
    .execute(trx)
  // Generated geometry made independent of the GEOS version that computed it: coordinates on a
  // 1e-7° grid (1 cm; versions differ in the last bits of an intersection) and rings starting at
  // a canonical vertex (versions start an intersection's rings at different vertices).
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION pg_temp.settled(g geometry) RETURNS geometry LANGUAGE sql IMMUTABLE AS
       $$ SELECT ST_Normalize(CASE GeometryType(g)
            WHEN 'MULTIPOLYGON' THEN ST_Multi(ST_CollectionExtract(ST_ReducePrecision(g, 1e-7), 3))
            WHEN 'POLYGON' THEN ST_CollectionExtract(ST_ReducePrecision(g, 1e-7), 3)
            ELSE ST_SnapToGrid(g, 1e-7) END) $$`,
    )
    .execute(trx)
  // Points scattered in a polygon, from keyed uniforms: `n` points inside `g`, numbered 1..n
  // (fewer when a sliver of a shape rejects 1,000 tries a point). PostGIS's own
  // ST_GeneratePoints(g, n, seed) is no use here: its generator changed between PostGIS 3.3 and
  // 3.6, so one seed gave two different cities on PostgreSQL and on the embedded database. This
  // one depends only on hashtextextended and an exact point-in-polygon test.
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION pg_temp.random_points(g geometry, n integer, k text)
       RETURNS TABLE (path integer[], geom geometry) LANGUAGE plpgsql STABLE AS $$
       DECLARE
         x0 float8; y0 float8; dx float8; dy float8; p geometry; found integer := 0; tries integer := 0;
       BEGIN
         IF g IS NULL OR n IS NULL OR n <= 0 OR ST_IsEmpty(g) THEN RETURN; END IF;
         x0 := ST_XMin(g); y0 := ST_YMin(g); dx := ST_XMax(g) - x0; dy := ST_YMax(g) - y0;
         WHILE found < n AND tries < n * 1000 LOOP
           tries := tries + 1;
           p := ST_SetSRID(ST_MakePoint(x0 + pg_temp.rnd(k || ':' || tries || ':x') * dx, y0 + pg_temp.rnd(k || ':' || tries || ':y') * dy), ST_SRID(g));
           IF ST_Intersects(g, p) THEN
             found := found + 1; path := ARRAY[found]; geom := p; RETURN NEXT;
           END IF;
         END LOOP;
       END $$`,
    )
    .execute(trx)
  const surnames = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段'
  const given = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏飞建国志刚海波春雷晓东立新丹辉亮成林文博宁红梅淑兰凤兰秀珍树森福德永胜'
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION pg_temp.person_name(k text) RETURNS text LANGUAGE sql STABLE AS
       $$ SELECT substr('${surnames}', 1 + pg_temp.rndint(k || ':s', ${surnames.length}), 1)
              || substr('${given}', 1 + pg_temp.rndint(k || ':g1', ${given.length}), 1)
              || CASE WHEN pg_temp.rnd(k || ':len') < 0.7 THEN substr('${given}', 1 + pg_temp.rndint(k || ':g2', ${given.length}), 1) ELSE '' END $$`,
    )
    .execute(trx)
  // The SQL twin of shortName(), built from the same rules.
  const shortened = SHORT_NAME_RULES.reduce((expr, [pattern, replacement]) => `regexp_replace(${expr}, '${pattern}', '${replacement}')`, 'name')
  await sql
    .raw(`CREATE OR REPLACE FUNCTION pg_temp.short_name(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT ${shortened} $$`)
    .execute(trx)
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION pg_temp.phone(k text) RETURNS text LANGUAGE sql STABLE AS
       $$ SELECT '13' || lpad((pg_temp.rndint(k || ':p', 1000000000))::text, 9, '0') $$`,
    )
    .execute(trx)
}

/** Splits `total` over weighted items so the parts add up exactly (largest remainder). */
export function allocate<T>(items: readonly T[], weight: (item: T) => number, total: number): number[] {
  const weights = items.map((item) => Math.max(0, weight(item)))
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum === 0 || items.length === 0) return items.map(() => 0)
  const exact = weights.map((w) => (w / sum) * total)
  const counts = exact.map(Math.floor)
  let left = total - counts.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (const [, i] of order) {
    if (left <= 0) break
    counts[i] = (counts[i] ?? 0) + 1
    left--
  }
  return counts
}
