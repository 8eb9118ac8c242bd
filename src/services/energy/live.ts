/**
 * `Energy` on the cluster and the database: per-user commands go to the user's `EnergyAccount`
 * actor (wherever it runs), derived reads to Postgres. Every actor call has a deadline: a call to
 * a runner that died waits for its shards to move otherwise.
 */
import { AlreadyProcessingMessage, MailboxFull, PersistenceError } from "@effect/cluster/ClusterError"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Singleton from "@effect/cluster/Singleton"
import { Cause, Clock, DateTime, Duration, Effect, FiberRef, Layer } from "effect"
import { HubConfig } from "../../config.js"
import { makeIdentifierHasher } from "../auth/identifier-hash.js"
import { Cache, userTag } from "../cache/Cache.js"
import { ServiceUnavailable } from "../common/errors.js"
import { Database } from "../database/Database.js"
import { builtOnRealTime, isRealTime, onRealTime } from "../cluster/real-time.js"
import { awaitMigrated } from "../database/live.js"
import { Consent } from "../gdpr/consent/Consent.js"
import { currentRequest } from "../logging/request-context.js"
import type { UserId } from "../guardian/schema.js"
import { noted } from "../rate-limit/admission.js"
import { RateLimits } from "../rate-limit/RateLimits.js"
import { type Caller, EnergyAccount } from "./account.js"
import { EnergyAccountLive } from "./account-live.js"
import { LedgerRules, LedgerRulesLive } from "./catalogue.js"
import { Energy } from "./Energy.js"
import { LEADERBOARD_TAG, leaderboardKey, statsKey, transactionsKey, userKeyPatterns } from "./cached.js"
import { Leaderboard, type Period, TransactionsPage, UnknownAction, UserNotFound, UserStats } from "./schema.js"
import { balanceView, checkView, type LocalAccounts } from "./view.js"
import { makeLedgerStatements, toTransaction } from "./store.js"

/** Longest an actor call may take (a moving shard included) before the caller gets a 503. */
export const ACCOUNT_CALL_TIMEOUT = Duration.seconds(15)
/** The actions API_CV_GENERATION limits. */
const GENERATION_ACTIONS: ReadonlySet<string> = new Set(["cv_generation", "cover_letter_generation"])
/** Account proxies kept per process (creating one per call costs ~4× the call). */
const MAX_CACHED_CLIENTS = 10_000
const DEFAULT_PAGE = 20
const DEFAULT_LEADERBOARD = 10

const PERIOD_MS: { readonly [P in Period]: number | null } = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  all: null
}

const unavailable = (reason: string) => new ServiceUnavailable({ dependency: "energy", reason, retryAfterSeconds: 1 })

const isClusterFailure = (error: unknown): error is MailboxFull | AlreadyProcessingMessage | PersistenceError =>
  error instanceof MailboxFull || error instanceof AlreadyProcessingMessage || error instanceof PersistenceError

/**
 * The actor was interrupted under the call: its runner released the shard (the shard lock storage
 * failed, or the shard moved to another runner) while the command ran. The command may or may not
 * have committed, and the caller is still waiting: a 503 tells it to retry with the same key (the
 * retry answers the original if it committed). Without this the interruption reached the door as
 * the caller's own, which HTTP answered 499 (as if the client had gone away) to a client still
 * waiting. (The caller's own interruption is not caught here: Effect skips recovery on an
 * interrupted fiber.)
 */
const actorInterrupted = <E>(cause: Cause.Cause<E>): Effect.Effect<never, E | ServiceUnavailable> =>
  Cause.isInterruptedOnly(cause)
    ? Effect.fail(unavailable("account actor interrupted (its shard moved); retry"))
    : Effect.failCause(cause)

type Delivered<A, E> = Effect.Effect<A, Exclude<E, MailboxFull | AlreadyProcessingMessage | PersistenceError> | ServiceUnavailable>

/**
 * Calls to `userId`'s actor: the cluster's own failures become 503s, and every call has a deadline
 * (a dead runner's shards answer nothing until they move; a defect in a handler is retried by the
 * cluster, so even a local call could otherwise wait forever). Callers on a simulated clock are
 * switched to real time.
 */
const makeDelivery = (callersOnRealTime: boolean) =>
  <A, E>(self: Effect.Effect<A, E>): Delivered<A, E> => {
    const bounded = Effect.catchIf(self, isClusterFailure, (failure) =>
      Effect.fail(unavailable(`account actor unreachable (${(failure as { readonly _tag: string })._tag})`))).pipe(
        Effect.catchAllCause(actorInterrupted),
        Effect.timeoutFail({ duration: ACCOUNT_CALL_TIMEOUT, onTimeout: () => unavailable("account actor did not answer in time") })
      ) as Delivered<A, E>
    return callersOnRealTime ? bounded : onRealTime(bounded)
  }

