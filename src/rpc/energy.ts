/**
 * The energy ledger over RPC: the same operations, schemas, errors and policies as the HTTP energy
 * groups. What HTTP carries in the path (`userId`, `reservationId`, `action`, `plan`) is a payload
 * field here, beside the request's own. One group per access policy, merged into `EnergyRpcs`.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { ConsentRequired } from "../services/gdpr/consent/schema.js"
import {
  ActionCatalogue,
  ActionCost,
  ActionName,
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
  Leaderboard,
  LeaderboardQuery,
  NotRefundable,
  OpenAccountRequest,
  OpenAccountResult,
  PlanCatalogue,
  PlanName,
  PlanRules,
  PurchaseRequest,
  RefundRequest,
  ReleaseRequest,
  ReservationExpired,
  ReservationNotFound,
  ReservationResolved,
  ReserveRequest,
  SetActionCostRequest,
  SetPlanRulesRequest,
  StatsQuery,
  TransactionId,
  TransactionNotFound,
  TransactionsPage,
  TransactionsQuery,
  UnknownAction,
  UserNotFound,
  UserStats,
  WriteResult
} from "../services/energy/schema.js"
import { RateLimited } from "../services/rate-limit/schema.js"
import { UserId } from "../services/guardian/schema.js"
import { RpcAuthentication } from "./authentication.js"

const ForUser = Schema.Struct({ userId: UserId })

// Structs are spread (not `Schema.extend`ed) so the client's payload constructor keeps their defaults.
export const OpenAccountPayload = Schema.Struct({ userId: UserId, ...OpenAccountRequest.fields })
export const CheckPayload = Schema.extend(Charge, ForUser)
export const ConsumePayload = Schema.Struct({ userId: UserId, ...ConsumeRequest.fields })
export const RefundPayload = Schema.Struct({ userId: UserId, ...RefundRequest.fields })
export const PurchasePayload = Schema.Struct({ userId: UserId, ...PurchaseRequest.fields })
export const CreditPayload = Schema.Struct({ userId: UserId, ...CreditRequest.fields })
/** A union (no constructor); `ttlSeconds` may be left out on both doors (the service applies its default). */
export const ReservePayload = Schema.extend(ReserveRequest, ForUser)
export const CommitPayload = Schema.Struct({ userId: UserId, reservationId: TransactionId, ...CommitRequest.fields })
export const ReleasePayload = Schema.Struct({ userId: UserId, reservationId: TransactionId, ...ReleaseRequest.fields })
export const TransactionsPayload = Schema.Struct({ userId: UserId, ...TransactionsQuery.fields })
export const StatsPayload = Schema.Struct({ userId: UserId, ...StatsQuery.fields })
export const SetActionCostPayload = Schema.Struct({ action: ActionName, ...SetActionCostRequest.fields })
export const SetPlanRulesPayload = Schema.Struct({ plan: PlanName, ...SetPlanRulesRequest.fields })
export const ChangePlanPayload = Schema.Struct({ userId: UserId, ...ChangePlanRequest.fields })

const WriteErrors = [UserNotFound, IdempotencyKeyReused, ServiceUnavailable] as const
const ReservationErrors = [ReservationNotFound, ReservationExpired, ReservationResolved] as const

/** Shared reference data: any key or user token. */
export class EnergyCatalogueRpcs extends RpcGroup.make(
  Rpc.make("Actions", { success: ActionCatalogue, error: ServiceUnavailable }),
  Rpc.make("Plans", { success: PlanCatalogue, error: ServiceUnavailable })
)
  .prefix("Energy.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.authenticated) {}

export class EnergyServiceReadRpcs extends RpcGroup.make(
  Rpc.make("Leaderboard", { payload: LeaderboardQuery, success: Leaderboard, error: ServiceUnavailable })
)
  .prefix("Energy.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.service("energy:read")) {}

/** Writes only services make: opening accounts, refunds, purchases, credits. */
export class EnergyServiceWriteRpcs extends RpcGroup.make(
  Rpc.make("Open", { payload: OpenAccountPayload, success: OpenAccountResult, error: ServiceUnavailable }),
  Rpc.make("Refund", { payload: RefundPayload, success: WriteResult, error: Schema.Union(...WriteErrors, TransactionNotFound, NotRefundable) }),
  Rpc.make("Purchase", { payload: PurchasePayload, success: WriteResult, error: Schema.Union(...WriteErrors) }),
  Rpc.make("Credit", { payload: CreditPayload, success: WriteResult, error: Schema.Union(...WriteErrors) })
)
  .prefix("Energy.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.service("energy:write")) {}

/** A user's own reads: their token (for their `userId` only) or a key with `energy:read`. */
export class EnergyUserReadRpcs extends RpcGroup.make(
  Rpc.make("Balance", { payload: ForUser, success: Balance, error: Schema.Union(UserNotFound, ServiceUnavailable) }),
  Rpc.make("Check", { payload: CheckPayload, success: CheckResult, error: Schema.Union(UserNotFound, UnknownAction, ServiceUnavailable) }),
  Rpc.make("Transactions", { payload: TransactionsPayload, success: TransactionsPage, error: Schema.Union(UserNotFound, ServiceUnavailable) }),
  Rpc.make("Stats", { payload: StatsPayload, success: UserStats, error: Schema.Union(UserNotFound, ConsentRequired, ServiceUnavailable) })
)
  .prefix("Energy.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.user("energy:read")) {}

/** A user's own spending: their token (for their `userId` only) or a key with `energy:write`. */
export class EnergyUserWriteRpcs extends RpcGroup.make(
  Rpc.make("Consume", { payload: ConsumePayload, success: WriteResult, error: Schema.Union(...WriteErrors, UnknownAction, InsufficientEnergy, RateLimited) }),
  Rpc.make("Reserve", { payload: ReservePayload, success: WriteResult, error: Schema.Union(...WriteErrors, UnknownAction, InsufficientEnergy, RateLimited) }),
  Rpc.make("Commit", { payload: CommitPayload, success: WriteResult, error: Schema.Union(...WriteErrors, ...ReservationErrors, CommitExceedsReservation) }),
  Rpc.make("Release", { payload: ReleasePayload, success: WriteResult, error: Schema.Union(...WriteErrors, ...ReservationErrors) })
)
  .prefix("Energy.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.user("energy:write")) {}

export class EnergyAdminRpcs extends RpcGroup.make(
  Rpc.make("SetActionCost", { payload: SetActionCostPayload, success: ActionCost, error: ServiceUnavailable }),
  Rpc.make("SetPlanRules", { payload: SetPlanRulesPayload, success: PlanRules, error: ServiceUnavailable }),
  Rpc.make("ChangePlan", { payload: ChangePlanPayload, success: Balance, error: Schema.Union(UserNotFound, ServiceUnavailable) })
)
  .prefix("Energy.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.admin) {}

export const EnergyRpcs = EnergyCatalogueRpcs.merge(
  EnergyServiceReadRpcs,
  EnergyServiceWriteRpcs,
  EnergyUserReadRpcs,
  EnergyUserWriteRpcs,
  EnergyAdminRpcs
)
