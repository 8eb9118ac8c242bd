/**
 * The energy ledger's contract, shared by the service, its account actors, the HTTP and RPC doors
 * and clients. Amounts are whole units of energy.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { FreeText, UserId } from "../guardian/schema.js"

export const ActionName = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{0,63}$/, { message: () => "an action name (lowercase letters, digits and _, e.g. cv_generation)" })
).annotations({ examples: ["cv_generation"] })

export const PlanName = Schema.Literal("free", "pack", "unlimited")
export type PlanName = typeof PlanName.Type

export const MAX_AMOUNT = 1_000_000
export const Amount = Schema.Int.pipe(Schema.between(1, MAX_AMOUNT)).annotations({
  description: `Whole units of energy, 1 to ${MAX_AMOUNT}`
})

/** Keys the Hub writes itself start with this; clients' keys may not. */
export const SYSTEM_KEY_PREFIX = "system:"

export const IdempotencyKey = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/, {
    message: () => "an idempotency key: 1 to 200 letters, digits, . _ : @ or -, starting with a letter or digit"
  }),
  Schema.filter((key) => !key.startsWith(SYSTEM_KEY_PREFIX) || `keys starting with "${SYSTEM_KEY_PREFIX}" are the Hub's own`)
).annotations({
  description: "Chosen by the client, unique per user and per write: retrying with the same key and the same request returns the original answer; the same key with another request is refused (409).",
  examples: ["order-8c1e-consume-1"]
})

/** Free-form facts a client attaches to a write (shown in transactions and events, not compared on replay). */
export const TransactionMetadata = Schema.Record({
  key: Schema.String.pipe(Schema.pattern(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/)),
  value: Schema.Union(Schema.String.pipe(Schema.maxLength(500)), Schema.Number, Schema.Boolean)
}).pipe(Schema.filter((record) => Object.keys(record).length <= 20 || "at most 20 metadata entries"))
export type TransactionMetadata = typeof TransactionMetadata.Type

export const TransactionKind = Schema.Literal(
  "consume",
  "refund",
  "purchase",
  "credit",
  "regeneration",
  "reservation",
  "commit",
  "release"
)
export type TransactionKind = typeof TransactionKind.Type

export const TransactionId = Schema.UUID
export type TransactionId = typeof TransactionId.Type

// ---------------------------------------------------------------------------------------------
// Rules

export const ActionCost = Schema.Struct({
  action: ActionName,
  cost: Amount,
  description: Schema.String
}).annotations({ identifier: "ActionCost" })
export type ActionCost = typeof ActionCost.Type

export const ActionCatalogue = Schema.Struct({ actions: Schema.Array(ActionCost) }).annotations({ identifier: "ActionCatalogue" })
export type ActionCatalogue = typeof ActionCatalogue.Type

export const SetActionCostRequest = Schema.Struct({
  cost: Amount,
  description: Schema.optional(FreeText({ maxLength: 200 }))
})

export const PlanRules = Schema.Struct({
  plan: PlanName,
  /** Granted when an account opens on this plan. */
  openingBalance: Schema.Int.pipe(Schema.between(0, MAX_AMOUNT)),
  /** Free plan: regeneration stops at this balance (purchases and credits are not capped). */
  cap: Schema.NullOr(Amount),
  /** Free plan: energy regained per interval, up to the cap. */
  regenerationAmount: Schema.Int.pipe(Schema.between(0, MAX_AMOUNT)),
  regenerationIntervalSeconds: Schema.Int.pipe(Schema.between(1, 31_536_000))
}).annotations({ identifier: "PlanRules" })
export type PlanRules = typeof PlanRules.Type

export const PlanCatalogue = Schema.Struct({ plans: Schema.Array(PlanRules) }).annotations({ identifier: "PlanCatalogue" })
export type PlanCatalogue = typeof PlanCatalogue.Type

export const SetPlanRulesRequest = Schema.Struct({
  openingBalance: Schema.optional(Schema.Int.pipe(Schema.between(0, MAX_AMOUNT))),
  cap: Schema.optional(Amount),
  regenerationAmount: Schema.optional(Schema.Int.pipe(Schema.between(0, MAX_AMOUNT))),
  regenerationIntervalSeconds: Schema.optional(Schema.Int.pipe(Schema.between(1, 31_536_000)))
})
export type SetPlanRulesRequest = typeof SetPlanRulesRequest.Type

