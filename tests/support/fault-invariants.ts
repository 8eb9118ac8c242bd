/**
 * The fault suite's verdict: the ledger as the database holds it (read only, after the run)
 * against what the clients recorded. Each invariant reports how many things it checked and every
 * violation, in words.
 */
import * as Pg from "pg"
import { okAnswers, settledOutcome, type WriteOp } from "./fault-ledger-client.js"
import type { FollowerRecord } from "./fault-follower.js"

export interface InvariantReport {
  readonly name: string
  readonly checked: number
  readonly violations: ReadonlyArray<string>
}

interface TransactionRow {
  readonly transaction_id: string
  readonly user_id: string
  readonly kind: string
  readonly idempotency_key: string
  readonly balance_delta: number
  readonly reserved_delta: number
  readonly balance_after: number
  readonly reserved_after: number
  readonly created_at: Date
}

interface AccountRow {
  readonly user_id: string
  readonly balance: number
  readonly reserved: number
  readonly version: number
}

interface EventRow {
  readonly stream_id: string
  readonly stream_version: number
  readonly event_id: string
  readonly event_type: string
  readonly data: { readonly balanceDelta?: number; readonly reservedDelta?: number }
}

/** The ledger's state for `users`, read in one snapshot. */
export interface StoredLedger {
  readonly accounts: ReadonlyArray<AccountRow>
  readonly transactions: ReadonlyArray<TransactionRow>
  readonly events: ReadonlyArray<EventRow>
}

export const readStoredLedger = async (databaseUrl: string, users: ReadonlyArray<string>): Promise<StoredLedger> => {
  const client = new Pg.Client({ connectionString: databaseUrl })
  client.on("error", () => {})
  await client.connect()
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    const accounts = await client.query<AccountRow>(
      "SELECT user_id, balance::int, reserved::int, version::int FROM energy_accounts WHERE user_id = ANY($1)",
      [users]
    )
    const transactions = await client.query<TransactionRow>(
      `SELECT transaction_id::text, user_id, kind, idempotency_key, balance_delta::int, reserved_delta::int,
              balance_after::int, reserved_after::int, created_at
       FROM energy_transactions WHERE user_id = ANY($1) ORDER BY user_id, seq`,
      [users]
    )
    const events = await client.query<EventRow>(
      `SELECT stream_id, stream_version::int, event_id::text, event_type, data
       FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, stream_version`,
      [users.map((u) => `energy:${u}`)]
    )
    await client.query("COMMIT")
    return { accounts: accounts.rows, transactions: transactions.rows, events: events.rows }
  } finally {
    await client.end().catch(() => {})
  }
}

/** Refusals the suite's requests may legitimately get; any other refusal is a wrong answer. */
const EXPECTED_REFUSALS = new Set(["InsufficientEnergy", "RateLimited"])

const ACCOUNT_EVENTS = new Set(["EnergyAccountOpened", "EnergyPlanChanged"])

const report = (name: string, checked: number, violations: Array<string>): InvariantReport => ({ name, checked, violations })

/** `items` by `keyOf`, each group in the items' order. */
const groupBy = <A>(items: ReadonlyArray<A>, keyOf: (item: A) => string): Map<string, Array<A>> => {
  const groups = new Map<string, Array<A>>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [item])
    else group.push(item)
  }
  return groups
}

