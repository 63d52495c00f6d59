import { sql, type Kysely } from 'kysely'
import type { LedgerRow, ShopItem, VolunteerAccount } from '../contract/volunteer.ts'
import type { ActivityRecorded, ActivityRequest, RedemptionAnswer, RedemptionRequest, ShopItemCreated } from '../contract/community.ts'
import { ApiError } from '../http/errors.ts'

/** A volunteer's balance: the sum of the ledger, never a stored number. */
export const balanceSql = (volunteerId: number) => sql<number>`(SELECT coalesce(sum(delta), 0)::int FROM points_ledger WHERE volunteer_id = ${volunteerId})`

/** The rows of the answers, as the contract defines them (server/src/contract/volunteer.ts). */
export type { LedgerRow, ShopItem, VolunteerAccount } from '../contract/volunteer.ts'

/**
 * A volunteer's points account from the ledger (never a stored number): the balance is the sum
 * of every movement, earned the sum of those in, spent the redemptions. Null for no such volunteer.
 */
export async function volunteerAccount(db: Kysely<any>, id: number): Promise<VolunteerAccount | null> {
  const r = await sql<VolunteerAccount>`
    SELECT v.id, v.name, v.occupation, v.joined_on, v.org_id, o.name AS org_name, u.name AS unit_name,
           coalesce(sum(l.delta), 0)::int AS balance,
           coalesce(sum(l.delta) FILTER (WHERE l.delta > 0), 0)::int AS earned,
           coalesce(-sum(l.delta) FILTER (WHERE l.kind = 'redemption'), 0)::int AS spent
    FROM volunteers v JOIN volunteer_orgs o ON o.id = v.org_id LEFT JOIN police_units u ON u.id = o.unit_id
    LEFT JOIN points_ledger l ON l.volunteer_id = v.id
    WHERE v.id = ${id} GROUP BY v.id, o.name, u.name`.execute(db)
  return r.rows[0] ?? null
}

/** The safety shop's shelf (平安超市): every item with its price, stock and how many were redeemed. */
export async function shopShelf(db: Kysely<any>): Promise<ShopItem[]> {
  const r = await sql<ShopItem>`
    SELECT s.id, s.name, s.price, s.stock, s.active, coalesce(sum(r.quantity), 0)::int AS redeemed
    FROM shop_items s LEFT JOIN redemptions r ON r.item_id = s.id GROUP BY s.id ORDER BY s.id`.execute(db)
  return r.rows
}

export async function recentLedger(db: Kysely<any>, volunteerId: number, limit: number): Promise<LedgerRow[]> {
  const r = await sql<LedgerRow>`
    SELECT l.id::int AS id, l.at, l.delta, l.kind, l.activity_id, l.record_id, l.redemption_id, l.note,
           coalesce(a.title, rec.kind, red.item) AS label
    FROM points_ledger l
    LEFT JOIN volunteer_activities a ON a.id = l.activity_id
    LEFT JOIN activity_records rec ON rec.id = l.record_id
    LEFT JOIN redemptions red ON red.id = l.redemption_id
    WHERE l.volunteer_id = ${volunteerId}
    ORDER BY l.at DESC, l.id DESC LIMIT ${limit}`.execute(db)
  return r.rows
}

const audit = (db: Kysely<any>, actor: string, layer: string, id: number, after: unknown, reason: string | null = null) =>
  sql`INSERT INTO audit_log (actor, action, layer, feature_id, before, after, reason)
      VALUES (${actor}, 'create', ${layer}, ${String(id)}, NULL, ${JSON.stringify(after)}::jsonb, ${reason})`.execute(db)

/** Locks the volunteer (one movement at a time per volunteer) or answers 404. */
async function lockVolunteer(trx: Kysely<any>, id: number): Promise<void> {
  const r = await sql`SELECT id FROM volunteers WHERE id = ${id} FOR NO KEY UPDATE`.execute(trx)
  if (!r.rows.length) throw new ApiError(404, 'unknown_volunteer', `no volunteer ${id}`)
}

/** What an activity record asks for (the contract's request). */
export type ActivityInput = ActivityRequest

