/**
 * The ledger's rules as pure functions of an account's state and the time: what a command writes
 * (transaction rows, in order, each with the balance after it) or why it is refused. The account
 * actor runs them; the database re-checks the invariants they rely on.
 *
 * Two things happen "on access", not by a job: a free plan's regeneration and a reservation's
 * expiry. Reads compute them; the next write records them (as `regeneration` and `release` rows
 * before its own), so the ledger always adds up.
 */
import { randomUUID } from "node:crypto"
import {
  type Charge,
  type CheckResult,
  CommitExceedsReservation,
  InsufficientEnergy,
  type PlanName,
  type PlanRules,
  SYSTEM_KEY_PREFIX,
  type TransactionKind,
  type TransactionMetadata
} from "./schema.js"

export interface OpenReservation {
  readonly id: string
  /** What was asked for (the most a commit may charge). */
  readonly amount: number
  /** What it holds of the balance (0 when taken on the unlimited plan). */
  readonly held: number
  readonly expiresAtMs: number
}

export interface AccountState {
  readonly userId: string
  readonly plan: PlanName
  readonly balance: number
  readonly reserved: number
  readonly regeneratedAtMs: number
  readonly version: number
  readonly reservations: ReadonlyMap<string, OpenReservation>
}

/** A transaction row as the actor plans it. */
export interface PlannedRow {
  readonly transactionId: string
  readonly seq: number
  readonly kind: TransactionKind
  readonly amount: number
  readonly balanceDelta: number
  readonly reservedDelta: number
  readonly balanceAfter: number
  readonly reservedAfter: number
  readonly action: string | null
  readonly idempotencyKey: string
  readonly fingerprint: string
  readonly referenceId: string | null
  readonly expiresAtMs: number | null
  readonly metadata: Readonly<Record<string, unknown>>
  readonly createdAtMs: number
}

type Draft = Omit<PlannedRow, "seq" | "balanceAfter" | "reservedAfter" | "createdAtMs" | "transactionId">

/** What one write does: the rows (in order) and the state after them. */
export interface WritePlan {
  readonly rows: ReadonlyArray<PlannedRow>
  readonly after: AccountState
  /** Events besides the rows' own (a plan change). */
  readonly extraEvents: number
}

// ---------------------------------------------------------------------------------------------
// Fingerprints: what makes two requests "the same" for idempotency. The semantic fields only:
// metadata, reasons and request ids may differ between a request and its retry. The canonical
// text itself is stored (short, readable in the ledger, and cheaper than hashing on every write).

export const fingerprintOf = (kind: string, fields: Readonly<Record<string, string | number | null | undefined>>): string => {
  let canonical = `${kind}?`
  for (const k of Object.keys(fields).sort()) canonical += `${k}=${fields[k] ?? ""}&`
  return canonical
}

// ---------------------------------------------------------------------------------------------
// On access: regeneration and expiry

export interface Regeneration {
  readonly gain: number
  readonly anchorMs: number
}

/** The free plan's regeneration at `nowMs`: energy regained (up to the cap) and the new anchor. */
export const regenerationAt = (state: AccountState, rules: PlanRules, nowMs: number): Regeneration => {
  if (state.plan !== "free" || rules.cap === null || rules.regenerationAmount === 0) {
    return { gain: 0, anchorMs: state.regeneratedAtMs }
  }
  // At or above the cap nothing accrues: the clock restarts when the balance drops below it.
  if (state.balance >= rules.cap) return { gain: 0, anchorMs: nowMs }
  const intervalMs = rules.regenerationIntervalSeconds * 1000
  const intervals = Math.floor(Math.max(0, nowMs - state.regeneratedAtMs) / intervalMs)
  const gain = Math.min(intervals * rules.regenerationAmount, rules.cap - state.balance)
  if (state.balance + gain >= rules.cap) return { gain, anchorMs: nowMs }
  return { gain, anchorMs: state.regeneratedAtMs + intervals * intervalMs }
}

export const nextRegenerationMs = (state: AccountState, rules: PlanRules): number | null =>
  state.plan === "free" && rules.cap !== null && rules.regenerationAmount > 0 && state.balance < rules.cap
    ? state.regeneratedAtMs + rules.regenerationIntervalSeconds * 1000
    : null