export const checkLedger = (ledger: StoredLedger, ops: ReadonlyArray<WriteOp>): ReadonlyArray<InvariantReport> => {
  const byId = new Map(ledger.transactions.map((t) => [t.transaction_id, t]))
  const byKey = groupBy(ledger.transactions, (t) => `${t.user_id}\u0000${t.idempotency_key}`)
  const storedFor = (op: WriteOp) => byKey.get(`${op.userId}\u0000${op.key}`) ?? []
  const reports: Array<InvariantReport> = []

  // 1. Every 2xx answer's transaction is stored, as answered.
  {
    const violations: Array<string> = []
    let checked = 0
    for (const op of ops) {
      for (const answer of okAnswers(op)) {
        checked++
        const row = byId.get(answer.transactionId)
        if (row === undefined) violations.push(`${op.kind} ${op.key} of ${op.userId}: answered ${answer.transactionId}, not stored`)
        else if (row.user_id !== op.userId || row.idempotency_key !== op.key || row.kind !== answer.kind || row.balance_after !== answer.balanceAfter || row.reserved_after !== answer.reservedAfter) {
          violations.push(`${op.kind} ${op.key}: answered ${JSON.stringify(answer)}, stored ${JSON.stringify(row)}`)
        }
      }
    }
    reports.push(report("accepted writes stored", checked, violations))
  }

  // 2. No write applied twice: one transaction per key in the ledger, one transaction id in the answers.
  {
    const violations: Array<string> = []
    for (const [key, rows] of byKey) if (rows.length > 1) violations.push(`key ${key.replace("\u0000", "/")} has ${rows.length} transactions`)
    for (const op of ops) {
      const ids = new Set(okAnswers(op).map((a) => a.transactionId))
      if (ids.size > 1) violations.push(`${op.kind} ${op.key}: answered with ${ids.size} different transactions ${[...ids].join(", ")}`)
    }
    reports.push(report("applied at most once", ops.length, violations))
  }

  // 3. Retries answered identically: every 2xx of one key is the same transaction and balance after,
  //    at most one of them is the first (not replayed), and no retry of an applied write is refused.
  {
    const violations: Array<string> = []
    let checked = 0
    for (const op of ops) {
      const answers = okAnswers(op)
      if (op.attempts.length < 2) continue
      checked++
      const [first] = answers
      for (const answer of answers) {
        if (first !== undefined && (answer.transactionId !== first.transactionId || answer.balanceAfter !== first.balanceAfter || answer.reservedAfter !== first.reservedAfter)) {
          violations.push(`${op.kind} ${op.key}: retry answered ${answer.transactionId}/${answer.balanceAfter}, first ${first.transactionId}/${first.balanceAfter}`)
        }
      }
      const originals = answers.filter((a) => !a.replayed).length
      if (originals > 1) violations.push(`${op.kind} ${op.key}: ${originals} answers claim to be the original (replayed: false)`)
      const stored = storedFor(op)[0]
      if (stored !== undefined) {
        for (const attempt of op.attempts) {
          if (attempt.outcome.type === "refused" && attempt.startedAt > stored.created_at.getTime()) {
            violations.push(`${op.kind} ${op.key}: applied at ${stored.created_at.toISOString()}, yet a retry sent later was refused (${attempt.outcome.tag})`)
          }
        }
      }
    }
    reports.push(report("retries answered identically", checked, violations))
  }

  // 4. Every write ends settled, and the ledger holds exactly the writes whose settled answer was 2xx.
  {
    const violations: Array<string> = []
    const opKeys = new Set(ops.map((op) => `${op.userId}\u0000${op.key}`))
    for (const op of ops) {
      const settled = settledOutcome(op)
      const stored = storedFor(op)
      if (settled === undefined) violations.push(`${op.kind} ${op.key}: no definite answer after ${op.attempts.length} attempts (${op.attempts.map((a) => a.outcome.type === "unknown" ? a.outcome.reason : a.outcome.type).join("; ")})`)
      else if (settled.type === "ok" && stored.length === 0) violations.push(`${op.kind} ${op.key}: answered 2xx, nothing stored`)
      else if (settled.type === "refused" && stored.length > 0) violations.push(`${op.kind} ${op.key}: refused (${settled.tag}) but stored as ${stored[0]!.transaction_id}`)
    }
    for (const [key, rows] of byKey) {
      if (!opKeys.has(key)) violations.push(`a transaction no client asked for: ${rows[0]!.kind} ${rows[0]!.transaction_id} key ${rows[0]!.idempotency_key}`)
    }
    reports.push(report("ledger holds exactly the acknowledged writes", ops.length + byKey.size, violations))
  }

  // 5. Only the refusals the load can legitimately meet.
  {
    const violations: Array<string> = []
    let checked = 0
    for (const op of ops) {
      for (const attempt of op.attempts) {
        if (attempt.outcome.type !== "refused") continue
        checked++
        if (!EXPECTED_REFUSALS.has(attempt.outcome.tag)) violations.push(`${op.kind} ${op.key} on hub ${attempt.instance} (${attempt.transport}, ${attempt.phase}): refused ${attempt.outcome.status} ${attempt.outcome.tag}`)
      }
    }
    reports.push(report("no wrong refusals", checked, violations))
  }

  // 5b. Every answer is one the doors document: no 500, no 499 to a client still waiting, no
  //     interrupted RPC (503 with Retry-After is the documented "retry with the same key").
  {
    const violations: Array<string> = []
    let checked = 0
    for (const op of ops) {
      for (const attempt of op.attempts) {
        checked++
        if (attempt.outcome.type === "unknown" && attempt.outcome.undocumented === true) {
          violations.push(`${op.kind} ${op.key} on hub ${attempt.instance} (${attempt.transport}, ${attempt.phase}) at ${new Date(attempt.startedAt).toISOString()}: ${attempt.outcome.reason}`)
        }
      }
    }
    reports.push(report("only documented answers", checked, violations))
  }

  // 6. No balance negative, reserved within the balance, in the accounts and after every transaction.
  {
    const violations: Array<string> = []
    for (const a of ledger.accounts) {
      if (a.balance < 0 || a.reserved < 0 || a.reserved > a.balance) violations.push(`account ${a.user_id}: balance ${a.balance}, reserved ${a.reserved}`)
    }
    for (const t of ledger.transactions) {
      if (t.balance_after < 0 || t.reserved_after < 0 || t.reserved_after > t.balance_after) violations.push(`transaction ${t.transaction_id}: after ${t.balance_after}/${t.reserved_after}`)
    }
    reports.push(report("no balance negative", ledger.accounts.length + ledger.transactions.length, violations))
  }

  // 7. Each balance is the fold of its stream's events and the sum of its transactions; the stream
  //    has no gap, its length is the account's version, and each transaction is one event.
  {
    const violations: Array<string> = []
    const eventsOf = groupBy(ledger.events, (e) => e.stream_id)
    const transactionsOf = groupBy(ledger.transactions, (t) => t.user_id)
    for (const account of ledger.accounts) {
      const events = eventsOf.get(`energy:${account.user_id}`) ?? []
      const rows = transactionsOf.get(account.user_id) ?? []
      const folded = { balance: 0, reserved: 0 }
      events.forEach((e, i) => {
        if (e.stream_version !== i + 1) violations.push(`energy:${account.user_id}: version ${e.stream_version} at index ${i}`)
        if (ACCOUNT_EVENTS.has(e.event_type)) return
        folded.balance += e.data.balanceDelta ?? Number.NaN
        folded.reserved += e.data.reservedDelta ?? Number.NaN
      })
      const summed = rows.reduce((sum, t) => ({ balance: sum.balance + t.balance_delta, reserved: sum.reserved + t.reserved_delta }), { balance: 0, reserved: 0 })
      if (folded.balance !== account.balance || folded.reserved !== account.reserved) {
        violations.push(`${account.user_id}: stored ${account.balance}/${account.reserved}, fold of events ${folded.balance}/${folded.reserved}`)
      }
      if (summed.balance !== account.balance || summed.reserved !== account.reserved) {
        violations.push(`${account.user_id}: stored ${account.balance}/${account.reserved}, sum of transactions ${summed.balance}/${summed.reserved}`)
      }
      if (events.length !== account.version) violations.push(`${account.user_id}: version ${account.version}, ${events.length} events`)
      const eventIds = new Set(events.map((e) => e.event_id))
      for (const t of rows) if (!eventIds.has(t.transaction_id)) violations.push(`${account.user_id}: transaction ${t.transaction_id} has no event`)
      const ledgerEvents = events.filter((e) => !ACCOUNT_EVENTS.has(e.event_type)).length
      if (ledgerEvents !== rows.length) violations.push(`${account.user_id}: ${rows.length} transactions, ${ledgerEvents} ledger events`)
    }
    reports.push(report("balance = fold of events = sum of transactions", ledger.accounts.length, violations))
  }

  return reports
}

