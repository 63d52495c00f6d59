import { sql, type Kysely } from 'kysely'
import type { UnitTrack } from '../contract/live.ts'

/**
 * Stored positions of the given units in a time window, in time order, with the distance
 * travelled (spheroid) and stops (gaps of ≥ 2 minutes within 20 m).
 */
export async function readTracks(db: Kysely<any>, codes: string[], from: string, to: string): Promise<UnitTrack[]> {
  const r = await sql<Omit<UnitTrack, 'stops'>>`
    SELECT u.id AS unit_id, u.code, u.callsign, u.kind,
           coalesce(jsonb_agg(jsonb_build_object('ts', p.ts, 'lon', ST_X(p.geom), 'lat', ST_Y(p.geom), 'speed', p.speed, 'heading', p.heading) ORDER BY p.ts)
                    FILTER (WHERE p.id IS NOT NULL), '[]'::jsonb) AS points,
           coalesce(round(ST_Length(ST_MakeLine(p.geom ORDER BY p.ts)::geography)), 0)::int AS distance_m
    FROM patrol_units u
    LEFT JOIN unit_positions p ON p.unit_id = u.id AND p.ts >= ${from}::timestamptz AND p.ts <= ${to}::timestamptz
    WHERE u.code IN (${sql.join(codes)})
    GROUP BY u.id ORDER BY u.code`.execute(db)
  return r.rows.map((row) => {
    const points = row.points
    let stops = 0
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1]!
      const b = points[i]!
      const metres = Math.hypot((b.lon - a.lon) * 81500, (b.lat - a.lat) * 111200)
      if (Date.parse(b.ts) - Date.parse(a.ts) >= 120_000 && metres <= 20) stops++
    }
    return { ...row, stops }
  })
}