/** Reservations whose hold lapsed by `nowMs`. */
export const expiredAt = (state: AccountState, nowMs: number): ReadonlyArray<OpenReservation> =>
  state.reservations.size === 0 ? [] : [...state.reservations.values()].filter((r) => r.expiresAtMs <= nowMs)

/** The rows that bring `state` up to `nowMs` (expiries, then regeneration), and the state after them. */
export const settle = (state: AccountState, rules: PlanRules, nowMs: number): { readonly drafts: ReadonlyArray<Draft>; readonly state: AccountState } => {
  const drafts: Array<Draft> = []
  let reservations = state.reservations
  let reserved = state.reserved
  const expired = expiredAt(state, nowMs)
  if (expired.length > 0) {
    const open = new Map(reservations)
    for (const r of expired) {
      open.delete(r.id)
      reserved -= r.held
      drafts.push({
        kind: "release",
        amount: r.amount,
        balanceDelta: 0,
        reservedDelta: -r.held,
        action: null,
        idempotencyKey: `${SYSTEM_KEY_PREFIX}expiry:${r.id}`,
        fingerprint: fingerprintOf("expiry", { reservationId: r.id }),
        referenceId: r.id,
        expiresAtMs: null,
        metadata: { reason: "expired" }
      })
    }
    reservations = open
  }
  const regeneration = regenerationAt(state, rules, nowMs)
  if (regeneration.gain > 0) {
    drafts.push({
      kind: "regeneration",
      amount: regeneration.gain,
      balanceDelta: regeneration.gain,
      reservedDelta: 0,
      action: null,
      // Unique per account: the version this row will carry is not known yet, the anchor is.
      idempotencyKey: `${SYSTEM_KEY_PREFIX}regeneration:${state.regeneratedAtMs}`,
      fingerprint: fingerprintOf("regeneration", { from: state.regeneratedAtMs, gain: regeneration.gain }),
      referenceId: null,
      expiresAtMs: null,
      metadata: {}
    })
  }
  return {
    drafts,
    state: { ...state, reservations, reserved, balance: state.balance + regeneration.gain, regeneratedAtMs: regeneration.anchorMs }
  }
}

/** The state a read shows at `nowMs`: as if settled, without writing. */
export const viewAt = (state: AccountState, rules: PlanRules, nowMs: number): AccountState => settle(state, rules, nowMs).state

// ---------------------------------------------------------------------------------------------
// Commands

export const available = (state: AccountState): number => state.balance - state.reserved

export const checkCharge = (state: AccountState, cost: number): CheckResult => {
  const free = available(state)
  const allowed = state.plan === "unlimited" || cost <= free
  return { allowed, cost, available: free, shortfall: allowed ? 0 : cost - free, plan: state.plan }
}

export type Command =
  | { readonly _tag: "Consume"; readonly action: string; readonly cost: number; readonly key: string; readonly metadata: TransactionMetadata | undefined }
  | {
    readonly _tag: "Refund"
    readonly referenceId: string
    readonly amount: number
    readonly requested: number | undefined
    readonly key: string
    readonly reason: string | undefined
  }
  | { readonly _tag: "Purchase"; readonly amount: number; readonly key: string; readonly metadata: TransactionMetadata | undefined }
  | { readonly _tag: "Credit"; readonly amount: number; readonly key: string; readonly reason: string }
  | {
    readonly _tag: "Reserve"
    readonly charge: Charge
    readonly cost: number
    readonly action: string | null
    readonly ttlSeconds: number
    readonly key: string
    readonly metadata: TransactionMetadata | undefined
  }
  | { readonly _tag: "Commit"; readonly reservation: OpenReservation; readonly amount: number | undefined; readonly key: string }
  | { readonly _tag: "Release"; readonly reservation: OpenReservation; readonly key: string }