/** The follower saw each followed stream whole: versions 1…n, each once, in order. */
export const checkFollower = (record: FollowerRecord, ledger: StoredLedger, followed: ReadonlyArray<string>): InvariantReport => {
  const violations: Array<string> = [...record.outOfOrder.map((e) => `out of global order: ${e}`)]
  const lengths = new Map<string, number>()
  for (const e of ledger.events) lengths.set(e.stream_id, Math.max(lengths.get(e.stream_id) ?? 0, e.stream_version))
  for (const userId of followed) {
    const stream = `energy:${userId}`
    const seen = record.seen.get(stream) ?? []
    const length = lengths.get(stream) ?? 0
    const expected = Array.from({ length }, (_, i) => i + 1)
    if (seen.length !== expected.length || seen.some((v, i) => v !== expected[i])) {
      const duplicates = seen.length - new Set(seen).size
      violations.push(`${stream}: ${length} events stored, follower saw ${seen.length} (${duplicates} duplicates; first difference at index ${seen.findIndex((v, i) => v !== expected[i])})`)
    }
  }
  return report("follower saw every event once, in order", followed.length, violations)
}

/** Each instance answers every user's balance as stored (its actor's memory survived the faults). */
export const checkBalancesAnswered = (
  ledger: StoredLedger,
  answered: ReadonlyArray<{ readonly userId: string; readonly instance: number; readonly balance: { balance: number; reserved: number } | undefined }>
): InvariantReport => {
  const stored = new Map(ledger.accounts.map((a) => [a.user_id, a]))
  const violations: Array<string> = []
  for (const { balance, instance, userId } of answered) {
    const account = stored.get(userId)
    if (balance === undefined) violations.push(`hub ${instance} could not answer ${userId}'s balance`)
    else if (account === undefined || balance.balance !== account.balance || balance.reserved !== account.reserved) {
      violations.push(`hub ${instance} answers ${userId}: ${balance.balance}/${balance.reserved}, stored ${account?.balance}/${account?.reserved}`)
    }
  }
  return report("every instance answers the stored balance", answered.length, violations)
}

/** Each instance's cached transaction page (past the L1 bound) shows the newest stored transactions. */
export const checkCachedPages = (
  ledger: StoredLedger,
  pages: ReadonlyArray<{ readonly userId: string; readonly instance: number; readonly ids: ReadonlyArray<string> | undefined }>,
  limit: number
): InvariantReport => {
  // Stored oldest first (by seq): a user's newest are the last ones, reversed.
  const newest = new Map([...groupBy(ledger.transactions, (t) => t.user_id)].map(([user, rows]) => [user, rows.map((t) => t.transaction_id).reverse()]))
  const violations: Array<string> = []
  for (const { ids, instance, userId } of pages) {
    const expected = (newest.get(userId) ?? []).slice(0, limit)
    if (ids === undefined) violations.push(`hub ${instance} could not answer ${userId}'s transactions`)
    else if (ids.join() !== expected.join()) violations.push(`hub ${instance} answers a stale page for ${userId} (${ids.length} ids, first ${ids[0]}; stored first ${expected[0]})`)
  }
  return report("cached transaction pages are current", pages.length, violations)
}