// ---------------------------------------------------------------------------------------------
// Account state and answers

export const Balance = Schema.Struct({
  userId: UserId,
  plan: PlanName,
  /** All the user's energy, held energy included. */
  balance: Schema.Int,
  /** What the user may spend now: balance minus reserved. */
  available: Schema.Int,
  /** Held by open reservations. */
  reserved: Schema.Int,
  cap: Schema.NullOr(Schema.Int),
  /** Free plan below its cap: when the next regeneration lands; null otherwise. */
  nextRegenerationAt: Schema.NullOr(Schema.DateTimeUtc),
  /** The account's version: the number of events in its stream `energy:<userId>`. */
  version: Schema.Int
}).annotations({ identifier: "EnergyBalance" })
export type Balance = typeof Balance.Type

export const Transaction = Schema.Struct({
  transactionId: TransactionId,
  userId: UserId,
  /** The account's version after this transaction: a user's transactions are numbered 1, 2, … with gaps for other events. */
  seq: Schema.Int,
  kind: TransactionKind,
  /** The request's figure: an action's cost, a refund, a purchase, a hold. */
  amount: Schema.Int,
  /** What it did to the balance (an unlimited plan's consume debits 0). */
  balanceDelta: Schema.Int,
  reservedDelta: Schema.Int,
  balanceAfter: Schema.Int,
  reservedAfter: Schema.Int,
  action: Schema.NullOr(ActionName),
  idempotencyKey: Schema.String,
  /** The consume a refund returns, the reservation a commit or release resolves. */
  referenceId: Schema.NullOr(TransactionId),
  /** Reservations: when the hold lapses by itself. */
  expiresAt: Schema.NullOr(Schema.DateTimeUtc),
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  createdAt: Schema.DateTimeUtc
}).annotations({ identifier: "EnergyTransaction" })
export type Transaction = typeof Transaction.Type

/** Every write's answer: the transaction and the balance right after it; a replay answers the same, with `replayed`. */
export const WriteResult = Schema.Struct({
  transaction: Transaction,
  balance: Schema.Struct({ balance: Schema.Int, reserved: Schema.Int, available: Schema.Int }),
  /** True when this answer is the original one of an earlier request with the same idempotency key. */
  replayed: Schema.Boolean
}).annotations({ identifier: "EnergyWriteResult" })
export type WriteResult = typeof WriteResult.Type

export const OpenAccountRequest = Schema.Struct({
  plan: Schema.optionalWith(PlanName, { default: () => "free" as const })
})

export const OpenAccountResult = Schema.Struct({
  account: Balance,
  /** False when the account already existed (then its plan is unchanged). */
  opened: Schema.Boolean
}).annotations({ identifier: "EnergyAccountOpened" })
export type OpenAccountResult = typeof OpenAccountResult.Type

/** What a check or a reservation is for: an action of the catalogue, or a plain amount. */
export const Charge = Schema.Union(
  Schema.Struct({ action: ActionName }),
  Schema.Struct({ amount: Amount })
).annotations({ identifier: "EnergyCharge" })
export type Charge = typeof Charge.Type

export const CheckResult = Schema.Struct({
  allowed: Schema.Boolean,
  cost: Schema.Int,
  available: Schema.Int,
  /** How much is missing (0 when allowed). */
  shortfall: Schema.Int,
  plan: PlanName
}).annotations({ identifier: "EnergyCheck" })
export type CheckResult = typeof CheckResult.Type

export const ConsumeRequest = Schema.Struct({
  action: ActionName,
  idempotencyKey: IdempotencyKey,
  metadata: Schema.optional(TransactionMetadata)
})
export type ConsumeRequest = typeof ConsumeRequest.Type

export const RefundRequest = Schema.Struct({
  transactionId: TransactionId,
  /** Default: all that remains refundable. */
  amount: Schema.optional(Amount),
  idempotencyKey: IdempotencyKey,
  reason: Schema.optional(FreeText({ maxLength: 200 }))
})
export type RefundRequest = typeof RefundRequest.Type

