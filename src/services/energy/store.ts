/**
 * The ledger's SQL. A write is one statement (the account's conditional update and its
 * transaction rows, as one CTE) plus the event append, in one transaction; reads are plain selects.
 * Counts come back from Postgres as text (bigint) and are turned into numbers here: amounts are
 * bounded far below 2^53.
 */
import type { SqlError } from "@effect/sql/SqlError"
import type * as PgClient from "@effect/sql-pg/PgClient"
import { Data, DateTime, Effect } from "effect"
import { sqlStateOf } from "../database/failures.js"
import type { AccountState, OpenReservation, PlannedRow } from "./rules.js"
import type { ActionCost, PlanName, PlanRules, Transaction, TransactionKind, UserStats } from "./schema.js"

/** The account moved on since the actor read it (another runner wrote), or a constraint refused the write. */
export class AccountMoved extends Data.TaggedError("AccountMoved")<{ readonly reason: string }> {}
/** The write's idempotency key is already stored for this user. */
export class KeyTaken extends Data.TaggedError("KeyTaken")<{}> {}

interface AccountRow {
  readonly plan: PlanName
  readonly balance: string
  readonly reserved: string
  readonly regenerated_at: Date
  readonly version: string
}

interface ReservationRow {
  readonly transaction_id: string
  readonly amount: string
  readonly reserved_delta: string
  readonly expires_at: Date
}

export interface TransactionRow {
  readonly transaction_id: string
  readonly user_id: string
  readonly seq: string
  readonly kind: TransactionKind
  readonly amount: string
  readonly balance_delta: string
  readonly reserved_delta: string
  readonly balance_after: string
  readonly reserved_after: string
  readonly action: string | null
  readonly idempotency_key: string
  readonly fingerprint: string
  readonly reference_id: string | null
  readonly expires_at: Date | null
  readonly metadata: Record<string, unknown>
  readonly created_at: Date
}

const TRANSACTION_COLUMNS = `transaction_id, user_id, seq::text, kind, amount::text, balance_delta::text, reserved_delta::text,
  balance_after::text, reserved_after::text, action, idempotency_key, fingerprint, reference_id, expires_at, metadata, created_at`

export const toTransaction = (row: TransactionRow): Transaction => ({
  transactionId: row.transaction_id,
  userId: row.user_id as Transaction["userId"],
  seq: Number(row.seq),
  kind: row.kind,
  amount: Number(row.amount),
  balanceDelta: Number(row.balance_delta),
  reservedDelta: Number(row.reserved_delta),
  balanceAfter: Number(row.balance_after),
  reservedAfter: Number(row.reserved_after),
  action: row.action,
  idempotencyKey: row.idempotency_key,
  referenceId: row.reference_id,
  expiresAt: row.expires_at === null ? null : DateTime.unsafeFromDate(row.expires_at),
  metadata: row.metadata,
  createdAt: DateTime.unsafeFromDate(row.created_at)
})

/** A planned row as the client will see it once written. */
export const plannedTransaction = (userId: string, row: PlannedRow): Transaction => ({
  transactionId: row.transactionId,
  userId: userId as Transaction["userId"],
  seq: row.seq,
  kind: row.kind,
  amount: row.amount,
  balanceDelta: row.balanceDelta,
  reservedDelta: row.reservedDelta,
  balanceAfter: row.balanceAfter,
  reservedAfter: row.reservedAfter,
  action: row.action,
  idempotencyKey: row.idempotencyKey,
  referenceId: row.referenceId,
  expiresAt: row.expiresAtMs === null ? null : DateTime.unsafeMake(row.expiresAtMs),
  metadata: row.metadata,
  createdAt: DateTime.unsafeMake(row.createdAtMs)
})

const rowsJson = (rows: ReadonlyArray<PlannedRow>): string =>
  JSON.stringify(rows.map((row) => ({
    transaction_id: row.transactionId,
    seq: row.seq,
    kind: row.kind,
    amount: row.amount,
    balance_delta: row.balanceDelta,
    reserved_delta: row.reservedDelta,
    balance_after: row.balanceAfter,
    reserved_after: row.reservedAfter,
    action: row.action,
    idempotency_key: row.idempotencyKey,
    fingerprint: row.fingerprint,
    reference_id: row.referenceId,
    expires_at: row.expiresAtMs === null ? null : new Date(row.expiresAtMs).toISOString(),
    metadata: row.metadata,
    created_at: new Date(row.createdAtMs).toISOString()
  })))

