/**
 * The energy ledger (SPEC concern 1), as both doors reach it. Writes and the balance go to the
 * user's `EnergyAccount` actor; derived reads (transactions, stats, leaderboard) come from the
 * database. `actor` names who asked (`key:<id>`, `user:<id>`) in the events' metadata.
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { ConsentRequired } from "../gdpr/consent/schema.js"
import type { UserId } from "../guardian/schema.js"
import type { RateLimited } from "../rate-limit/schema.js"
import type {
  ActionCatalogue,
  ActionCost,
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
  NotRefundable,
  OpenAccountResult,
  Period,
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
  SetPlanRulesRequest,
  TransactionsPage,
  TransactionsQuery,
  TransactionId,
  TransactionNotFound,
  UnknownAction,
  UserNotFound,
  UserStats,
  WriteResult
} from "./schema.js"

type WriteError = UserNotFound | IdempotencyKeyReused | ServiceUnavailable
type Write<Request, E = never> = (userId: UserId, request: Request, actor: string) => Effect.Effect<WriteResult, WriteError | E>
type ReservationError = ReservationNotFound | ReservationExpired | ReservationResolved

export class Energy extends Context.Tag("luna/Energy")<Energy, {
  readonly actions: Effect.Effect<ActionCatalogue, ServiceUnavailable>
  readonly setActionCost: (action: string, cost: number, description: string | undefined) => Effect.Effect<ActionCost, ServiceUnavailable>
  readonly plans: Effect.Effect<PlanCatalogue, ServiceUnavailable>
  readonly setPlanRules: (plan: PlanName, change: SetPlanRulesRequest) => Effect.Effect<PlanRules, ServiceUnavailable>

  readonly open: (userId: UserId, plan: PlanName, actor: string) => Effect.Effect<OpenAccountResult, ServiceUnavailable>
  readonly balance: (userId: UserId) => Effect.Effect<Balance, UserNotFound | ServiceUnavailable>
  readonly check: (userId: UserId, charge: Charge) => Effect.Effect<CheckResult, UserNotFound | UnknownAction | ServiceUnavailable>
  /** `cv_generation` and `cover_letter_generation` also spend the user's API_CV_GENERATION allowance (a replay does not). */
  readonly consume: Write<ConsumeRequest, UnknownAction | InsufficientEnergy | RateLimited>
  readonly refund: Write<RefundRequest, TransactionNotFound | NotRefundable>
  readonly purchase: Write<PurchaseRequest>
  readonly credit: Write<CreditRequest>
  readonly reserve: Write<ReserveRequest, UnknownAction | InsufficientEnergy | RateLimited>
  readonly commit: Write<CommitRequest & { readonly reservationId: TransactionId }, ReservationError | CommitExceedsReservation>
  readonly release: Write<ReleaseRequest & { readonly reservationId: TransactionId }, ReservationError>
  readonly changePlan: (userId: UserId, request: ChangePlanRequest, actor: string) => Effect.Effect<Balance, UserNotFound | ServiceUnavailable>

  readonly transactions: (userId: UserId, query: TransactionsQuery) => Effect.Effect<TransactionsPage, UserNotFound | ServiceUnavailable>
  /** Needs the user's `behavioral` consent (ConsentRequired otherwise; no check with GDPR_ENABLED=false). */
  readonly stats: (userId: UserId, period: Period) => Effect.Effect<UserStats, UserNotFound | ConsentRequired | ServiceUnavailable>
  readonly leaderboard: (period: Period, limit?: number) => Effect.Effect<Leaderboard, ServiceUnavailable>

  /**
   * Erasure, once the user's rows are gone: their actor drops its memory, and every cached read that
   * names them (their own, the leaderboards) leaves every instance and Redis.
   */
  readonly forget: (userId: string) => Effect.Effect<{ readonly cacheEntries: number }, ServiceUnavailable>
}>() {}
