/**
 * `RateLimits`: the scopes over `RateLimiter`, with
 * - a per-instance block cache: an identifier refused in a scope is refused again from memory,
 *   without a store call, until the refusal's retry time (for a cost at least as large);
 * - the failure policy: the store unreachable lets the request through (`RATE_LIMIT_FAIL_OPEN`,
 *   the default) with a log line (at most one per scope every 10 s, with the count) and the metric
 *   `phoenix_rate_limiter_failed_open`, or refuses it with 503;
 * - `RATE_LIMIT_ENABLED=false`: every check passes without a store call (logged at start).
 * A reset clears the store and every instance's block cache: it is published on `RESET_CHANNEL`,
 * which every instance listens on (pub/sub is at most once: an instance that missed it refuses from
 * memory until the refusal's retry time at most).
 */
import { Effect, Layer, Option, Runtime, Schedule, Schema, Stream } from "effect"
import { HubConfig, type HubSettings } from "../../config.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { makeLiveRedisStore } from "../redis/live.js"
import type { RedisStoreService } from "../redis/memory.js"
import { RedisStore } from "../redis/RedisStore.js"
import { limiterOver } from "./live.js"
import { countCheck, makeLimiterMetrics } from "./limiter-common.js"
import { blockedRequests, failedOpen } from "./metrics.js"
import type { RateLimiter } from "./RateLimiter.js"
import { RateLimits, type ScopeCheck } from "./RateLimits.js"
import { RateLimited, type RateLimitDecision } from "./schema.js"
import { SCOPE_NAMES, ScopeName, type Scopes } from "./scopes.js"

/** Identifiers remembered as blocked per instance; the oldest go first beyond this. */
const BLOCK_CACHE_SIZE = 10_000
const FAIL_OPEN_LOG_INTERVAL_MS = 10_000

/** Where resets are announced to every instance. */
export const RESET_CHANNEL = "ratelimit:resets"

const ResetMessage = Schema.parseJson(Schema.Struct({ identifier: Schema.String, scopes: Schema.Array(ScopeName) }))
const encodeReset = Schema.encodeSync(ResetMessage)
const decodeReset = Schema.decodeUnknownOption(ResetMessage)

/** How resets reach the other instances: announcing one, and the stream of those announced. */
export interface ResetBus {
  readonly announce: (message: string) => Effect.Effect<void, ServiceUnavailable>
  readonly announced: Stream.Stream<string, ServiceUnavailable>
}

/** The reset bus over a store's pub/sub. */
export const storeResetBus = (store: RedisStoreService): ResetBus => ({
  announce: (message) => store.publish(RESET_CHANNEL, message),
  announced: store.subscribe(RESET_CHANNEL)
})

export interface RateLimitPolicy {
  readonly enabled: boolean
  readonly failOpen: boolean
  readonly scopes: Scopes
}

interface Block {
  readonly untilMs: number
  readonly cost: number
  readonly resetAfterMs: number
}

const refusal = (scope: ScopeName, retryAfterMs: number) =>
  new RateLimited({ scope: scope.toLowerCase(), retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) })