const makeEnergyService = (clock: Clock.Clock, local: LocalAccounts) => Layer.effect(
  Energy,
  Effect.gen(function* () {
    const db = yield* Database
    const cache = yield* Cache
    const rules = yield* LedgerRules
    const limits = yield* RateLimits
    const consent = yield* Consent
    const statements = makeLedgerStatements(yield* PgClient.PgClient)
    const makeClient = yield* EnergyAccount.client
    const delivered = makeDelivery(isRealTime(clock))
    type AccountClient = ReturnType<typeof makeClient>
    const clients = new Map<string, AccountClient>()
    const account = (userId: string): AccountClient => {
      let client = clients.get(userId)
      if (client === undefined) {
        if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value!)
        client = makeClient(userId)
        clients.set(userId, client)
      }
      return client
    }
    const callerOf = (actor: string): Effect.Effect<Caller> =>
      Effect.map(FiberRef.get(currentRequest), (request) => (request === undefined ? { actor } : { actor, requestId: request.requestId }))
    const withCaller = <Request>(actor: string, request: Request) => Effect.map(callerOf(actor), (caller) => ({ request, caller }))

    /**
     * API_CV_GENERATION for the generation actions, counted once per idempotency key: a key the
     * ledger already holds is a replay (or a reuse the actor refuses) and spends nothing. Two
     * first sends of one key racing each other may both count.
     */
    const generationLimit = (userId: string, request: { readonly action?: string; readonly idempotencyKey: string }) => {
      if (!limits.enabled || request.action === undefined || !GENERATION_ACTIONS.has(request.action)) return Effect.void
      return Effect.flatMap(db.guard(statements.byKey(userId, request.idempotencyKey)), (stored) =>
        stored === undefined ? noted("API_CV_GENERATION", limits.scopes.API_CV_GENERATION, limits.check("API_CV_GENERATION", userId)) : Effect.void)
    }

    const requireAccount = (userId: string) =>
      Effect.flatMap(db.guard(statements.accountExists(userId)), (exists) => (exists ? Effect.void : Effect.fail(new UserNotFound({ userId }))))

    const periodStart = (period: Period): Effect.Effect<Date | null> =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const span = PERIOD_MS[period]
        return span === null ? null : new Date(now - span)
      })

    return Energy.of({
      actions: Effect.map(rules.current, (all) => ({
        actions: [...all.actions.values()].sort((a, b) => a.cost - b.cost || a.action.localeCompare(b.action))
      })),
      setActionCost: rules.setActionCost,
      plans: Effect.map(rules.current, (all) => ({ plans: [...all.plans.values()] })),
      setPlanRules: rules.setPlanRules,

      open: (userId, plan, actor) => Effect.flatMap(withCaller(actor, { plan }), (payload) => delivered(account(userId).Open(payload))),
      // Served from the state the user's actor published in this process when it runs here; a
      // message to the actor otherwise.
      balance: (userId) => {
        const state = local.get(userId)
        if (state === undefined) return delivered(account(userId).Balance())
        return Effect.map(rules.current, (all) => balanceView(state, all, clock.unsafeCurrentTimeMillis()))
      },
      check: (userId, charge) => {
        const state = local.get(userId)
        if (state === undefined) return delivered(account(userId).Check(charge))
        return Effect.flatMap(rules.current, (all) => {
          const checked = checkView(state, all, charge, clock.unsafeCurrentTimeMillis())
          return checked instanceof UnknownAction ? Effect.fail(checked) : Effect.succeed(checked)
        })
      },
      consume: (userId, request, actor) =>
        Effect.zipRight(
          generationLimit(userId, request),
          Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).Consume(payload)))
        ),
      refund: (userId, request, actor) => Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).Refund(payload))),
      purchase: (userId, request, actor) => Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).Purchase(payload))),
      credit: (userId, request, actor) => Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).Credit(payload))),
      reserve: (userId, request, actor) =>
        Effect.zipRight(
          generationLimit(userId, request),
          Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).Reserve(payload)))
        ),
      commit: (userId, request, actor) => Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).Commit(payload))),
      release: (userId, request, actor) => Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).Release(payload))),
      changePlan: (userId, request, actor) => Effect.flatMap(withCaller(actor, request), (payload) => delivered(account(userId).ChangePlan(payload))),

      // Derived reads go through the cache, tagged so the writes that change them drop them.
      transactions: (userId, query) => {
        const limit = query.limit ?? DEFAULT_PAGE
        const load = Effect.gen(function* () {
          yield* requireAccount(userId)
          const rows = yield* db.guard(statements.transactions(userId, {
            beforeSeq: query.cursor === undefined ? undefined : Number(query.cursor),
            limit: limit + 1,
            kind: query.kind
          }))
          const page = rows.slice(0, limit).map(toTransaction)
          return { transactions: page, nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null }
        })
        return cache.getOrSet(transactionsKey(userId, query, limit), load, { kind: "transactions", schema: TransactionsPage, tags: [userTag(userId)] })
      },

      // Behavioural statistics need the user's `behavioral` consent, asked on every call (outside
      // the cache) so a withdrawal stops them at once. The category is seeded (migration 0007).
      stats: (userId, period) =>
        Effect.zipRight(
          Effect.catchTag(consent.require(userId, "behavioral"), "UnknownDataCategory", Effect.die),
          cache.getOrSet(
            statsKey(userId, period),
            Effect.gen(function* () {
              yield* requireAccount(userId)
              const from = yield* periodStart(period)
              const totals = yield* db.guard(statements.stats(userId, from))
              return { userId, period, from: from === null ? null : DateTime.unsafeFromDate(from), ...totals }
            }),
            { kind: "user_stats", schema: UserStats, tags: [userTag(userId)] }
          )
        ),

      leaderboard: (period, requested) => {
        const limit = requested ?? DEFAULT_LEADERBOARD
        return cache.getOrSet(
          leaderboardKey(period, limit),
          Effect.gen(function* () {
            const from = yield* periodStart(period)
            const rows = yield* db.guard(statements.leaderboard(from, limit))
            return {
              period,
              from: from === null ? null : DateTime.unsafeFromDate(from),
              entries: rows.map((row, i) => ({ rank: i + 1, userId: row.userId as UserId, consumed: row.consumed }))
            }
          }),
          { kind: "leaderboard", schema: Leaderboard, tags: [LEADERBOARD_TAG] }
        )
      },

      forget: (userId) =>
        Effect.gen(function* () {
          yield* delivered(account(userId).Forget())
          local.delete(userId)
          clients.delete(userId)
          const purged = yield* cache.purgeUser(userId, userKeyPatterns(userId))
          return { cacheEntries: purged.l1EntriesRemoved }
        })
    })
  })
)