const UNIQUE_VIOLATION = "23505"
const CHECK_VIOLATION = "23514"
const LEDGER_REFUSAL = "LU422"
/** luna_energy_write / luna_append_events: not at the expected version; an event id already stored. */
const VERSION_MOVED = "LU409"
const EVENT_ID_STORED = "LU208"

const constraintOf = (error: SqlError): string =>
  String((error.cause as { readonly constraint?: unknown } | undefined)?.constraint ?? "")

/** Constraint refusals of a write: a taken key, or state the actor did not know (another runner). */
const refusalOf = (error: SqlError): Effect.Effect<never, AccountMoved | KeyTaken | SqlError> => {
  const state = sqlStateOf(error)
  if (state === UNIQUE_VIOLATION && constraintOf(error).includes("idempotency_key")) return Effect.fail(new KeyTaken())
  if (state === UNIQUE_VIOLATION || state === CHECK_VIOLATION || state === LEDGER_REFUSAL || state === VERSION_MOVED || state === EVENT_ID_STORED) {
    return Effect.fail(new AccountMoved({ reason: `${state} ${constraintOf(error)}`.trim() }))
  }
  return Effect.fail(error)
}

export const makeLedgerStatements = (sql: PgClient.PgClient) => {
  const loadAccount = (userId: string): Effect.Effect<AccountState | undefined, SqlError> =>
    Effect.gen(function* () {
      const [account] = yield* sql<AccountRow>`
        SELECT plan, balance::text, reserved::text, regenerated_at, version::text
        FROM energy_accounts WHERE user_id = ${userId}`
      if (account === undefined) return undefined
      // Reservations not yet resolved (a commit or release references each resolved one).
      const open = yield* sql<ReservationRow>`
        SELECT r.transaction_id, r.amount::text, r.reserved_delta::text, r.expires_at
        FROM energy_transactions r
        WHERE r.user_id = ${userId} AND r.kind = 'reservation'
          AND NOT EXISTS (SELECT 1 FROM energy_transactions c WHERE c.reference_id = r.transaction_id AND c.kind IN ('commit', 'release'))`
      const reservations = new Map<string, OpenReservation>(open.map((r) => [r.transaction_id, {
        id: r.transaction_id,
        amount: Number(r.amount),
        held: Number(r.reserved_delta),
        expiresAtMs: r.expires_at.getTime()
      }]))
      return {
        userId,
        plan: account.plan,
        balance: Number(account.balance),
        reserved: Number(account.reserved),
        regeneratedAtMs: account.regenerated_at.getTime(),
        version: Number(account.version),
        reservations
      }
    })

  /** Creates the account at version `version` (its opening events); false when it already existed. */
  const insertAccount = (state: AccountState, nowMs: number): Effect.Effect<boolean, SqlError> =>
    Effect.map(
      sql`
        INSERT INTO energy_accounts (user_id, plan, balance, reserved, regenerated_at, version, created_at, updated_at)
        VALUES (${state.userId}, ${state.plan}, ${state.balance}, ${state.reserved}, ${new Date(state.regeneratedAtMs)},
                ${state.version}, ${new Date(nowMs)}, ${new Date(nowMs)})
        ON CONFLICT (user_id) DO NOTHING
        RETURNING 1 AS created`,
      (rows) => rows.length === 1
    )

  /**
   * One write, one statement (`luna_energy_write`, migration 0006): the account from `fromVersion`
   * to `after`, the transaction rows, and their events (`events`: the event store's prepared
   * payload) appended to `streamId`. Atomic on its own; refused as a whole.
   */
  const write = (
    fromVersion: number,
    after: AccountState,
    rows: ReadonlyArray<PlannedRow>,
    nowMs: number,
    streamId: string,
    events: string
  ): Effect.Effect<void, AccountMoved | KeyTaken | SqlError> => {
    const account = JSON.stringify({
      plan: after.plan,
      balance: after.balance,
      reserved: after.reserved,
      regeneratedAt: new Date(after.regeneratedAtMs).toISOString(),
      version: after.version,
      updatedAt: new Date(nowMs).toISOString()
    })
    return sql`SELECT luna_energy_write(${after.userId}, ${fromVersion}, ${account}::jsonb, ${rowsJson(rows)}::jsonb, ${streamId}, ${events}::jsonb)`.pipe(
      Effect.catchAll(refusalOf),
      Effect.asVoid
    )
  }

  const byKey = (userId: string, key: string): Effect.Effect<(TransactionRow & { readonly fingerprint: string }) | undefined, SqlError> =>
    Effect.map(
      sql<TransactionRow>`SELECT ${sql.literal(TRANSACTION_COLUMNS)} FROM energy_transactions WHERE user_id = ${userId} AND idempotency_key = ${key}`,
      (rows) => rows[0]
    )

  const byId = (userId: string, transactionId: string): Effect.Effect<TransactionRow | undefined, SqlError> =>
    Effect.map(
      sql<TransactionRow>`SELECT ${sql.literal(TRANSACTION_COLUMNS)} FROM energy_transactions WHERE user_id = ${userId} AND transaction_id = ${transactionId}`,
      (rows) => rows[0]
    )

  /** How a reservation was resolved, if it was. */
  const resolutionOf = (reservationId: string): Effect.Effect<TransactionRow | undefined, SqlError> =>
    Effect.map(
      sql<TransactionRow>`SELECT ${sql.literal(TRANSACTION_COLUMNS)} FROM energy_transactions WHERE reference_id = ${reservationId} AND kind IN ('commit', 'release')`,
      (rows) => rows[0]
    )

  /** Energy already refunded of a charge. */
  const refundedOf = (transactionId: string): Effect.Effect<number, SqlError> =>
    Effect.map(
      sql<{ readonly refunded: string }>`SELECT coalesce(sum(amount), 0)::text AS refunded FROM energy_transactions WHERE reference_id = ${transactionId} AND kind = 'refund'`,
      (rows) => Number(rows[0]?.refunded ?? 0)
    )

  const catalogue: Effect.Effect<ReadonlyArray<ActionCost>, SqlError> = sql<ActionCost>`
    SELECT action, cost, description FROM energy_actions ORDER BY cost, action`

  const setActionCost = (action: string, cost: number, description: string | undefined): Effect.Effect<ActionCost, SqlError> =>
    Effect.map(
      sql<ActionCost>`
        INSERT INTO energy_actions (action, cost, description, updated_at) VALUES (${action}, ${cost}, ${description ?? ""}, now())
        ON CONFLICT (action) DO UPDATE SET cost = EXCLUDED.cost,
          description = CASE WHEN ${description === undefined} THEN energy_actions.description ELSE EXCLUDED.description END,
          updated_at = now()
        RETURNING action, cost, description`,
      (rows) => rows[0]!
    )

  const plans: Effect.Effect<ReadonlyArray<PlanRules>, SqlError> = sql<PlanRules>`
    SELECT plan, opening_balance AS "openingBalance", cap, regeneration_amount AS "regenerationAmount",
      regeneration_interval_seconds AS "regenerationIntervalSeconds"
    FROM energy_plans ORDER BY plan`

  const setPlanRules = (rules: PlanRules): Effect.Effect<PlanRules, SqlError> =>
    Effect.map(
      sql<PlanRules>`
        UPDATE energy_plans SET opening_balance = ${rules.openingBalance}, cap = ${rules.cap}, regeneration_amount = ${rules.regenerationAmount},
          regeneration_interval_seconds = ${rules.regenerationIntervalSeconds}, updated_at = now()
        WHERE plan = ${rules.plan}
        RETURNING plan, opening_balance AS "openingBalance", cap, regeneration_amount AS "regenerationAmount",
          regeneration_interval_seconds AS "regenerationIntervalSeconds"`,
      (rows) => rows[0]!
    )

  /**
   * Newest first, from `beforeSeq` (exclusive): seq never changes, so pages stay stable while writes
   * land. (Ordered by the table's column: the select list's `seq` is its text form.)
   */
  const transactions = (
    userId: string,
    options: { readonly beforeSeq: number | undefined; readonly limit: number; readonly kind: TransactionKind | undefined }
  ): Effect.Effect<ReadonlyArray<TransactionRow>, SqlError> =>
    sql<TransactionRow>`
      SELECT ${sql.literal(TRANSACTION_COLUMNS)} FROM energy_transactions
      WHERE user_id = ${userId}
        ${options.beforeSeq === undefined ? sql`` : sql`AND seq < ${options.beforeSeq}`}
        ${options.kind === undefined ? sql`` : sql`AND kind = ${options.kind}`}
      ORDER BY energy_transactions.seq DESC
      LIMIT ${options.limit}`

  /** Users holding a reservation that lapsed by `now` without being resolved (at most `limit`). */
  const lapsedReservationOwners = (now: Date, limit: number): Effect.Effect<ReadonlyArray<string>, SqlError> =>
    Effect.map(
      sql<{ readonly user_id: string }>`
        SELECT DISTINCT r.user_id FROM energy_transactions r
        WHERE r.kind = 'reservation' AND r.expires_at <= ${now}
          AND NOT EXISTS (SELECT 1 FROM energy_transactions c WHERE c.reference_id = r.transaction_id AND c.kind IN ('commit', 'release'))
        LIMIT ${limit}`,
      (rows) => rows.map((row) => row.user_id)
    )

  const accountExists = (userId: string): Effect.Effect<boolean, SqlError> =>
    Effect.map(sql`SELECT 1 FROM energy_accounts WHERE user_id = ${userId}`, (rows) => rows.length > 0)

  const stats = (userId: string, from: Date | null): Effect.Effect<Omit<UserStats, "userId" | "period" | "from">, SqlError> =>
    Effect.gen(function* () {
      const since = from === null ? sql`` : sql`AND created_at >= ${from}`
      const [totals] = yield* sql<Record<"consumed" | "refunded" | "purchased" | "credited" | "regenerated", string>>`
        SELECT
          coalesce(sum(amount) FILTER (WHERE kind IN ('consume', 'commit')), 0)::text AS consumed,
          coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0)::text AS refunded,
          coalesce(sum(amount) FILTER (WHERE kind = 'purchase'), 0)::text AS purchased,
          coalesce(sum(amount) FILTER (WHERE kind = 'credit'), 0)::text AS credited,
          coalesce(sum(amount) FILTER (WHERE kind = 'regeneration'), 0)::text AS regenerated
        FROM energy_transactions WHERE user_id = ${userId} ${since}`
      const byAction = yield* sql<{ readonly action: string; readonly count: string; readonly energy: string }>`
        SELECT action, count(*)::text AS count, sum(amount)::text AS energy
        FROM energy_transactions
        WHERE user_id = ${userId} AND kind IN ('consume', 'commit') AND action IS NOT NULL ${since}
        GROUP BY action ORDER BY sum(amount) DESC, action`
      const refunded = Number(totals?.refunded ?? 0)
      return {
        consumed: Number(totals?.consumed ?? 0) - refunded,
        refunded,
        purchased: Number(totals?.purchased ?? 0),
        credited: Number(totals?.credited ?? 0),
        regenerated: Number(totals?.regenerated ?? 0),
        byAction: byAction.map((row) => ({ action: row.action, count: Number(row.count), energy: Number(row.energy) }))
      }
    })

  const leaderboard = (from: Date | null, limit: number): Effect.Effect<ReadonlyArray<{ readonly userId: string; readonly consumed: number }>, SqlError> =>
    Effect.map(
      sql<{ readonly user_id: string; readonly consumed: string }>`
        SELECT user_id, consumed::text FROM (
          SELECT user_id, coalesce(sum(amount) FILTER (WHERE kind IN ('consume', 'commit')), 0)
                          - coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0) AS consumed
          FROM energy_transactions
          WHERE kind IN ('consume', 'commit', 'refund') ${from === null ? sql`` : sql`AND created_at >= ${from}`}
            AND user_id NOT LIKE '@%' -- erased users' pseudonyms (no user id starts with @)
          GROUP BY user_id
        ) totals
        WHERE consumed > 0
        ORDER BY totals.consumed DESC, user_id
        LIMIT ${limit}`,
      (rows) => rows.map((row) => ({ userId: row.user_id, consumed: Number(row.consumed) }))
    )

  return {
    loadAccount,
    insertAccount,
    write,
    byKey,
    byId,
    resolutionOf,
    refundedOf,
    catalogue,
    setActionCost,
    plans,
    setPlanRules,
    transactions,
    accountExists,
    lapsedReservationOwners,
    stats,
    leaderboard
  }
}

export type LedgerStatements = ReturnType<typeof makeLedgerStatements>
