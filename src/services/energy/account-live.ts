/**
 * What an `EnergyAccount` actor does. It loads its account on the first message, answers reads
 * from memory, and runs each write as one database transaction (conditional update of the account
 * on the version it holds, the transaction rows, the events), then keeps the state it wrote.
 *
 * Idempotency is checked by the database, off the common path: a write whose key is already
 * stored fails on the unique key and is answered from the stored row; a refused request (not
 * enough energy, a resolved reservation…) looks its key up first, so the retry of a request that
 * succeeded gets its original answer even when the same request would now be refused.
 *
 * If the account moved under it (another runner wrote: the cluster may briefly place one entity
 * twice after a fault), the write is refused by the version check or a constraint; the actor
 * reloads and decides again.
 */
import { Cache } from "../cache/Cache.js"
import { Entity } from "@effect/cluster"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Cause, type Clock, Data, DateTime, Duration, Effect, Exit, Metric } from "effect"
import { ServiceUnavailable } from "../common/errors.js"
import { Database } from "../database/Database.js"
import { EventStore } from "../events/EventStore.js"
import type { NewEvent } from "../events/schema.js"
import { type Caller, EnergyAccount } from "./account.js"
import { LedgerRules, type Rules } from "./catalogue.js"
import { DataKeys } from "../gdpr/data-keys/DataKeys.js"
import { energyStream, openedEvent, planChangedEvent, rowEvents } from "./events.js"
import { balanceView, checkView, costOf, type LocalAccounts, planRulesOf } from "./view.js"
import {
  energyActorActivations,
  energyActorPassivations,
  energyCommandDurationMs,
  energyOperations,
  energyRefusedInsufficient
} from "./metrics.js"
import {
  type AccountState,
  type Command,
  planCommand,
  planOpening,
  planPlanChange,
  planSettle,
  requestFingerprint,
  type WritePlan
} from "./rules.js"
import {
  type Charge,
  CommitExceedsReservation,
  DEFAULT_RESERVATION_SECONDS,
  IdempotencyKeyReused,
  InsufficientEnergy,
  NotRefundable,
  ReservationExpired,
  ReservationNotFound,
  ReservationResolved,
  SYSTEM_KEY_PREFIX,
  TransactionNotFound,
  UnknownAction,
  UserNotFound,
  type WriteResult
} from "./schema.js"
import { tagsMovedBy } from "./cached.js"
import { AccountMoved, KeyTaken, makeLedgerStatements, plannedTransaction, toTransaction, type TransactionRow } from "./store.js"

/** One counter per (operation, outcome), tagged once. */
const operationCounters = new Map<string, Metric.Metric.Counter<number>>()
const operationCounter = (operation: string, outcome: string) => {
  const name = `${operation}/${outcome}`
  let counter = operationCounters.get(name)
  if (counter === undefined) {
    counter = energyOperations({ kind: operation, outcome })
    operationCounters.set(name, counter)
  }
  return counter
}

/** Who the events of a settling (lapsed reservations, regeneration) name. */
const SWEEPER: Caller = { actor: "system:energy" }

/** Writes refused because the account moved are decided again this many times before giving up. */
const MOVED_ATTEMPTS = 6
const MOVED_BACKOFF_MS = 3

type Refusal =
  | InsufficientEnergy
  | UnknownAction
  | TransactionNotFound
  | NotRefundable
  | ReservationNotFound
  | ReservationExpired
  | ReservationResolved
  | CommitExceedsReservation

const isRefusal = (error: unknown): error is Refusal =>
  error instanceof InsufficientEnergy || error instanceof UnknownAction || error instanceof TransactionNotFound ||
  error instanceof NotRefundable || error instanceof ReservationNotFound || error instanceof ReservationExpired ||
  error instanceof ReservationResolved || error instanceof CommitExceedsReservation