/** Records what a volunteer did and credits the points its rule gives, in one transaction, audited. */
export async function recordActivity(db: Kysely<any>, volunteerId: number, input: ActivityInput, actor: string): Promise<ActivityRecorded> {
  return db.transaction().execute(async (trx) => {
    await lockVolunteer(trx, volunteerId)
    const rule = (await sql<{ points_per_unit: number; max_quantity: number; unit: string }>`
      SELECT points_per_unit, max_quantity, unit FROM point_rules WHERE kind = ${input.kind}`.execute(trx)).rows[0]
    if (!rule) throw new ApiError(400, 'unknown_kind', `no point rule for activity kind "${input.kind}"`)
    if (input.quantity > rule.max_quantity) {
      throw new ApiError(400, 'quantity_too_large', `one ${input.kind} record counts at most ${rule.max_quantity} ${rule.unit}(s), given ${input.quantity}`)
    }
    const record = (await sql<ActivityRecorded['record']>`
      INSERT INTO activity_records (volunteer_id, kind, quantity, points_per_unit, points, held_at, note, recorded_by)
      VALUES (${volunteerId}, ${input.kind}, ${input.quantity}, ${rule.points_per_unit}, ${input.quantity * rule.points_per_unit},
              coalesce(${input.heldAt ?? null}::timestamptz, now()), ${input.note ?? ''}, ${actor})
      RETURNING id, volunteer_id, kind, quantity, points_per_unit, points, held_at, note, recorded_by`.execute(trx)).rows[0]!
    await sql`INSERT INTO points_ledger (volunteer_id, delta, kind, record_id, at)
      VALUES (${volunteerId}, ${record.points}, 'record', ${record.id}, ${record.held_at})`.execute(trx)
    await audit(trx, actor, 'activity_records', record.id, record)
    const balance = (await sql<{ b: number }>`SELECT ${balanceSql(volunteerId)} AS b`.execute(trx)).rows[0]!.b
    return { record, balance }
  })
}

/** What a redemption asks for (the contract's request). */
export type RedemptionInput = RedemptionRequest

/**
 * Spends points on shop items, all or nothing: the volunteer is locked, the balance checked,
 * the stock taken by a conditional UPDATE (… WHERE stock >= n), then the redemption, its ledger
 * row (whose trigger checks the balance again) and the audit entry. Short points or stock is a
 * 409 and the transaction rolls back.
 */
export async function redeem(db: Kysely<any>, input: RedemptionInput, actor: string): Promise<RedemptionAnswer> {
  try {
    return await db.transaction().execute(async (trx) => {
      await lockVolunteer(trx, input.volunteerId)
      const item = (await sql<{ id: number; name: string; price: number; active: boolean }>`
        SELECT id, name, price, active FROM shop_items WHERE id = ${input.itemId}`.execute(trx)).rows[0]
      if (!item) throw new ApiError(404, 'unknown_item', `no shop item ${input.itemId}`)
      if (!item.active) throw new ApiError(409, 'item_withdrawn', `${item.name} is no longer offered`)
      const cost = item.price * input.quantity
      const balance = (await sql<{ b: number }>`SELECT ${balanceSql(input.volunteerId)} AS b`.execute(trx)).rows[0]!.b
      if (balance < cost) {
        throw new ApiError(409, 'insufficient_points', `volunteer ${input.volunteerId} has ${balance} points; ${input.quantity} × ${item.name} costs ${cost}`)
      }
      const taken = await sql<{ stock: number }>`
        UPDATE shop_items SET stock = stock - ${input.quantity} WHERE id = ${item.id} AND stock >= ${input.quantity} RETURNING stock`.execute(trx)
      if (!taken.rows.length) throw new ApiError(409, 'out_of_stock', `${item.name}: fewer than ${input.quantity} in stock`)
      const redemption = (await sql<RedemptionAnswer['redemption']>`
        INSERT INTO redemptions (volunteer_id, item, item_id, quantity, points, redeemed_at, recorded_by)
        VALUES (${input.volunteerId}, ${item.name}, ${item.id}, ${input.quantity}, ${cost}, now(), ${actor})
        RETURNING id, volunteer_id, item, item_id, quantity, points, redeemed_at, recorded_by`.execute(trx)).rows[0]!
      await sql`INSERT INTO points_ledger (volunteer_id, delta, kind, redemption_id, at)
        VALUES (${input.volunteerId}, ${-cost}, 'redemption', ${redemption.id}, ${redemption.redeemed_at})`.execute(trx)
      await audit(trx, actor, 'redemptions', redemption.id, redemption)
      return { redemption, balance: balance - cost, stock: taken.rows[0]!.stock }
    })
  } catch (err) {
    // The database's own guards (ledger trigger, stock CHECK) are the last word if the checks above were raced.
    const e = err as { code?: string; constraint?: string }
    if (e?.code === '23514' && (e.constraint === 'points_balance_nonnegative' || e.constraint === 'shop_items_stock_check')) {
      throw new ApiError(409, e.constraint === 'shop_items_stock_check' ? 'out_of_stock' : 'insufficient_points', 'not enough points or stock; nothing was redeemed')
    }
    throw err
  }
}

/** Adds an item to the shop, audited. */
export async function createItem(db: Kysely<any>, input: { name: string; price: number; stock: number }, actor: string): Promise<ShopItemCreated> {
  return db.transaction().execute(async (trx) => {
    const exists = await sql`SELECT 1 FROM shop_items WHERE name = ${input.name}`.execute(trx)
    if (exists.rows.length) throw new ApiError(409, 'duplicate_item', `the shop already has ${input.name}`)
    const item = (await sql<ShopItemCreated>`
      INSERT INTO shop_items (name, price, stock) VALUES (${input.name}, ${input.price}, ${input.stock})
      RETURNING id, name, price, stock, active`.execute(trx)).rows[0]!
    await audit(trx, actor, 'shop_items', item.id, item)
    return item
  })
}
