/**
 * The energy ledger over HTTP: the catalogue, accounts, charges, reservations and reads
 * (`/energy`), and the rules and plans admins edit (`/admin/energy`). Handlers are in
 * energy-handlers.ts; the RPC twin is rpc/energy.ts.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
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
import { UserId } from "../services/guardian/schema.js"
import { Authentication } from "./authentication.js"
import { envelope } from "./envelope.js"
import { RateLimited } from "../services/rate-limit/schema.js"

export const UserPath = Schema.Struct({ userId: UserId })
export const ReservationPath = Schema.Struct({ userId: UserId, reservationId: TransactionId })
export const ActionPath = Schema.Struct({ action: ActionName })
export const PlanPath = Schema.Struct({ plan: PlanName })

const unavailable = envelope(ServiceUnavailable)
const rateLimited = envelope(RateLimited)
/** Said of the generation actions' charges, which API_CV_GENERATION limits. */
const GENERATION_LIMIT =
  "`cv_generation` and `cover_letter_generation` are limited per user (API_CV_GENERATION, default 10 per hour, " +
  "fixed window): 429 RateLimited beyond it; a replayed idempotency key is not counted again."
const userNotFound = envelope(UserNotFound)
const keyReused = envelope(IdempotencyKeyReused)
const unknownAction = envelope(UnknownAction)
const insufficient = envelope(InsufficientEnergy)
const reservationNotFound = envelope(ReservationNotFound)
const reservationExpired = envelope(ReservationExpired)
const reservationResolved = envelope(ReservationResolved)

/**
 * A write about one user (its path is set by the caller): its body, the WriteResult, and the errors
 * every write shares (no account, a reused key, a dependency down).
 */
const userWrite = <const Name extends string, PayloadS extends Schema.Schema.Any>(
  name: Name,
  route: `/energy/:userId/${string}`,
  payload: PayloadS
) =>
  HttpApiEndpoint.post(name, route)
    .setPayload(payload)
    .addSuccess(WriteResult)
    .addError(userNotFound)
    .addError(keyReused)
    .addError(unavailable)

const IDEMPOTENT =
  "Answers 200 with the transaction and the balance right after it. Idempotent by `idempotencyKey` (per user): " +
  "the same key with the same request answers the original result with `replayed: true` and charges nothing " +
  "again; the same key with a different request answers 409 IdempotencyKeyReused."
const NO_ACCOUNT = "404 UserNotFound when the user has no account."
const SERVICE_ONLY = "Service keys only (`energy:write`); a user token is refused."
const USER_OR_SERVICE = "A user token reaches its own user only; keys need the scope."

