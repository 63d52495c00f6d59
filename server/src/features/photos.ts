import { sql } from 'kysely'

/** The layers whose features may carry one photo, and where it is kept (migrations 0018, 0021). */
export const PHOTO_TABLES: Readonly<Record<string, { table: string; key: string }>> = {
  hazards: { table: 'hazard_photos', key: 'hazard_id' },
  disputes: { table: 'dispute_photos', key: 'dispute_id' },
}

/**
 * `EXISTS (SELECT 1 FROM <layer>_photos p WHERE p.district_code = t.district_code AND p.<key> = t.id)`:
 * whether the feature aliased `alias` has a photo (by the photo table's primary key).
 */
export function hasPhotoSql(layerId: string, alias = 't') {
  const photos = PHOTO_TABLES[layerId]
  if (!photos) return sql<boolean>`false`
  return sql<boolean>`EXISTS (SELECT 1 FROM ${sql.table(photos.table)} p WHERE p.district_code = ${sql.ref(`${alias}.district_code`)} AND ${sql.ref(`p.${photos.key}`)} = ${sql.ref(`${alias}.id`)})`
}