/** Fingerprints of requests as the client asked them (defaults not filled in). */
export const requestFingerprint = {
  consume: (action: string) => fingerprintOf("consume", { action }),
  refund: (referenceId: string, amount: number | undefined) => fingerprintOf("refund", { referenceId, amount }),
  purchase: (amount: number) => fingerprintOf("purchase", { amount }),
  credit: (amount: number) => fingerprintOf("credit", { amount }),
  reservation: (charge: Charge, ttlSeconds: number) =>
    fingerprintOf("reservation", {
      action: "action" in charge ? charge.action : undefined,
      amount: "amount" in charge ? charge.amount : undefined,
      ttlSeconds
    }),
  commit: (reservationId: string, amount: number | undefined) => fingerprintOf("commit", { reservationId, amount }),
  release: (reservationId: string) => fingerprintOf("release", { reservationId })
}

export const commandFingerprint = (command: Command): string => {
  switch (command._tag) {
    case "Consume":
      return requestFingerprint.consume(command.action)
    case "Refund":
      return requestFingerprint.refund(command.referenceId, command.requested)
    case "Purchase":
      return requestFingerprint.purchase(command.amount)
    case "Credit":
      return requestFingerprint.credit(command.amount)
    case "Reserve":
      return requestFingerprint.reservation(command.charge, command.ttlSeconds)
    case "Commit":
      return requestFingerprint.commit(command.reservation.id, command.amount)
    case "Release":
      return requestFingerprint.release(command.reservation.id)
  }
}

const metadataWith = (
  metadata: TransactionMetadata | undefined,
  extra: Readonly<Record<string, unknown>> = {}
): Readonly<Record<string, unknown>> => ({ ...metadata, ...extra })

/** The command's own row, given the settled state; or why it is refused. */
const draftOf = (
  state: AccountState,
  command: Command,
  nowMs: number
): Draft | InsufficientEnergy | CommitExceedsReservation => {
  const fingerprint = commandFingerprint(command)
  const base = { fingerprint, idempotencyKey: command.key, referenceId: null, expiresAtMs: null, action: null }
  switch (command._tag) {
    case "Consume": {
      if (state.plan === "unlimited") {
        return { ...base, kind: "consume", action: command.action, amount: command.cost, balanceDelta: 0, reservedDelta: 0, metadata: metadataWith(command.metadata, { plan: "unlimited" }) }
      }
      if (command.cost > available(state)) return new InsufficientEnergy({ required: command.cost, available: available(state) })
      return { ...base, kind: "consume", action: command.action, amount: command.cost, balanceDelta: -command.cost, reservedDelta: 0, metadata: metadataWith(command.metadata) }
    }
    case "Refund":
      return {
        ...base,
        kind: "refund",
        amount: command.amount,
        balanceDelta: command.amount,
        reservedDelta: 0,
        referenceId: command.referenceId,
        metadata: command.reason === undefined ? {} : { reason: command.reason }
      }
    case "Purchase":
      return { ...base, kind: "purchase", amount: command.amount, balanceDelta: command.amount, reservedDelta: 0, metadata: metadataWith(command.metadata) }
    case "Credit":
      return { ...base, kind: "credit", amount: command.amount, balanceDelta: command.amount, reservedDelta: 0, metadata: { reason: command.reason } }
    case "Reserve": {
      const expiresAtMs = nowMs + command.ttlSeconds * 1000
      if (state.plan === "unlimited") {
        return { ...base, kind: "reservation", action: command.action, amount: command.cost, balanceDelta: 0, reservedDelta: 0, expiresAtMs, metadata: metadataWith(command.metadata, { plan: "unlimited" }) }
      }
      if (command.cost > available(state)) return new InsufficientEnergy({ required: command.cost, available: available(state) })
      return { ...base, kind: "reservation", action: command.action, amount: command.cost, balanceDelta: 0, reservedDelta: command.cost, expiresAtMs, metadata: metadataWith(command.metadata) }
    }
    case "Commit": {
      const r = command.reservation
      const charged = command.amount ?? r.amount
      if (charged > r.amount) return new CommitExceedsReservation({ reservationId: r.id, held: r.amount, requested: charged })
      // Taken on the unlimited plan: recorded, never debited.
      const debit = r.held > 0 ? charged : 0
      return { ...base, kind: "commit", amount: charged, balanceDelta: -debit, reservedDelta: -r.held, referenceId: r.id, metadata: {} }
    }
    case "Release":
      return { ...base, kind: "release", amount: command.reservation.amount, balanceDelta: 0, reservedDelta: -command.reservation.held, referenceId: command.reservation.id, metadata: {} }
  }
}

