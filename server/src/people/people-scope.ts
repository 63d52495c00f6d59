import { sql, type RawBuilder } from 'kysely'
import type { Principal } from '../auth/principal.ts'

/**
 * What a principal may read of the people directory, as SQL on the `people` view aliased `p`:
 * - police roles (admin, command, planner, officer): every person, personal phones and badges
 *   included (they work with them);
 * - a volunteer: only the people of their own area, never a personal phone or badge; instead,
 *   the duty phone of the person's station. Their area is their organisation's police unit and
 *   every unit under it (a town's volunteer team: its station and the station's offices); a
 *   person is in it by their unit or by a grid cell of a station in it. An account linked to no
 *   volunteer has no area and sees nobody.
 */
export interface PeopleViewer {
  principal: Principal
  seesPhones: boolean
  /** Which rows of `people p` the viewer may see. */
  where: RawBuilder<boolean>
}

/**
 * The police units of a volunteer account's area: its organisation's unit and all below it.
 * `(WITH RECURSIVE area(id) AS (SELECT org.unit_id FROM users → volunteers → volunteer_orgs
 *   UNION SELECT child.id FROM police_units child JOIN area ON child.parent_id = area.id) SELECT id FROM area)`
 */
export function volunteerAreaUnits(userId: number): RawBuilder<number> {
  return sql<number>`(WITH RECURSIVE area(id) AS (
      SELECT g.unit_id FROM users u JOIN volunteers v ON v.id = u.volunteer_id JOIN volunteer_orgs g ON g.id = v.org_id
      WHERE u.id = ${userId} AND NOT u.disabled
      UNION SELECT c.id FROM police_units c JOIN area a ON c.parent_id = a.id)
    SELECT id FROM area)`
}

/** The police unit `unitId` and every unit under it, as a subquery of ids. */
export function unitAndBelow(unitId: number): RawBuilder<number> {
  return sql<number>`(WITH RECURSIVE below(id) AS (
      SELECT ${unitId}::int UNION SELECT c.id FROM police_units c JOIN below b ON c.parent_id = b.id)
    SELECT id FROM below)`
}

export function peopleViewer(principal: Principal, alias = 'p'): PeopleViewer {
  const col = (name: string) => sql.ref(`${alias}.${name}`)
  switch (principal.role) {
    case 'admin':
    case 'command':
    case 'planner':
    case 'officer':
      return { principal, seesPhones: true, where: sql<boolean>`true` }
    case 'volunteer': {
      const area = volunteerAreaUnits(principal.userId)
      return {
        principal,
        seesPhones: false,
        where: sql<boolean>`(${col('unit_id')} IN ${area} OR EXISTS (
          SELECT 1 FROM person_cells vc JOIN grid_cells vg ON vg.id = vc.grid_id
          WHERE vc.kind = ${col('kind')} AND vc.ref_id = ${col('ref_id')} AND vg.station_id IN ${area}))`,
      }
    }
    default:
      return principal.role satisfies never
  }
}