/** How often (once per cluster) lapsed reservations are looked for and recorded. */
export const EXPIRY_SWEEP_INTERVAL = Duration.seconds(30)
const SWEEP_BATCH = 200

/**
 * Records lapsed reservations by themselves: one runner (a cluster singleton) asks the owners of
 * reservations past their expiry to settle. Reads already show them released; this writes the
 * release, so the stored ledger does not wait for the user's next write.
 */
const ExpirySweeper = (clock: Clock.Clock, interval: Duration.Duration) =>
  Singleton.make(
    "energy-expiry-sweeper",
    Effect.gen(function* () {
      const db = yield* Database
      const statements = makeLedgerStatements(yield* PgClient.PgClient)
      const makeClient = yield* EnergyAccount.client
      const delivered = makeDelivery(true)
      const hashId = makeIdentifierHasher((yield* HubConfig).gdpr.anonymizationSalt)
      yield* awaitMigrated
      const sweep = Effect.gen(function* () {
        const owners = yield* db.guard(statements.lapsedReservationOwners(new Date(clock.unsafeCurrentTimeMillis()), SWEEP_BATCH))
        const written = yield* Effect.forEach(owners, (userId) =>
          delivered(makeClient(userId).Settle()).pipe(
            Effect.catchAll((error) =>
              Effect.as(Effect.logWarning("Lapsed reservations not recorded").pipe(
                // Logs name users by a keyed hash only (an erased user's id must not linger in them).
                Effect.annotateLogs({ user: hashId(userId), reason: error.message.replaceAll(userId, hashId(userId)) })
              ), 0))
          ), { concurrency: 8 })
        const total = written.reduce((sum, n) => sum + n, 0)
        if (total > 0) yield* Effect.logInfo("Recorded lapsed reservations", { users: owners.length, rows: total })
      })
      yield* sweep.pipe(
        Effect.catchAllCause((cause) => Effect.logWarning("Reservation sweep failed; next one in the next interval", cause)),
        Effect.zipRight(Effect.sleep(interval)),
        Effect.forever
      )
    }).pipe(Effect.annotateLogs({ logger: "energy" }))
  )

export interface EnergyLayerOptions {
  /** Overrides EXPIRY_SWEEP_INTERVAL (tests). */
  readonly expirySweepInterval?: Duration.DurationInput
}

/**
 * The service, its account actors (registered on this runner), the reservation sweeper and the
 * product rules. The ledger's time is the clock of whoever builds the layer.
 */
export const makeEnergyLayer = (options: EnergyLayerOptions = {}) =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const settings = yield* HubConfig
      const clock = yield* Effect.clock
      const local: LocalAccounts = new Map()
      const actors = builtOnRealTime(
        Layer.merge(
          EnergyAccountLive({ maxIdleTime: settings.cache.ttlUserEnergySeconds, clock, local }),
          ExpirySweeper(clock, Duration.decode(options.expirySweepInterval ?? EXPIRY_SWEEP_INTERVAL))
        )
      )
      return Layer.merge(makeEnergyService(clock, local), actors).pipe(Layer.provideMerge(LedgerRulesLive))
    })
  )

export const EnergyLive = makeEnergyLayer()