/** Numbers the drafts from the state's version on, with the balance after each, and the state after all. */
const materialise = (state: AccountState, drafts: ReadonlyArray<Draft>, nowMs: number, extraEvents: number): WritePlan => {
  let balance = state.balance
  let reserved = state.reserved
  let version = state.version
  // Copied only when a row opens or resolves a reservation (most writes touch none).
  let reservations = state.reservations as Map<string, OpenReservation>
  const touched = () => {
    if (reservations === state.reservations) reservations = new Map(state.reservations)
    return reservations
  }
  const rows = drafts.map((draft): PlannedRow => {
    balance += draft.balanceDelta
    reserved += draft.reservedDelta
    version += 1
    const row: PlannedRow = {
      ...draft,
      // `+ 0` turns a -0 (a commit of nothing) into the 0 the database gives back.
      balanceDelta: draft.balanceDelta + 0,
      reservedDelta: draft.reservedDelta + 0,
      transactionId: randomUUID(),
      seq: version,
      balanceAfter: balance,
      reservedAfter: reserved,
      createdAtMs: nowMs
    }
    if (row.kind === "reservation") {
      touched().set(row.transactionId, { id: row.transactionId, amount: row.amount, held: row.reservedDelta, expiresAtMs: row.expiresAtMs! })
    } else if ((row.kind === "commit" || row.kind === "release") && row.referenceId !== null) {
      touched().delete(row.referenceId)
    }
    return row
  })
  return { rows, after: { ...state, balance, reserved, version: version + extraEvents, reservations }, extraEvents }
}

/**
 * A command at `nowMs`: the settle rows, then its own. Settled state is the one the command is
 * judged against (a regeneration that landed counts; an expired hold no longer holds).
 */
export const planCommand = (
  state: AccountState,
  rules: PlanRules,
  command: Command,
  nowMs: number
): WritePlan | InsufficientEnergy | CommitExceedsReservation => {
  const settled = settle(state, rules, nowMs)
  const own = draftOf(settled.state, command, nowMs)
  if (own instanceof InsufficientEnergy || own instanceof CommitExceedsReservation) return own
  return materialise({ ...state, regeneratedAtMs: settled.state.regeneratedAtMs }, [...settled.drafts, own], nowMs, 0)
}

/** A plan change: settles, then switches plan (an event, no transaction) and restarts regeneration. */
export const planPlanChange = (state: AccountState, rules: PlanRules, plan: PlanName, nowMs: number): WritePlan => {
  const settled = settle(state, rules, nowMs)
  const written = materialise({ ...state, regeneratedAtMs: settled.state.regeneratedAtMs }, settled.drafts, nowMs, 1)
  return { ...written, after: { ...written.after, plan, regeneratedAtMs: nowMs } }
}

/** Settling alone (e.g. releasing lapsed holds): nothing when there is nothing to record. */
export const planSettle = (state: AccountState, rules: PlanRules, nowMs: number): WritePlan | undefined => {
  const settled = settle(state, rules, nowMs)
  if (settled.drafts.length === 0) return undefined
  return materialise({ ...state, regeneratedAtMs: settled.state.regeneratedAtMs }, settled.drafts, nowMs, 0)
}

/** A new account on `plan`: the state right after its opening event, and the opening credit (if any). */
export const planOpening = (userId: string, plan: PlanName, rules: PlanRules, nowMs: number): { readonly opened: AccountState; readonly write: WritePlan } => {
  const opened: AccountState = { userId, plan, balance: 0, reserved: 0, regeneratedAtMs: nowMs, version: 1, reservations: new Map() }
  const drafts: ReadonlyArray<Draft> = rules.openingBalance === 0 ? [] : [{
    kind: "credit",
    amount: rules.openingBalance,
    balanceDelta: rules.openingBalance,
    reservedDelta: 0,
    action: null,
    idempotencyKey: `${SYSTEM_KEY_PREFIX}opening`,
    fingerprint: fingerprintOf("opening", { plan }),
    referenceId: null,
    expiresAtMs: null,
    metadata: { reason: "opening balance" }
  }]
  return { opened, write: materialise(opened, drafts, nowMs, 0) }
}
