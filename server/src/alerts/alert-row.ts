import { sql } from 'kysely'

/**
 * An alert as the alerts list and the live stream both show it, from `alerts a` joined with
 * `alertPlace`: its fields, where it is (point), the village or community (社区/村) it lies in with
 * its town (`place_code`, `place`: what the feed merges one rule's alerts by), and for an alert
 * with no point (the river rule watches every river) the extent of what it is about.
 *
 * ```sql
 * SELECT a.id, a.rule_id, …, pl.code AS place_code, pl.name AS place, ext.extent
 * FROM alerts a LEFT JOIN LATERAL (village covering a.geom) pl ON true LEFT JOIN LATERAL (rivers' extent) ext ON true
 * ```
 */
export const alertColumns = sql`a.id::int AS id, a.rule_id, a.kind, a.subject, a.message, a.opened_at, a.cleared_at,
  a.acknowledged_by, a.acknowledged_at, a.ack_note, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
  pl.code AS place_code, pl.name AS place, ext.extent`

export const alertPlace = sql`
  LEFT JOIN LATERAL (
    SELECT v.code, t.name || v.name AS name FROM admin_areas v JOIN admin_areas t ON t.code = v.parent_code
    WHERE a.geom IS NOT NULL AND v.level = 'village' AND v.geom && a.geom AND ST_Covers(v.geom, a.geom)
    ORDER BY v.code LIMIT 1
  ) pl ON true
  LEFT JOIN LATERAL (
    SELECT json_build_array(ST_XMin(e.box), ST_YMin(e.box), ST_XMax(e.box), ST_YMax(e.box)) AS extent
    FROM (SELECT ST_Extent(r.geom) AS box FROM rivers r) e
    WHERE a.geom IS NULL AND a.kind = 'river_overdue'
  ) ext ON true`
