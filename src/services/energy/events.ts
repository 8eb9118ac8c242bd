/**
 * The ledger in the event store: stream `energy:<user>`, one event per transaction row (its id is
 * the transaction's id, its data the transaction as the API shows it), plus the account's opening
 * and plan changes. `foldLedger` rebuilds an account from its events: the ledger's own audit.
 */
import { Effect, Schema } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { NewEvent, RecordedEvent, StreamId } from "../events/schema.js"
import type { DataKeys } from "../gdpr/data-keys/DataKeys.js"
import type { Caller } from "./account.js"
import type { PlannedRow } from "./rules.js"
import { type PlanName, Transaction, type TransactionKind } from "./schema.js"
import { randomUUID } from "node:crypto"

export const energyStream = (userId: string): StreamId => `energy:${userId}` as StreamId

const EVENT_TYPES: { readonly [K in TransactionKind]: string } = {
  consume: "EnergyConsumed",
  refund: "EnergyRefunded",
  purchase: "EnergyPurchased",
  credit: "EnergyCredited",
  regeneration: "EnergyRegenerated",
  reservation: "EnergyReserved",
  commit: "EnergyReservationCommitted",
  release: "EnergyReservationReleased"
}
export const ACCOUNT_OPENED = "EnergyAccountOpened"
export const PLAN_CHANGED = "EnergyPlanChanged"

/** Every event type the ledger writes: what erasure knows how to keep for accounting. */
export const LEDGER_EVENT_TYPES: ReadonlyArray<string> = [...Object.values(EVENT_TYPES), ACCOUNT_OPENED, PLAN_CHANGED]

const decodeTransaction = Schema.decodeUnknownSync(Transaction)

/** A row as `Transaction` encodes it (built directly: this runs on every write). */
const encodedRow = (userId: string, row: PlannedRow): typeof Transaction.Encoded => ({
  transactionId: row.transactionId,
  userId,
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
  expiresAt: row.expiresAtMs === null ? null : new Date(row.expiresAtMs).toISOString(),
  metadata: row.metadata,
  createdAt: new Date(row.createdAtMs).toISOString()
})

const metadataOf = (caller: Caller) => (caller.requestId === undefined ? { actor: caller.actor } : { actor: caller.actor, requestId: caller.requestId })

export const rowEvent = (userId: string, row: PlannedRow, caller: Caller): NewEvent => ({
  eventId: row.transactionId,
  type: EVENT_TYPES[row.kind],
  data: encodedRow(userId, row),
  metadata: metadataOf(caller)
})

/**
 * The events of `rows`, with each row's metadata (the client's metadata, reasons: free text that may
 * name a person) sealed with the user's data key: erasure destroys the key, and with it these fields.
 */
export const rowEvents = (
  keys: DataKeys["Type"],
  userId: string,
  rows: ReadonlyArray<PlannedRow>,
  caller: Caller
): Effect.Effect<ReadonlyArray<NewEvent>, ServiceUnavailable> => {
  const events = rows.map((row) => rowEvent(userId, row, caller))
  // Most writes carry no metadata: nothing to seal, no effect to run per row.
  if (!rows.some((row) => hasEntries(row.metadata))) return Effect.succeed(events)
  return Effect.forEach(events, (event, i) => {
    const metadata = rows[i]!.metadata
    if (!hasEntries(metadata)) return Effect.succeed(event)
    return Effect.map(keys.seal(userId, metadata), (sealed): NewEvent => ({ ...event, data: { ...(event.data as object), metadata: sealed } }))
  })
}

const hasEntries = (record: Readonly<Record<string, unknown>>): boolean => {
  for (const _ in record) return true
  return false
}

export const openedEvent = (plan: PlanName, caller: Caller): NewEvent => ({
  eventId: randomUUID(),
  type: ACCOUNT_OPENED,
  data: { plan },
  metadata: metadataOf(caller)
})

export const planChangedEvent = (from: PlanName, to: PlanName, caller: Caller): NewEvent => ({
  eventId: randomUUID(),
  type: PLAN_CHANGED,
  data: { from, to },
  metadata: metadataOf(caller)
})

export interface FoldedLedger {
  readonly plan: PlanName | undefined
  readonly balance: number
  readonly reserved: number
  readonly version: number
  /** Oldest first. */
  readonly transactions: ReadonlyArray<Transaction>
}

/** An account from its stream, in stream order: balance and reserved are the sums of the rows' deltas. */
export const foldLedger = (events: ReadonlyArray<RecordedEvent>): FoldedLedger => {
  let plan: PlanName | undefined
  let balance = 0
  let reserved = 0
  const transactions: Array<Transaction> = []
  const ordered = [...events].sort((a, b) => a.streamVersion - b.streamVersion)
  for (const event of ordered) {
    if (event.type === ACCOUNT_OPENED) plan = (event.data as { plan: PlanName }).plan
    else if (event.type === PLAN_CHANGED) plan = (event.data as { to: PlanName }).to
    else {
      const transaction = decodeTransaction(event.data)
      balance += transaction.balanceDelta
      reserved += transaction.reservedDelta
      transactions.push(transaction)
    }
  }
  return { plan, balance, reserved, version: ordered.at(-1)?.streamVersion ?? 0, transactions }
}
