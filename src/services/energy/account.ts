/**
 * `EnergyAccount`: one @effect/cluster entity per user (the entity id is the user id). It
 * serialises that user's commands and keeps the account in memory between them; the messages are
 * volatile (not stored by the cluster): every write is idempotent in its own database transaction,
 * so a caller that lost an answer retries with the same key.
 */
import { Entity } from "@effect/cluster"
import { Rpc } from "@effect/rpc"
import { Schema } from "effect"
import { ServiceUnavailable } from "../common/errors.js"
import {
  Balance,
  ChangePlanRequest,
  Charge,
  CheckResult,
  CommitExceedsReservation,
  CommitRequest,
  ConsumeRequest,
  CreditRequest,
  IdempotencyKeyReused,
  InsufficientEnergy,
  NotRefundable,
  OpenAccountRequest,
  OpenAccountResult,
  PurchaseRequest,
  RefundRequest,
  ReleaseRequest,
  ReservationExpired,
  ReservationNotFound,
  ReservationResolved,
  ReserveRequest,
  TransactionId,
  TransactionNotFound,
  UnknownAction,
  UserNotFound,
  WriteResult
} from "./schema.js"

/** Who asked, carried into the events' metadata (the entity runs outside the request's fiber). */
export const Caller = Schema.Struct({
  actor: Schema.String,
  requestId: Schema.optional(Schema.String)
})
export type Caller = typeof Caller.Type

const withCaller = <S extends Schema.Schema.Any>(request: S) => Schema.Struct({ request, caller: Caller })

const WriteErrors = [UserNotFound, IdempotencyKeyReused, ServiceUnavailable] as const

export const EnergyAccount = Entity.make("EnergyAccount", [
  Rpc.make("Open", { payload: withCaller(OpenAccountRequest), success: OpenAccountResult, error: ServiceUnavailable }),
  Rpc.make("Balance", { success: Balance, error: Schema.Union(UserNotFound, ServiceUnavailable) }),
  Rpc.make("Check", { payload: Charge, success: CheckResult, error: Schema.Union(UserNotFound, UnknownAction, ServiceUnavailable) }),
  Rpc.make("Consume", {
    payload: withCaller(ConsumeRequest),
    success: WriteResult,
    error: Schema.Union(...WriteErrors, UnknownAction, InsufficientEnergy)
  }),
  Rpc.make("Refund", {
    payload: withCaller(RefundRequest),
    success: WriteResult,
    error: Schema.Union(...WriteErrors, TransactionNotFound, NotRefundable)
  }),
  Rpc.make("Purchase", { payload: withCaller(PurchaseRequest), success: WriteResult, error: Schema.Union(...WriteErrors) }),
  Rpc.make("Credit", { payload: withCaller(CreditRequest), success: WriteResult, error: Schema.Union(...WriteErrors) }),
  Rpc.make("Reserve", {
    payload: withCaller(ReserveRequest),
    success: WriteResult,
    error: Schema.Union(...WriteErrors, UnknownAction, InsufficientEnergy)
  }),
  Rpc.make("Commit", {
    payload: withCaller(Schema.extend(CommitRequest, Schema.Struct({ reservationId: TransactionId }))),
    success: WriteResult,
    error: Schema.Union(...WriteErrors, ReservationNotFound, ReservationExpired, ReservationResolved, CommitExceedsReservation)
  }),
  Rpc.make("Release", {
    payload: withCaller(Schema.extend(ReleaseRequest, Schema.Struct({ reservationId: TransactionId }))),
    success: WriteResult,
    error: Schema.Union(...WriteErrors, ReservationNotFound, ReservationExpired, ReservationResolved)
  }),
  /** Records what time alone changed (lapsed reservations, regeneration); answers the rows written. */
  /** Erasure: drop what the actor holds; its next command reads the database again. */
  Rpc.make("Forget", { success: Schema.Void }),
  Rpc.make("Settle", { success: Schema.Int, error: Schema.Union(UserNotFound, ServiceUnavailable) }),
  Rpc.make("ChangePlan", { payload: withCaller(ChangePlanRequest), success: Balance, error: Schema.Union(UserNotFound, ServiceUnavailable) })
])
