import { sql, type Kysely } from 'kysely'
import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import { generatePassword } from './passwords.ts'
import type { Role } from './principal.ts'
import { createUser } from './users.ts'

/** The demo accounts, one per role (README "Demo accounts"); never created in production. */
export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; role: Role; password: string; displayName: string }> = [
  { username: 'admin', role: 'admin', password: 'pingan-admin', displayName: '系统管理员' },
  { username: 'command', role: 'command', password: 'pingan-command', displayName: '市局指挥中心' },
  { username: 'planner', role: 'planner', password: 'pingan-planner', displayName: '勤务规划员' },
  { username: 'officer', role: 'officer', password: 'pingan-officer', displayName: '社区民警' },
  { username: 'volunteer', role: 'volunteer', password: 'pingan-volunteer', displayName: '平安志愿者' },
]

/**
 * The demo officer is the community officer responsible for the first grid cell, scoped to every
 * cell that officer has.
 */
async function demoOfficer(db: Kysely<any>): Promise<{ officerId: number | null; name: string | null; gridIds: number[] }> {
  const r = await sql<{ officer_id: number; name: string | null; ids: number[] | string }>`
    SELECT g.officer_id, o.name, (SELECT json_agg(x.id ORDER BY x.id) FROM grid_cells x WHERE x.officer_id = g.officer_id) AS ids
    FROM grid_cells g LEFT JOIN officers o ON o.id = g.officer_id
    WHERE g.officer_id IS NOT NULL ORDER BY g.id LIMIT 1`.execute(db)
  const row = r.rows[0]
  if (!row) return { officerId: null, name: null, gridIds: [] }
  return { officerId: row.officer_id, name: row.name, gridIds: typeof row.ids === 'string' ? JSON.parse(row.ids) : row.ids }
}

/**
 * The demo volunteer is a seeded volunteer with a history to show: one who earned and redeemed
 * points and whose balance affords some of the shop's items but not all (else any with points
 * left), the most active (most ledger movements) first, ties by id.
 */
async function demoVolunteer(db: Kysely<any>): Promise<{ volunteerId: number | null; name: string | null }> {
  const r = await sql<{ id: number; name: string }>`
    WITH s AS (
      SELECT v.id, v.name, count(*) AS moves, sum(l.delta) AS balance
      FROM volunteers v JOIN points_ledger l ON l.volunteer_id = v.id
      GROUP BY v.id HAVING bool_or(l.kind = 'redemption') AND sum(l.delta) > 0
    ), shelf AS (SELECT min(price) AS lo, max(price) AS hi FROM shop_items WHERE active)
    SELECT s.id, s.name FROM s, shelf
    ORDER BY coalesce(s.balance >= shelf.lo AND s.balance < shelf.hi, false) DESC, s.moves DESC, s.id LIMIT 1`.execute(db)
  const row = r.rows[0]
  return { volunteerId: row?.id ?? null, name: row?.name ?? null }
}

export async function createDemoAccounts(db: Kysely<any>): Promise<void> {
  const officer = await demoOfficer(db)
  const volunteer = await demoVolunteer(db)
  await db.transaction().execute(async (trx) => {
    for (const a of DEMO_ACCOUNTS) {
      const isOfficer = a.role === 'officer'
      const isVolunteer = a.role === 'volunteer'
      await createUser(
        trx,
        {
          ...a,
          displayName: isOfficer && officer.name ? `${officer.name}（社区民警）` : isVolunteer && volunteer.name ? `${volunteer.name}（平安志愿者）` : a.displayName,
          ...(isOfficer ? { gridIds: officer.gridIds, officerId: officer.officerId } : {}),
          ...(isVolunteer ? { volunteerId: volunteer.volunteerId } : {}),
        },
        'system',
      )
    }
  })
}

/**
 * On a database without accounts: the demo accounts (development with the demo city), or else
 * one administrator whose password is ADMIN_PASSWORD or generated and printed once, here, never
 * stored in clear and never a fixed default.
 */
export async function ensureAccounts(db: Kysely<any>, config: Pick<Config, 'NODE_ENV' | 'DEMO_SEED' | 'ADMIN_PASSWORD'>, logger: Logger): Promise<void> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(db)
  if ((r.rows[0]?.n ?? 0) > 0) return
  if (config.NODE_ENV !== 'production' && config.DEMO_SEED === 'on') {
    await createDemoAccounts(db)
    logger.info({ users: DEMO_ACCOUNTS.map((a) => `${a.username} (${a.role})`) }, `demo accounts created: ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')} (passwords in the README)`)
    return
  }
  const password = config.ADMIN_PASSWORD ?? generatePassword()
  await db.transaction().execute((trx) => createUser(trx, { username: 'admin', role: 'admin', password, displayName: '系统管理员' }, 'system'))
  if (config.ADMIN_PASSWORD) {
    logger.info('administrator "admin" created with the password from ADMIN_PASSWORD')
  } else {
    process.stdout.write(
      [
        '',
        '==================================================================',
        ' First start: administrator account created (shown only this once)',
        `   username: admin`,
        `   password: ${password}`,
        ' Sign in and change it, or: npm run user -- passwd admin',
        '==================================================================',
        '',
      ].join('\n') + '\n',
    )
  }
}