export const PurchaseRequest = Schema.Struct({
  amount: Amount,
  /** The payment's reference, which is also the purchase's idempotency key. */
  paymentReference: IdempotencyKey,
  metadata: Schema.optional(TransactionMetadata)
})
export type PurchaseRequest = typeof PurchaseRequest.Type

export const CreditRequest = Schema.Struct({
  amount: Amount,
  idempotencyKey: IdempotencyKey,
  reason: FreeText({ minLength: 1, maxLength: 200 })
})
export type CreditRequest = typeof CreditRequest.Type

export const MAX_RESERVATION_SECONDS = 86_400
export const DEFAULT_RESERVATION_SECONDS = 900

export const ReserveRequest = Schema.extend(
  Charge,
  Schema.Struct({
    /** How long the hold lasts if neither committed nor released (default DEFAULT_RESERVATION_SECONDS). */
    ttlSeconds: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_RESERVATION_SECONDS)).annotations({
      description: `Seconds the hold lasts unless committed or released first (default ${DEFAULT_RESERVATION_SECONDS}, at most ${MAX_RESERVATION_SECONDS})`
    })),
    idempotencyKey: IdempotencyKey,
    metadata: Schema.optional(TransactionMetadata)
  })
)
export type ReserveRequest = typeof ReserveRequest.Type

export const CommitRequest = Schema.Struct({
  /** Default: all that is held; less releases the rest. */
  amount: Schema.optional(Schema.Int.pipe(Schema.between(0, MAX_AMOUNT))),
  idempotencyKey: IdempotencyKey
})
export type CommitRequest = typeof CommitRequest.Type

export const ReleaseRequest = Schema.Struct({ idempotencyKey: IdempotencyKey })
export type ReleaseRequest = typeof ReleaseRequest.Type

export const ChangePlanRequest = Schema.Struct({ plan: PlanName })
export type ChangePlanRequest = typeof ChangePlanRequest.Type

// ---------------------------------------------------------------------------------------------
// Reads

export const MAX_PAGE = 100

export const TransactionsQuery = Schema.Struct({
  /** From a previous page's `nextCursor`. */
  cursor: Schema.optional(Schema.String.pipe(Schema.pattern(/^[0-9]{1,18}$/, { message: () => "a cursor from a previous page" }))),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, MAX_PAGE)).annotations({
    description: `Transactions per page, 1 to ${MAX_PAGE} (default 20)`
  })),
  kind: Schema.optional(TransactionKind)
})
export type TransactionsQuery = typeof TransactionsQuery.Type

export const TransactionsPage = Schema.Struct({
  /** Newest first. */
  transactions: Schema.Array(Transaction),
  /** Pass it back as `cursor` for the next (older) page; null at the end. Stable while writes happen. */
  nextCursor: Schema.NullOr(Schema.String)
}).annotations({ identifier: "EnergyTransactionsPage" })
export type TransactionsPage = typeof TransactionsPage.Type

export const Period = Schema.Literal("day", "week", "month", "all")
export type Period = typeof Period.Type

export const StatsQuery = Schema.Struct({ period: Schema.optionalWith(Period, { default: () => "month" as const }) })

export const ActionTotal = Schema.Struct({ action: ActionName, count: Schema.Int, energy: Schema.Int })

export const UserStats = Schema.Struct({
  userId: UserId,
  period: Period,
  /** Start of the period (null for `all`); the period ends now. */
  from: Schema.NullOr(Schema.DateTimeUtc),
  /** Energy charged (consumes and commits, unlimited plans included) minus refunds. */
  consumed: Schema.Int,
  refunded: Schema.Int,
  purchased: Schema.Int,
  credited: Schema.Int,
  regenerated: Schema.Int,
  byAction: Schema.Array(ActionTotal)
}).annotations({ identifier: "EnergyUserStats" })
export type UserStats = typeof UserStats.Type

export const LeaderboardQuery = Schema.Struct({
  period: Schema.optionalWith(Period, { default: () => "week" as const }),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, MAX_PAGE)).annotations({
    description: `Users listed, 1 to ${MAX_PAGE} (default 10)`
  }))
})

