/**
 * Rate limiters for tests, and test-only variants of the limiter's scripts.
 *
 * - `makeTestLimiters`: `count` limiters sharing one store, as several Hub processes would: over
 *   one memory store (embedded), or over one Redis prefix with a connection each (real).
 * - `storeNow` / `toWindowStart`: the store's clock (Redis `TIME`, or Effect `Clock` in memory), and
 *   waiting until just after a window starts, so a sequence of checks stays inside one window.
 * - `AT_TIME_SCRIPTS`: the limiter's Lua for one check with "now" taken from ARGV[5] instead of Redis `TIME`, so a
 *   property can drive real Redis through the same instants as the memory store under `TestClock`.
 *   Real Redis still expires keys in real time, so these variants keep every key `AT_TIME_TTL_SLACK_MS`
 *   longer (the scripts read a stale state exactly as a missing one, which the memory side, with
 *   exact TTLs, checks). Built here, from the same Lua source, and never reachable from `src/`.
 */
import { Effect, Layer, type Scope } from "effect"
import { HubConfig } from "../../src/config.js"
import { makeRateLimits, storeResetBus } from "../../src/services/rate-limit/policy.js"
import { RateLimits } from "../../src/services/rate-limit/RateLimits.js"
import { defineScript, LUA_NOW_MS, type RedisScript, replyInteger } from "../../src/services/redis/script.js"
import type { RedisStoreService } from "../../src/services/redis/memory.js"
import { makeRateLimiter } from "../../src/services/rate-limit/live.js"
import type { RateLimiter } from "../../src/services/rate-limit/RateLimiter.js"
import type { Algorithm } from "../../src/services/rate-limit/schema.js"
import { ALGORITHM_SOURCES, decodeDecision, EXPIRE_CALL, type ScriptDecision, SINGLE_CALL } from "../../src/services/rate-limit/scripts.js"
import { type BackendName, runToken } from "./backends.js"
import { makeTestRedis } from "./redis.js"

/** The store's clock, in milliseconds. */
export const storeNow = defineScript({
  name: "test_store_now",
  numberOfKeys: 0,
  lua: LUA_NOW_MS + "return now_ms",
  memory: (ctx) => ctx.nowMs,
  decode: (reply) => replyInteger(reply, "now")
})

/**
 * Waits until `offsetMs` after the next start of a `windowMs` window on the store's clock; answers
 * the store time it then expects. `elapse` lets time pass (TestClock or a real sleep).
 */
export const toWindowStart = (
  store: RedisStoreService,
  windowMs: number,
  offsetMs: number,
  elapse: (ms: number) => Effect.Effect<void>
): Effect.Effect<number> =>
  Effect.gen(function*() {
    const now = yield* Effect.orDie(store.runScript(storeNow, [], []))
    const target = (Math.floor(now / windowMs) + 1) * windowMs + offsetMs
    yield* elapse(target - now)
    return target
  })

export const AT_TIME_TTL_SLACK_MS = 600_000

const atTimeScript = (algorithm: Algorithm): RedisScript<ScriptDecision> => {
  const source = ALGORITHM_SOURCES[algorithm]
  const parts = source.luaFunction.split(EXPIRE_CALL)
  if (parts.length !== 2) throw new Error(`${algorithm}: expected exactly one "${EXPIRE_CALL}" in the Lua function`)
  return defineScript({
    name: `test_rate_limit_${algorithm}_at_time`,
    numberOfKeys: 1,
    lua: "local now_ms = tonumber(ARGV[5])\n" +
      parts.join(`redis.call('PEXPIRE', key, ttl_ms + ${AT_TIME_TTL_SLACK_MS})`) +
      SINGLE_CALL,
    memory: (ctx, keys, args) => source.twin(ctx, Number(args[4]), keys[0]!, args),
    decode: decodeDecision
  })
}

/** Test-only: the limiter's scripts with "now" as ARGV[5] (after the four of `scriptArgs`). */
export const AT_TIME_SCRIPTS: Readonly<Record<Algorithm, RedisScript<ScriptDecision>>> = {
  token_bucket: atTimeScript("token_bucket"),
  sliding_window: atTimeScript("sliding_window"),
  fixed_window: atTimeScript("fixed_window")
}

/**
 * `count` limiters sharing their limits, on a fresh prefix: over one new memory store (embedded), or
 * over `count` new Redis stores on one prefix, a connection each (real). Keys go with the scope.
 */
export const makeTestLimiters = (
  backend: BackendName,
  count: number
): Effect.Effect<ReadonlyArray<RateLimiter["Type"]>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const prefix = `luna_t_${runToken()}:`
    if (backend === "embedded") {
      const { store } = yield* makeTestRedis("embedded", { prefix })
      return Array.from({ length: count }, () => makeRateLimiter(store))
    }
    return yield* Effect.forEach(
      Array.from({ length: count }, (_, i) => i),
      () => Effect.map(makeTestRedis("real", { prefix }), ({ store }) => makeRateLimiter(store))
    )
  })

/**
 * The Hub's `RateLimits` for a suite that builds services by hand (energy): its policy from the
 * suite's settings, over a fresh memory store (embedded) or a fresh Redis prefix (real).
 */
export const rateLimitsLayer = (backend: BackendName): Layer.Layer<RateLimits, never, HubConfig> =>
  Layer.scoped(
    RateLimits,
    Effect.gen(function*() {
      const { enabled, failOpen, scopes } = (yield* HubConfig).rateLimit
      const { store } = yield* makeTestRedis(backend)
      return yield* makeRateLimits({ enabled, failOpen, scopes }, makeRateLimiter(store), storeResetBus(store))
    })
  )