export class EnergyApi extends HttpApiGroup.make("energy")
  .add(
    HttpApiEndpoint.get("actions", "/energy/actions")
      .addSuccess(ActionCatalogue)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.authenticated)
      .annotate(OpenApi.Summary, "Action catalogue")
      .annotate(OpenApi.Description, "What each action costs, cheapest first. Any API key or user token.")
  )
  .add(
    HttpApiEndpoint.get("plans", "/energy/plans")
      .addSuccess(PlanCatalogue)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.authenticated)
      .annotate(OpenApi.Summary, "Plans")
      .annotate(
        OpenApi.Description,
        "Each plan's opening balance, cap and regeneration (the free plan regains energy up to its cap; unlimited " +
          "is never refused). Any API key or user token."
      )
  )
  .add(
    HttpApiEndpoint.get("leaderboard", "/energy/leaderboard")
      .setUrlParams(LeaderboardQuery)
      .addSuccess(Leaderboard)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.service("energy:read"))
      .annotate(OpenApi.Summary, "Leaderboard")
      .annotate(
        OpenApi.Description,
        "The users who consumed the most energy over `period` (default `week`), net of refunds, most first, at most " +
          "`limit` of them (default 10). Keys with `energy:read` only."
      )
  )
  .add(
    HttpApiEndpoint.post("open", "/energy/:userId/account")
      .setPath(UserPath)
      .setPayload(OpenAccountRequest)
      .addSuccess(OpenAccountResult)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.service("energy:write"))
      .annotate(OpenApi.Summary, "Open an account")
      .annotate(
        OpenApi.Description,
        "Opens the user's account on `plan` (default `free`, which starts at its opening balance). Idempotent: if " +
          `the account exists it is answered as is, with \`opened: false\`, its plan unchanged. ${SERVICE_ONLY}`
      )
  )
  .add(
    HttpApiEndpoint.get("balance", "/energy/:userId/balance")
      .setPath(UserPath)
      .addSuccess(Balance)
      .addError(userNotFound)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("energy:read"))
      .annotate(OpenApi.Summary, "Balance")
      .annotate(
        OpenApi.Description,
        "The user's balance, what is held by open reservations, what is available now, and when the next " +
          `regeneration lands. ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .add(
    HttpApiEndpoint.post("check", "/energy/:userId/check")
      .setPath(UserPath)
      .setPayload(Charge)
      .addSuccess(CheckResult)
      .addError(userNotFound)
      .addError(unknownAction)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("energy:read"))
      .annotate(OpenApi.Summary, "Check a charge")
      .annotate(
        OpenApi.Description,
        "Whether the user could pay for an `action` of the catalogue or a plain `amount` now, and the shortfall if " +
          `not. Charges nothing. 400 UnknownAction for an action not in the catalogue. ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .add(
    userWrite("consume", "/energy/:userId/consume", ConsumeRequest)
      .setPath(UserPath)
      .addError(unknownAction)
      .addError(insufficient)
      .addError(rateLimited)
      .annotate(AccessAnnotation, Access.user("energy:write"))
      .annotate(OpenApi.Summary, "Consume energy for an action")
      .annotate(
        OpenApi.Description,
        "Charges the action's cost from the available energy (an unlimited plan is charged 0 and never refused). " +
          `402 InsufficientEnergy, with \`required\` and \`available\`, when the available energy does not cover it; ` +
          `400 UnknownAction for an action not in the catalogue. ${GENERATION_LIMIT} ${IDEMPOTENT} ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .add(
    userWrite("refund", "/energy/:userId/refund", RefundRequest)
      .setPath(UserPath)
      .addError(envelope(TransactionNotFound))
      .addError(envelope(NotRefundable))
      .annotate(AccessAnnotation, Access.service("energy:write"))
      .annotate(OpenApi.Summary, "Refund a charge")
      .annotate(
        OpenApi.Description,
        "Returns `amount` (default: all that remains refundable) of a consume or commit. 404 TransactionNotFound " +
          "when the user has no such transaction; 409 NotRefundable when the amount exceeds what remains refundable " +
          `or the transaction is not a charge. ${IDEMPOTENT} ${NO_ACCOUNT} ${SERVICE_ONLY}`
      )
  )
  .add(
    userWrite("purchase", "/energy/:userId/purchase", PurchaseRequest)
      .setPath(UserPath)
      .annotate(AccessAnnotation, Access.service("energy:write"))
      .annotate(OpenApi.Summary, "Record a purchase")
      .annotate(
        OpenApi.Description,
        "Adds purchased energy (not capped). The `paymentReference` is the idempotency key: the same payment " +
          "recorded twice answers the original result with `replayed: true`; the same reference with another amount " +
          `answers 409 IdempotencyKeyReused. Answers 200. ${NO_ACCOUNT} ${SERVICE_ONLY}`
      )
  )
  .add(
    userWrite("credit", "/energy/:userId/credit", CreditRequest)
      .setPath(UserPath)
      .annotate(AccessAnnotation, Access.service("energy:write"))
      .annotate(OpenApi.Summary, "Credit energy")
      .annotate(
        OpenApi.Description,
        `Grants energy for a stated \`reason\` (a gesture, a correction; not capped). ${IDEMPOTENT} ${NO_ACCOUNT} ${SERVICE_ONLY}`
      )
  )
  .add(
    userWrite("reserve", "/energy/:userId/reservations", ReserveRequest)
      .setPath(UserPath)
      .addError(unknownAction)
      .addError(insufficient)
      .addError(rateLimited)
      .annotate(AccessAnnotation, Access.user("energy:write"))
      .annotate(OpenApi.Summary, "Reserve energy")
      .annotate(
        OpenApi.Description,
        "Holds the cost of an `action` or a plain `amount` for `ttlSeconds` (default 900): held energy is not " +
          "available, and not spent until committed. The reservation's id is `transaction.transactionId`; commit or " +
          "release it, or it lapses and its energy returns. 402 InsufficientEnergy when the available energy does not " +
          `cover it. ${GENERATION_LIMIT} ${IDEMPOTENT} ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .add(
    userWrite("commit", "/energy/:userId/reservations/:reservationId/commit", CommitRequest)
      .setPath(ReservationPath)
      .addError(reservationNotFound)
      .addError(reservationResolved)
      .addError(envelope(CommitExceedsReservation))
      .addError(reservationExpired)
      .annotate(AccessAnnotation, Access.user("energy:write"))
      .annotate(OpenApi.Summary, "Commit a reservation")
      .annotate(
        OpenApi.Description,
        "Charges `amount` of the held energy (default: all of it) and releases the rest. A reservation resolves " +
          "once: 409 ReservationResolved if it was already committed or released (under another key), 409 " +
          "CommitExceedsReservation for more than is held, 410 ReservationExpired once it lapsed, 404 " +
          `ReservationNotFound for no such reservation. ${IDEMPOTENT} ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .add(
    userWrite("release", "/energy/:userId/reservations/:reservationId/release", ReleaseRequest)
      .setPath(ReservationPath)
      .addError(reservationNotFound)
      .addError(reservationResolved)
      .addError(reservationExpired)
      .annotate(AccessAnnotation, Access.user("energy:write"))
      .annotate(OpenApi.Summary, "Release a reservation")
      .annotate(
        OpenApi.Description,
        "Returns all the held energy, charging nothing. 409 ReservationResolved if it was already committed or " +
          `released (under another key), 410 ReservationExpired once it lapsed, 404 ReservationNotFound for no such ` +
          `reservation. ${IDEMPOTENT} ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .add(
    HttpApiEndpoint.get("transactions", "/energy/:userId/transactions")
      .setPath(UserPath)
      .setUrlParams(TransactionsQuery)
      .addSuccess(TransactionsPage)
      .addError(userNotFound)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("energy:read"))
      .annotate(OpenApi.Summary, "Transactions")
      .annotate(
        OpenApi.Description,
        "The user's transactions, newest first, `limit` per page (default 20, at most 100), optionally of one " +
          "`kind`. Pass `nextCursor` back as `cursor` for the next (older) page; it is null on the last page, and " +
          `stable while writes happen. ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .add(
    HttpApiEndpoint.get("stats", "/energy/:userId/stats")
      .setPath(UserPath)
      .setUrlParams(StatsQuery)
      .addSuccess(UserStats)
      .addError(userNotFound)
      .addError(envelope(ConsentRequired))
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("energy:read"))
      .annotate(OpenApi.Summary, "Usage statistics")
      .annotate(
        OpenApi.Description,
        "Energy consumed (net of refunds), refunded, purchased, credited and regenerated over `period` (default " +
          "`month`), and consumption by action. Behavioural data: 403 ConsentRequired unless the user's `behavioral` " +
          `consent is granted (checked on every call; none with GDPR_ENABLED=false). ${NO_ACCOUNT} ${USER_OR_SERVICE}`
      )
  )
  .middleware(Authentication)
  .annotate(OpenApi.Title, "Energy")
  .annotate(
    OpenApi.Description,
    "The energy ledger: what actions cost, each user's balance, charges, refunds, purchases, credits, reservations, " +
      "history and statistics. Every write is idempotent by its key."
  )
{}

export class EnergyAdminApi extends HttpApiGroup.make("energy-admin")
  .add(
    HttpApiEndpoint.put("setActionCost", "/actions/:action")
      .setPath(ActionPath)
      .setPayload(SetActionCostRequest)
      .addSuccess(ActionCost)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Set an action's cost")
      .annotate(
        OpenApi.Description,
        "Adds the action to the catalogue or changes its cost (and description). Seen at once by this instance, " +
          "within 10 seconds by the others; charges already made keep their cost."
      )
  )
  .add(
    HttpApiEndpoint.put("setPlanRules", "/plans/:plan")
      .setPath(PlanPath)
      .setPayload(SetPlanRulesRequest)
      .addSuccess(PlanRules)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Change a plan's rules")
      .annotate(
        OpenApi.Description,
        "Changes the fields given and keeps the others. Cap and regeneration apply to the free plan only. Seen at " +
          "once by this instance, within 10 seconds by the others."
      )
  )
  .add(
    HttpApiEndpoint.put("changePlan", "/users/:userId/plan")
      .setPath(UserPath)
      .setPayload(ChangePlanRequest)
      .addSuccess(Balance)
      .addError(userNotFound)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Change a user's plan")
      .annotate(OpenApi.Description, `Moves the user to \`plan\` and answers the new balance. ${NO_ACCOUNT}`)
  )
  .middleware(Authentication)
  .annotate(AccessAnnotation, Access.admin)
  .prefix("/admin/energy")
  .annotate(OpenApi.Title, "Energy rules")
  .annotate(OpenApi.Description, "The action catalogue, the plans and users' plans. Admin only.")
{}