export const Leaderboard = Schema.Struct({
  period: Period,
  from: Schema.NullOr(Schema.DateTimeUtc),
  entries: Schema.Array(Schema.Struct({ rank: Schema.Int, userId: UserId, consumed: Schema.Int }))
}).annotations({ identifier: "EnergyLeaderboard" })
export type Leaderboard = typeof Leaderboard.Type

// ---------------------------------------------------------------------------------------------
// Errors

export class InsufficientEnergy extends Schema.TaggedError<InsufficientEnergy>()(
  "InsufficientEnergy",
  { required: Schema.Int, available: Schema.Int },
  HttpApiSchema.annotations({ status: 402, description: "The user's available energy does not cover the charge." })
) {
  override get message(): string {
    return `Insufficient energy: ${this.required} required, ${this.available} available`
  }
}

export class IdempotencyKeyReused extends Schema.TaggedError<IdempotencyKeyReused>()(
  "IdempotencyKeyReused",
  { idempotencyKey: Schema.String, transactionId: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "The idempotency key was used by this user for a different request." })
) {
  override get message(): string {
    return `Idempotency key ${this.idempotencyKey} was already used for another request (transaction ${this.transactionId})`
  }
}

export class UserNotFound extends Schema.TaggedError<UserNotFound>()(
  "UserNotFound",
  { userId: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "The user has no energy account (open one with POST /energy/{userId}/account)." })
) {
  override get message(): string {
    return `User ${this.userId} has no energy account; open one with POST /energy/${this.userId}/account`
  }
}

export class UnknownAction extends Schema.TaggedError<UnknownAction>()(
  "UnknownAction",
  { action: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "The action is not in the catalogue (GET /energy/actions)." })
) {
  override get message(): string {
    return `Unknown action ${this.action}; see GET /energy/actions`
  }
}

export class TransactionNotFound extends Schema.TaggedError<TransactionNotFound>()(
  "TransactionNotFound",
  { transactionId: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "No such transaction for this user." })
) {
  override get message(): string {
    return `Transaction ${this.transactionId} not found for this user`
  }
}

export class NotRefundable extends Schema.TaggedError<NotRefundable>()(
  "NotRefundable",
  { transactionId: Schema.String, refundable: Schema.Int, reason: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "The refund exceeds what remains refundable, or the transaction is not a charge." })
) {
  override get message(): string {
    return `Transaction ${this.transactionId} cannot be refunded: ${this.reason} (${this.refundable} refundable)`
  }
}

export class ReservationNotFound extends Schema.TaggedError<ReservationNotFound>()(
  "ReservationNotFound",
  { reservationId: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "No such reservation for this user." })
) {
  override get message(): string {
    return `Reservation ${this.reservationId} not found for this user`
  }
}

export class ReservationExpired extends Schema.TaggedError<ReservationExpired>()(
  "ReservationExpired",
  { reservationId: Schema.String, expiredAt: Schema.DateTimeUtc },
  HttpApiSchema.annotations({ status: 410, description: "The reservation lapsed and its energy was released." })
) {
  override get message(): string {
    return `Reservation ${this.reservationId} expired; its energy was released`
  }
}

export class ReservationResolved extends Schema.TaggedError<ReservationResolved>()(
  "ReservationResolved",
  { reservationId: Schema.String, resolution: Schema.Literal("commit", "release") },
  HttpApiSchema.annotations({ status: 409, description: "The reservation was already committed or released (each resolves once)." })
) {
  override get message(): string {
    return `Reservation ${this.reservationId} was already resolved (${this.resolution})`
  }
}

export class CommitExceedsReservation extends Schema.TaggedError<CommitExceedsReservation>()(
  "CommitExceedsReservation",
  { reservationId: Schema.String, held: Schema.Int, requested: Schema.Int },
  HttpApiSchema.annotations({ status: 409, description: "A commit may charge at most what the reservation holds." })
) {
  override get message(): string {
    return `Reservation ${this.reservationId} holds ${this.held}; cannot commit ${this.requested}`
  }
}