const resultOfRow = (transaction: WriteResult["transaction"], replayed: boolean): WriteResult => ({
  transaction,
  balance: {
    balance: transaction.balanceAfter,
    reserved: transaction.reservedAfter,
    available: transaction.balanceAfter - transaction.reservedAfter
  },
  replayed
})

const unavailable = (reason: string) => new ServiceUnavailable({ dependency: "energy", reason, retryAfterSeconds: 1 })

export interface EnergyAccountOptions {
  /** Seconds idle before an actor passivates (CACHE_TTL_USER_ENERGY). */
  readonly maxIdleTime: number
  /**
   * The ledger's time (regeneration, expiry, timestamps): the clock of whoever built the service,
   * not the cluster's fibers', so tests can move it while the actor runtime keeps real time.
   */
  readonly clock: Clock.Clock
  /** Where each actor publishes its committed state for reads in this process. */
  readonly local: LocalAccounts
}

export const EnergyAccountLive = (options: EnergyAccountOptions) =>
  EnergyAccount.toLayer(
    Effect.gen(function* () {
      const userId = (yield* Entity.CurrentAddress).entityId
      const db = yield* Database
      const events = yield* EventStore
      const cache = yield* Cache
      const keys = yield* DataKeys
      const rules = yield* LedgerRules
      const statements = makeLedgerStatements(yield* PgClient.PgClient)
      const stream = energyStream(userId)
      const now = Effect.sync(() => options.clock.unsafeCurrentTimeMillis())
      yield* Metric.increment(energyActorActivations)

      /** undefined: not loaded (or unknown after a failed write); null: the user has no account. */
      let account: AccountState | null | undefined
      /** Holds `state` and publishes it to local readers (only a known account is published). */
      const hold = (state: AccountState | null | undefined) => {
        account = state
        if (state === null || state === undefined) options.local.delete(userId)
        else options.local.set(userId, state)
      }
      yield* Effect.addFinalizer(() =>
        Effect.zipRight(Effect.sync(() => options.local.delete(userId)), Metric.increment(energyActorPassivations))
      )

      const load = Effect.tap(db.guard(statements.loadAccount(userId)), (loaded) => {
        hold(loaded ?? null)
      })
      const current: Effect.Effect<AccountState | undefined, ServiceUnavailable> = Effect.suspend(() =>
        account === undefined ? load : Effect.succeed(account ?? undefined)
      )
      const existing = Effect.flatMap(current, (state) => (state === undefined ? Effect.fail(new UserNotFound({ userId })) : Effect.succeed(state)))

      /**
       * Commits `plan` (from `from`) with its events in one statement (the account, the rows and
       * the events of its stream, whose version is the account's); the actor then holds `plan.after`.
       */
      const commit = (from: AccountState, plan: WritePlan, extraEvents: ReadonlyArray<NewEvent>, caller: Caller, nowMs: number) =>
        Effect.flatMap(rowEvents(keys, userId, plan.rows, caller), (rows) => {
          const written = [...rows, ...extraEvents]
          return events.prepare(written).pipe(
            Effect.catchTag("InvalidEvent", (invalid) => Effect.die(invalid)),
            Effect.flatMap((prepared) => db.guard(statements.write(from.version, plan.after, plan.rows, nowMs, stream, prepared.payload))),
            Effect.tapBoth({
              // After an outage the write may or may not have committed: the next command reloads.
              onFailure: () => Effect.sync(() => hold(undefined)),
              onSuccess: () =>
                Effect.zipRight(
                  Effect.sync(() => hold(plan.after)),
                  // Derived reads (transactions, stats, leaderboard) drop before the caller hears back.
                  Effect.zipRight(events.appended(written), cache.invalidateTags(tagsMovedBy(userId, plan.rows)))
                )
            })
          )
        })

      /** The stored answer for `key`, if it was used: the original result, or 409 for another request. */
      const replayOf = (key: string, fingerprint: string): Effect.Effect<WriteResult | undefined, IdempotencyKeyReused | ServiceUnavailable> =>
        Effect.flatMap(db.guard(statements.byKey(userId, key)), (row) => {
          if (row === undefined) return Effect.succeed(undefined)
          if (row.fingerprint !== fingerprint) {
            return Effect.fail(new IdempotencyKeyReused({ idempotencyKey: key, transactionId: row.transaction_id }))
          }
          return Effect.succeed(resultOfRow(toTransaction(row), true))
        })

      /**
       * A write that owns no idempotency key (settling, a plan change), decided again while the
       * account moves under it (`commit` has already dropped the stale state).
       */
      const decidedAgain = <A, E>(what: string, attempt: Effect.Effect<A, E | AccountMoved | KeyTaken>) => {
        const loop = (left: number): Effect.Effect<A, Exclude<E, AccountMoved | KeyTaken> | ServiceUnavailable> =>
          Effect.catchIf(
            attempt,
            (error): error is AccountMoved | KeyTaken => error instanceof AccountMoved || error instanceof KeyTaken,
            () => (left > 1 ? loop(left - 1) : Effect.fail(unavailable(`${what} kept conflicting`)))
          ) as Effect.Effect<A, Exclude<E, AccountMoved | KeyTaken> | ServiceUnavailable>
        return loop(MOVED_ATTEMPTS)
      }

      /**
       * One write: decide against the current state, commit, answer with the command's row. A
       * refusal or a taken key is answered from the key's stored row when there is one.
       */
      const write = <E>(
        operation: string,
        key: string,
        fingerprint: string,
        caller: Caller,
        decide: (state: AccountState, all: Rules, nowMs: number) => Effect.Effect<WritePlan, E | AccountMoved | ServiceUnavailable>
      ): Effect.Effect<WriteResult, Exclude<E, AccountMoved> | UserNotFound | IdempotencyKeyReused | ServiceUnavailable> => {
        type Failure = Exclude<E, AccountMoved> | UserNotFound | IdempotencyKeyReused | ServiceUnavailable
        const attempt = (left: number): Effect.Effect<WriteResult, Failure> =>
          Effect.gen(function* () {
            const state = yield* existing
            const all = yield* rules.current
            const nowMs = yield* now
            const plan: WritePlan = yield* decide(state, all, nowMs).pipe(
              Effect.catchAll((error): Effect.Effect<never, E | AccountMoved | ServiceUnavailable | IdempotencyKeyReused | Replayed> =>
                isRefusal(error)
                  ? Effect.flatMap(replayOf(key, fingerprint), (replayed): Effect.Effect<never, E | Replayed> =>
                    replayed === undefined ? Effect.fail(error) : Effect.fail(new Replayed({ result: replayed })))
                  : Effect.fail(error)
              )
            )
            yield* commit(state, plan, [], caller, nowMs)
            return resultOfRow(plannedTransaction(userId, plan.rows.at(-1)!), false)
          }).pipe(
            Effect.catchAll((error): Effect.Effect<WriteResult, Failure> => {
              if (error instanceof Replayed) return Effect.succeed(error.result)
              if (error instanceof KeyTaken) {
                return Effect.flatMap(replayOf(key, fingerprint), (replayed) =>
                  replayed === undefined ? Effect.die(new Error(`idempotency key ${key} taken but not found`)) : Effect.succeed(replayed))
              }
              if (error instanceof AccountMoved) {
                hold(undefined)
                // Reload, and back off a little at random: two owners of one account (a fault) would
                // otherwise keep invalidating each other in step.
                return left > 1
                  ? Effect.logDebug("Energy account moved; deciding again", { reason: error.reason }).pipe(
                    Effect.zipRight(Effect.sleep(Math.random() * MOVED_BACKOFF_MS * (MOVED_ATTEMPTS - left + 1))),
                    Effect.zipRight(attempt(left - 1))
                  )
                  : Effect.fail(unavailable(`account ${userId} kept changing under its actor (${error.reason})`))
              }
              return Effect.fail(error as Failure)
            })
          )
        return measured(operation, attempt(MOVED_ATTEMPTS))
      }

      /** Counts the write by outcome and times it, refusals included. */
      const measured = <A extends WriteResult, E>(operation: string, self: Effect.Effect<A, E>) =>
        Effect.flatMap(Effect.timed(Effect.exit(self)), ([elapsed, exit]) => {
          const outcome = Exit.isSuccess(exit) ? (exit.value.replayed ? "replayed" : "ok") : isRefusal(Cause.squash(exit.cause)) ? "refused" : "error"
          energyCommandDurationMs.unsafeUpdate(Duration.toMillis(elapsed), [])
          operationCounter(operation, outcome).unsafeUpdate(1, [])
          if (Exit.isFailure(exit) && Cause.squash(exit.cause) instanceof InsufficientEnergy) energyRefusedInsufficient.unsafeUpdate(1, [])
          return exit
        })

      /** A command that charges (Consume, Reserve): it may find too little energy. */
      const planCharge = (state: AccountState, all: Rules, command: Extract<Command, { readonly _tag: "Consume" | "Reserve" }>, nowMs: number) => {
        const plan = planCommand(state, planRulesOf(all, state), command, nowMs)
        if (plan instanceof CommitExceedsReservation) return Effect.die(plan)
        return plan instanceof InsufficientEnergy ? Effect.fail(plan) : Effect.succeed(plan)
      }

      /** A command that cannot be refused by the rules (credits, refunds, releases). */
      const planGrant = (state: AccountState, all: Rules, command: Extract<Command, { readonly _tag: "Refund" | "Purchase" | "Credit" | "Release" }>, nowMs: number) => {
        const plan = planCommand(state, planRulesOf(all, state), command, nowMs)
        return plan instanceof InsufficientEnergy || plan instanceof CommitExceedsReservation ? Effect.die(plan) : Effect.succeed(plan)
      }

      const planCommitOf = (state: AccountState, all: Rules, command: Extract<Command, { readonly _tag: "Commit" }>, nowMs: number) => {
        const plan = planCommand(state, planRulesOf(all, state), command, nowMs)
        if (plan instanceof InsufficientEnergy) return Effect.die(plan)
        return plan instanceof CommitExceedsReservation ? Effect.fail(plan) : Effect.succeed(plan)
      }

      /** The open reservation `reservationId`, or why it cannot be resolved. */
      const openReservation = (state: AccountState, reservationId: string, nowMs: number) =>
        Effect.gen(function* () {
          const open = state.reservations.get(reservationId)
          if (open !== undefined) {
            if (open.expiresAtMs <= nowMs) return yield* Effect.fail(new ReservationExpired({ reservationId, expiredAt: DateTime.unsafeMake(open.expiresAtMs) }))
            return open
          }
          const reservation = yield* db.guard(statements.byId(userId, reservationId))
          if (reservation === undefined || reservation.kind !== "reservation") return yield* Effect.fail(new ReservationNotFound({ reservationId }))
          const resolution: TransactionRow | undefined = yield* db.guard(statements.resolutionOf(reservationId))
          if (resolution === undefined) return yield* Effect.fail(new AccountMoved({ reason: `reservation ${reservationId} open but not in memory` }))
          if (resolution.idempotency_key.startsWith(`${SYSTEM_KEY_PREFIX}expiry:`)) {
            return yield* Effect.fail(new ReservationExpired({ reservationId, expiredAt: DateTime.unsafeFromDate(reservation.expires_at!) }))
          }
          return yield* Effect.fail(new ReservationResolved({ reservationId, resolution: resolution.kind === "commit" ? "commit" : "release" }))
        })

      return EnergyAccount.of({
        Open: ({ payload: { caller, request } }) =>
          Effect.gen(function* () {
            const all = yield* rules.current
            const nowMs = yield* now
            const state = yield* current
            if (state !== undefined) return { account: balanceView(state, all, nowMs), opened: false }
            const opening = planOpening(userId, request.plan, all.plans.get(request.plan)!, nowMs)
            const credits = yield* rowEvents(keys, userId, opening.write.rows, caller)
            // (A plan that opens at 0 has no credit, and nothing to prepare: an empty batch is invalid.)
            const prepared = credits.length === 0 ? undefined : yield* Effect.orDie(events.prepare(credits))
            // The account at version 1 (its opening event), then the opening credit as any write.
            const created = yield* events.transaction(
              Effect.gen(function* () {
                if (!(yield* statements.insertAccount(opening.opened, nowMs))) return false
                yield* events.append(stream, [openedEvent(request.plan, caller)], "no_stream")
                if (prepared !== undefined) {
                  yield* statements.write(opening.opened.version, opening.write.after, opening.write.rows, nowMs, stream, prepared.payload)
                }
                return true
              })
            ).pipe(
              Effect.catchTags({
                ConcurrencyConflict: () => Effect.succeed(false),
                EventIdReused: () => Effect.succeed(false),
                AccountMoved: () => Effect.succeed(false),
                KeyTaken: () => Effect.succeed(false),
                InvalidEvent: Effect.die
              })
            )
            if (created && prepared !== undefined) yield* events.appended(credits)
            if (created) {
              hold(opening.write.after)
              operationCounter("open", "ok").unsafeUpdate(1, [])
              return { account: balanceView(opening.write.after, all, nowMs), opened: true }
            }
            // Opened meanwhile elsewhere (another runner): answer with what is stored.
            const stored = yield* load
            if (stored === undefined) return yield* Effect.fail(unavailable(`account ${userId} could not be opened`))
            return { account: balanceView(stored, all, nowMs), opened: false }
          }),

        Balance: () =>
          Effect.gen(function* () {
            const state = yield* existing
            return balanceView(state, yield* rules.current, yield* now)
          }),

        Check: ({ payload }) =>
          Effect.gen(function* () {
            const state = yield* existing
            const checked = checkView(state, yield* rules.current, payload, yield* now)
            return checked instanceof UnknownAction ? yield* Effect.fail(checked) : checked
          }),

        Consume: ({ payload: { caller, request } }) =>
          write<UnknownAction | InsufficientEnergy>("consume", request.idempotencyKey, requestFingerprint.consume(request.action), caller, (state, all, nowMs): Effect.Effect<WritePlan, UnknownAction | InsufficientEnergy> => {
            const cost = costOf(all, request)
            if (cost instanceof UnknownAction) return Effect.fail(cost)
            return planCharge(state, all, { _tag: "Consume", action: request.action, cost, key: request.idempotencyKey, metadata: request.metadata }, nowMs)
          }),

        Refund: ({ payload: { caller, request } }) =>
          write<TransactionNotFound | NotRefundable>("refund", request.idempotencyKey, requestFingerprint.refund(request.transactionId, request.amount), caller, (state, all, nowMs): Effect.Effect<WritePlan, TransactionNotFound | NotRefundable | ServiceUnavailable> =>
            Effect.gen(function* () {
              const charge = yield* db.guard(statements.byId(userId, request.transactionId))
              if (charge === undefined) return yield* Effect.fail(new TransactionNotFound({ transactionId: request.transactionId }))
              const debited = -Number(charge.balance_delta)
              if ((charge.kind !== "consume" && charge.kind !== "commit") || debited <= 0) {
                return yield* Effect.fail(new NotRefundable({ transactionId: request.transactionId, refundable: 0, reason: "only consumes and commits that debited energy are refunded" }))
              }
              const refundable = debited - (yield* db.guard(statements.refundedOf(request.transactionId)))
              const amount = request.amount ?? refundable
              if (refundable <= 0 || amount > refundable) {
                return yield* Effect.fail(new NotRefundable({ transactionId: request.transactionId, refundable, reason: refundable <= 0 ? "already fully refunded" : `at most ${refundable} remains refundable` }))
              }
              return yield* planGrant(state, all, {
                _tag: "Refund",
                referenceId: request.transactionId,
                amount,
                requested: request.amount,
                key: request.idempotencyKey,
                reason: request.reason
              }, nowMs)
            })),

        Purchase: ({ payload: { caller, request } }) =>
          write<never>("purchase", request.paymentReference, requestFingerprint.purchase(request.amount), caller, (state, all, nowMs) =>
            planGrant(state, all, { _tag: "Purchase", amount: request.amount, key: request.paymentReference, metadata: request.metadata }, nowMs)),

        Credit: ({ payload: { caller, request } }) =>
          write<never>("credit", request.idempotencyKey, requestFingerprint.credit(request.amount), caller, (state, all, nowMs) =>
            planGrant(state, all, { _tag: "Credit", amount: request.amount, key: request.idempotencyKey, reason: request.reason }, nowMs)),

        Reserve: ({ payload: { caller, request } }) => {
          const charge: Charge = "action" in request ? { action: request.action } : { amount: request.amount }
          const ttlSeconds = request.ttlSeconds ?? DEFAULT_RESERVATION_SECONDS
          return write<UnknownAction | InsufficientEnergy>("reserve", request.idempotencyKey, requestFingerprint.reservation(charge, ttlSeconds), caller, (state, all, nowMs): Effect.Effect<WritePlan, UnknownAction | InsufficientEnergy> => {
            const cost = costOf(all, charge)
            if (cost instanceof UnknownAction) return Effect.fail(cost)
            return planCharge(state, all, {
              _tag: "Reserve",
              charge,
              cost,
              action: "action" in charge ? charge.action : null,
              ttlSeconds,
              key: request.idempotencyKey,
              metadata: request.metadata
            }, nowMs)
          })
        },

        Commit: ({ payload: { caller, request } }) =>
          write<ReservationNotFound | ReservationExpired | ReservationResolved | CommitExceedsReservation>("commit", request.idempotencyKey, requestFingerprint.commit(request.reservationId, request.amount), caller, (state, all, nowMs) =>
            Effect.flatMap(openReservation(state, request.reservationId, nowMs), (reservation) =>
              planCommitOf(state, all, { _tag: "Commit", reservation, amount: request.amount, key: request.idempotencyKey }, nowMs))),

        Release: ({ payload: { caller, request } }) =>
          write<ReservationNotFound | ReservationExpired | ReservationResolved>("release", request.idempotencyKey, requestFingerprint.release(request.reservationId), caller, (state, all, nowMs) =>
            Effect.flatMap(openReservation(state, request.reservationId, nowMs), (reservation) =>
              planGrant(state, all, { _tag: "Release", reservation, key: request.idempotencyKey }, nowMs))),

        Forget: () => Effect.sync(() => hold(undefined)),

        Settle: () =>
          decidedAgain("settling", Effect.gen(function* () {
            const state = yield* existing
            const all = yield* rules.current
            const nowMs = yield* now
            const plan = planSettle(state, planRulesOf(all, state), nowMs)
            if (plan === undefined) return 0
            yield* commit(state, plan, [], SWEEPER, nowMs)
            return plan.rows.length
          })),

        ChangePlan: ({ payload: { caller, request } }) =>
          decidedAgain("plan change", Effect.gen(function* () {
            const state = yield* existing
            const all = yield* rules.current
            const nowMs = yield* now
            if (state.plan === request.plan) return balanceView(state, all, nowMs)
            const plan = planPlanChange(state, planRulesOf(all, state), request.plan, nowMs)
            yield* commit(state, plan, [planChangedEvent(state.plan, request.plan, caller)], caller, nowMs)
            return balanceView(plan.after, all, nowMs)
          }))
      })
    }),
    { maxIdleTime: options.maxIdleTime * 1000 }
  )

/** Internal: a refused request whose key had already been answered. */
class Replayed extends Data.TaggedError("Replayed")<{ readonly result: WriteResult }> {}