export const makeRateLimits = (policy: RateLimitPolicy, limiter: RateLimiter["Type"], resets?: ResetBus) =>
  Effect.gen(function*() {
    const clock = yield* Effect.clock
    const runtime = yield* Effect.runtime<never>()
    const blocks = new Map<string, Block>()
    const lastFailOpenLog = new Map<ScopeName, { atMs: number; suppressed: number }>()
    const now = () => clock.unsafeCurrentTimeMillis()
    const blockKey = (scope: ScopeName, identifier: string) => `${scope}\u0000${identifier}`
    const metricsOf = makeLimiterMetrics()
    /** A refusal from the block cache is a check refused like the store's (the counters would miss floods otherwise). */
    const refusedFromMemory = (scope: ScopeName, retryAfterMs: number) => {
      countCheck(metricsOf(scope, policy.scopes[scope].algorithm), false)
      return Effect.fail(refusal(scope, retryAfterMs))
    }

    const blocked = (scope: ScopeName, identifier: string, cost: number): RateLimitDecision | undefined => {
      const key = blockKey(scope, identifier)
      const block = blocks.get(key)
      if (block === undefined) return undefined
      const at = now()
      if (at >= block.untilMs) {
        blocks.delete(key)
        return undefined
      }
      if (cost < block.cost) return undefined
      const left = block.untilMs - at
      return { allowed: false, limit: policy.scopes[scope].limit, remaining: 0, retryAfterMs: left, resetAfterMs: Math.max(left, block.resetAfterMs) }
    }

    const remember = (scope: ScopeName, identifier: string, cost: number, decision: RateLimitDecision) => {
      if (decision.retryAfterMs <= 0) return
      if (blocks.size >= BLOCK_CACHE_SIZE) blocks.delete(blocks.keys().next().value!)
      blocks.set(blockKey(scope, identifier), { untilMs: now() + decision.retryAfterMs, cost, resetAfterMs: decision.resetAfterMs })
    }

    const storeDown = (scope: ScopeName, error: ServiceUnavailable): Effect.Effect<ScopeCheck, ServiceUnavailable> => {
      const rule = policy.scopes[scope]
      if (!policy.failOpen) {
        return Effect.zipRight(Effect.sync(() => blockedRequests({ scope: scope.toLowerCase(), algorithm: rule.algorithm, reason: "store_unavailable" }).unsafeUpdate(1, [])), Effect.fail(error))
      }
      return Effect.sync(() => {
        failedOpen({ scope: scope.toLowerCase(), reason: "store_unavailable" }).unsafeUpdate(1, [])
        const at = now()
        const last = lastFailOpenLog.get(scope)
        if (last !== undefined && at - last.atMs < FAIL_OPEN_LOG_INTERVAL_MS) {
          last.suppressed++
        } else {
          lastFailOpenLog.set(scope, { atMs: at, suppressed: 0 })
          // Through the logger the service was built with, whichever request noticed.
          Runtime.runFork(runtime)(
            Effect.logWarning("Rate limit store unavailable: request let through (RATE_LIMIT_FAIL_OPEN)").pipe(
              Effect.annotateLogs({ logger: "rate-limit", scope: scope.toLowerCase(), reason: error.reason, alsoLetThroughSinceLastLine: last?.suppressed ?? 0 })
            )
          )
        }
        return { scope, rule, decision: Option.none() }
      })
    }

    const decided = (scope: ScopeName, decision: RateLimitDecision): Effect.Effect<ScopeCheck, RateLimited> =>
      decision.allowed
        ? Effect.succeed({ scope, rule: policy.scopes[scope], decision: Option.some(decision) })
        : Effect.fail(refusal(scope, decision.retryAfterMs))

    const check = (scope: ScopeName, identifier: string, cost = 1): Effect.Effect<ScopeCheck, RateLimited | ServiceUnavailable> =>
      Effect.suspend(() => {
        if (!policy.enabled) return Effect.succeed({ scope, rule: policy.scopes[scope], decision: Option.none() })
        const known = blocked(scope, identifier, cost)
        if (known !== undefined) return refusedFromMemory(scope, known.retryAfterMs)
        return Effect.flatMap(Effect.either(limiter.check(scope, policy.scopes[scope], identifier, cost)), (result): Effect.Effect<ScopeCheck, RateLimited | ServiceUnavailable> => {
          if (result._tag === "Left") return storeDown(scope, result.left)
          if (!result.right.allowed) remember(scope, identifier, cost, result.right)
          return decided(scope, result.right)
        })
      })

    const guard = (scope: ScopeName, identifier: string): Effect.Effect<ScopeCheck, RateLimited | ServiceUnavailable> =>
      Effect.suspend(() => {
        if (!policy.enabled) return Effect.succeed({ scope, rule: policy.scopes[scope], decision: Option.none() })
        const known = blocked(scope, identifier, 1)
        if (known !== undefined) return refusedFromMemory(scope, known.retryAfterMs)
        return Effect.flatMap(Effect.either(limiter.peek(scope, policy.scopes[scope], identifier)), (result): Effect.Effect<ScopeCheck, RateLimited | ServiceUnavailable> => {
          if (result._tag === "Left") return storeDown(scope, result.left)
          if (!result.right.allowed) remember(scope, identifier, 1, result.right)
          return decided(scope, result.right)
        })
      })

    const forget = (identifier: string, scopes: ReadonlyArray<ScopeName>) => {
      for (const name of scopes) blocks.delete(blockKey(name, identifier))
    }

    if (resets !== undefined) {
      // Listens for as long as the service lives; a lost subscription (Redis down) is made again.
      yield* resets.announced.pipe(
        Stream.runForEach((text) =>
          Effect.sync(() => {
            const message = decodeReset(text)
            if (Option.isSome(message)) forget(message.value.identifier, message.value.scopes)
          })),
        Effect.retry(Schedule.spaced("1 second")),
        Effect.forkScoped
      )
    }

    return RateLimits.of({
      enabled: policy.enabled,
      scopes: policy.scopes,
      check,
      guard,
      status: (identifier) =>
        Effect.forEach(SCOPE_NAMES, (scope) =>
          Effect.map(limiter.peek(scope, policy.scopes[scope], identifier), (decision) => ({ scope, rule: policy.scopes[scope], decision }))),
      reset: (identifier, scope) =>
        Effect.suspend(() => {
          const scopes = scope === undefined ? SCOPE_NAMES : [scope]
          forget(identifier, scopes)
          const cleared = Effect.forEach(scopes, (name) => limiter.reset(name, identifier), { discard: true })
          const announced = resets === undefined ? Effect.void : resets.announce(encodeReset({ identifier, scopes }))
          return Effect.as(Effect.zipRight(cleared, announced), scopes)
        })
    })
  })

/** The rate-limit store: `RATE_LIMIT_REDIS_URL`'s own Redis when set, the Hub's store otherwise. */
const limitStore = (settings: HubSettings) =>
  Effect.gen(function*() {
    if (Option.isNone(settings.rateLimit.redisUrl)) return yield* RedisStore
    const store: RedisStoreService = yield* makeLiveRedisStore(
      { ...settings.redis, url: settings.rateLimit.redisUrl },
      { breaker: { name: "redis-ratelimit" } }
    )
    return store
  })

export const RateLimitsLive: Layer.Layer<RateLimits, never, HubConfig | RedisStore> = Layer.scoped(
  RateLimits,
  Effect.gen(function*() {
    const settings = yield* HubConfig
    const { enabled, failOpen, scopes } = settings.rateLimit
    if (!enabled) yield* Effect.logWarning("Rate limiting disabled (RATE_LIMIT_ENABLED=false)").pipe(Effect.annotateLogs("logger", "rate-limit"))
    const store = yield* limitStore(settings)
    return yield* makeRateLimits({ enabled, failOpen, scopes }, yield* limiterOver(store), storeResetBus(store))
  })
)
