/**
 * One contract for `RateLimiter` over both stores: the memory store (time driven by `TestClock`,
 * every number asserted exactly) and real Redis (real time, short windows: numbers are asserted
 * within the time the test itself took, and waits get a margin). Tests that need exact instants
 * (sliding-window weights, a refill carried across checks) run on memory only; the properties
 * (properties.test.ts) compare real Redis with memory at exact instants.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Metric, Option, TestClock } from "effect"
import { RedisStore } from "../../../src/services/redis/RedisStore.js"
import { makeRateLimiter, RateLimiterLive } from "../../../src/services/rate-limit/live.js"
import { rateLimitKey } from "../../../src/services/rate-limit/limiter-common.js"
import { blockedRequests, totalRequests } from "../../../src/services/rate-limit/metrics.js"
import { RateLimiter } from "../../../src/services/rate-limit/RateLimiter.js"
import type { Algorithm, LimitRule, RateLimitDecision } from "../../../src/services/rate-limit/schema.js"
import { ALGORITHMS } from "../../../src/services/rate-limit/schema.js"
import { type BackendName, realServicesAvailable, runToken } from "../../support/backends.js"
import { makeTestLimiters, toWindowStart } from "../../support/rate-limit.js"
import { redisLayer } from "../../support/redis.js"

const realAvailable = await realServicesAvailable()

interface Backend {
  readonly name: BackendName
  /**
   * `scripts`: the Lua scripts in Redis, or their twins over the memory store; `in-process`: the
   * embedded mode's limiter (what `RateLimiterLive` builds over the memory store), whose state is
   * not in the store, so the store's TTLs are not looked at.
   */
  readonly implementation: "scripts" | "in-process"
  /** Time only moves when the test moves it: numbers are exact. */
  readonly exact: boolean
  readonly elapse: (ms: number) => Effect.Effect<void>
  /** Added to real waits, for the scheduler and the round trips. */
  readonly marginMs: number
}

const backends: ReadonlyArray<Backend> = [
  { name: "embedded", implementation: "in-process", exact: true, elapse: (ms) => TestClock.adjust(ms), marginMs: 0 },
  { name: "embedded", implementation: "scripts", exact: true, elapse: (ms) => TestClock.adjust(ms), marginMs: 0 },
  { name: "real", implementation: "scripts", exact: false, elapse: (ms) => Effect.sleep(ms), marginMs: 60 }
]

/** How much a real-time figure may have shrunk while the test ran (checks, round trips, a loaded machine). */
const REAL_DRIFT_MS = 300
/** Where in a window a sequence starts: after the boundary, with room for it on real Redis. */
const OFFSET_MS = 20

const rule = (algorithm: Algorithm, limit: number, windowMs: number): LimitRule => ({ algorithm, limit, windowMs })

/** Limit 5 per 600 ms windows; the bucket refills one token a second (a sequence never sees a refill). */
const fiveRules: Record<Algorithm, LimitRule> = {
  fixed_window: rule("fixed_window", 5, 600),
  sliding_window: rule("sliding_window", 5, 600),
  token_bucket: rule("token_bucket", 5, 5_000)
}

/** After five checks of cost 1 at OFFSET_MS into a window: the refusal's retryAfterMs and resetAfterMs. */
const exhausted: Record<Algorithm, { readonly retryAfterMs: number; readonly resetAfterMs: number; readonly ttlMs: number }> = {
  // the window ends
  fixed_window: { retryAfterMs: 580, resetAfterMs: 580, ttlMs: 580 },
  // next window, once the previous five weigh at most 4: 20 % into it (600 − 20 + 120)
  sliding_window: { retryAfterMs: 700, resetAfterMs: 1_180, ttlMs: 1_180 },
  // one token: 5000 / 5
  token_bucket: { retryAfterMs: 1_000, resetAfterMs: 5_000, ttlMs: 5_000 }
}

/** A unique identifier per test, so no test sees another's state. */
const freshId = (label: string) => `${label}-${runToken()}`

const defectOf = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.exit(self), (exit) => (Exit.isFailure(exit) ? Option.getOrUndefined(Cause.dieOption(exit.cause)) : undefined))

for (const backend of backends) {
  /** Exact on memory; on real Redis at most `expected` and not much less. */
  const near = (actual: number, expected: number) => {
    if (backend.exact) expect(actual).toBe(expected)
    else {
      expect(actual).toBeLessThanOrEqual(expected)
      expect(actual).toBeGreaterThan(expected - REAL_DRIFT_MS)
    }
  }
  const expectDecision = (
    decision: RateLimitDecision,
    expected: { readonly allowed: boolean; readonly remaining: number; readonly retryAfterMs?: number; readonly resetAfterMs?: number }
  ) => {
    expect({ allowed: decision.allowed, remaining: decision.remaining }).toEqual({ allowed: expected.allowed, remaining: expected.remaining })
    if (expected.allowed) expect(decision.retryAfterMs).toBe(0)
    else expect(decision.retryAfterMs).toBeGreaterThan(0)
    if (expected.retryAfterMs !== undefined) near(decision.retryAfterMs, expected.retryAfterMs)
    if (expected.resetAfterMs !== undefined) near(decision.resetAfterMs, expected.resetAfterMs)
  }
  /** For window algorithms, wait until just after a window starts (a sequence then stays inside it). */
  const alignFor = (r: LimitRule) =>
    Effect.gen(function*() {
      if (r.algorithm === "token_bucket") return
      const store = yield* RedisStore
      yield* toWindowStart(store, r.windowMs, OFFSET_MS, backend.elapse)
    })

  const limiterLayer = backend.name === "embedded" && backend.implementation === "scripts"
    ? Layer.effect(RateLimiter, Effect.map(RedisStore, makeRateLimiter))
    : RateLimiterLive
  const suiteLayer = Layer.provideMerge(limiterLayer, redisLayer(backend.name))
  const storeKeepsState = backend.implementation === "scripts"

  describe.skipIf(backend.name === "real" && !realAvailable)(`RateLimiter contract (${backend.name}, ${backend.implementation})`, () => {
    layer(suiteLayer, { excludeTestServices: !backend.exact, timeout: "30 seconds" })((it) => {
      for (const algorithm of ALGORITHMS) {
        const five = fiveRules[algorithm]
        const expectedWhenExhausted = exhausted[algorithm]

        it.effect(`${algorithm}: the limit-th check passes, the next is refused, and waiting retryAfterMs lets one through`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const store = yield* RedisStore
            const id = freshId("boundary")
            yield* alignFor(five)
            for (let i = 1; i <= five.limit; i++) {
              expectDecision(yield* limiter.check("boundary", five, id), { allowed: true, remaining: five.limit - i })
            }
            const refused = yield* limiter.check("boundary", five, id)
            expectDecision(refused, { allowed: false, remaining: 0, ...expectedWhenExhausted })
            expect(refused.limit).toBe(5)
            if (storeKeepsState) near(Option.getOrThrow(yield* store.pttl(rateLimitKey("boundary", id))), expectedWhenExhausted.ttlMs)

            if (backend.exact) {
              yield* backend.elapse(refused.retryAfterMs - 1)
              expectDecision(yield* limiter.check("boundary", five, id), { allowed: false, remaining: 0, retryAfterMs: 1 })
              yield* backend.elapse(1)
            } else {
              yield* backend.elapse(refused.retryAfterMs + backend.marginMs)
            }
            const again = yield* limiter.check("boundary", five, id)
            expect(again.allowed).toBe(true)
            // the fixed window starts afresh; the sliding window still weighs the previous five; the bucket refilled one token
            if (backend.exact) expect(again.remaining).toBe(algorithm === "fixed_window" ? 4 : 0)
          }))

        it.effect(`${algorithm}: the state expires once the whole limit is back (resetAfterMs)`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const store = yield* RedisStore
            const id = freshId("expiry")
            const key = rateLimitKey("expiry", id)
            yield* alignFor(five)
            const fresh = yield* limiter.peek("expiry", five, id)
            expect(fresh).toEqual({ allowed: true, limit: 5, remaining: 5, resetAfterMs: 0, retryAfterMs: 0 })
            if (storeKeepsState) expect(yield* store.pttl(key)).toEqual(Option.none())
            const first = yield* limiter.check("expiry", five, id)
            expect(first.remaining).toBe(4)
            expect(first.resetAfterMs).toBeGreaterThan(0)
            yield* backend.elapse(first.resetAfterMs + backend.marginMs)
            expect(yield* limiter.peek("expiry", five, id)).toEqual(fresh)
            yield* backend.elapse(1 + backend.marginMs)
            if (storeKeepsState) expect(yield* store.pttl(key)).toEqual(Option.none())
          }))

        it.effect(`${algorithm}: weighted cost, and a refusal leaves room for a smaller cost`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            // the bucket: a token per 10 s, so nothing refills while the test runs
            const ten = algorithm === "token_bucket" ? rule(algorithm, 10, 100_000) : rule(algorithm, 10, 600)
            const id = freshId("weighted")
            yield* alignFor(ten)
            expectDecision(yield* limiter.check("weighted", ten, id, 4), { allowed: true, remaining: 6 })
            expectDecision(yield* limiter.check("weighted", ten, id, 4), { allowed: true, remaining: 2 })
            const tooMuch = yield* limiter.check("weighted", ten, id, 3)
            expectDecision(tooMuch, { allowed: false, remaining: 2 })
            // the bucket needs one more token for a cost of 3: 100000 / 10
            if (algorithm === "token_bucket") near(tooMuch.retryAfterMs, 10_000)
            expectDecision(yield* limiter.check("weighted", ten, id, 2), { allowed: true, remaining: 0 })
            expectDecision(yield* limiter.check("weighted", ten, id, 1), { allowed: false, remaining: 0 })
          }))

        it.effect(`${algorithm}: a cost above the limit is refused and consumes nothing`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const id = freshId("over")
            yield* alignFor(five)
            expect(yield* limiter.check("over", five, id, 6)).toEqual({ allowed: false, limit: 5, remaining: 5, resetAfterMs: 0, retryAfterMs: five.windowMs })
            expectDecision(yield* limiter.check("over", five, id, 2), { allowed: true, remaining: 3 })
            const over = yield* limiter.check("over", five, id, 1_000)
            expectDecision(over, { allowed: false, remaining: 3 })
            expect(over.retryAfterMs).toBe(five.windowMs)
            expectDecision(yield* limiter.check("over", five, id, 3), { allowed: true, remaining: 0 })
          }))

        it.effect(`${algorithm}: refused checks consume nothing`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const id = freshId("refusals")
            yield* alignFor(five)
            expectDecision(yield* limiter.check("refusals", five, id, 4), { allowed: true, remaining: 1 })
            const before = yield* limiter.peek("refusals", five, id)
            for (let i = 0; i < 20; i++) {
              expectDecision(yield* limiter.check("refusals", five, id, 2 + (i % 4)), { allowed: false, remaining: 1 })
            }
            const after = yield* limiter.peek("refusals", five, id)
            if (backend.exact) expect(after).toEqual(before)
            else expect(after.remaining).toBe(before.remaining)
            expectDecision(yield* limiter.check("refusals", five, id), { allowed: true, remaining: 0 })
            // and once exhausted, refusals do not push the retry further away
            const firstRefusal = yield* limiter.check("refusals", five, id)
            for (let i = 0; i < 20; i++) yield* limiter.check("refusals", five, id)
            const lastRefusal = yield* limiter.check("refusals", five, id)
            if (backend.exact) expect(lastRefusal).toEqual(firstRefusal)
            else expect(lastRefusal.retryAfterMs).toBeLessThanOrEqual(firstRefusal.retryAfterMs)
            yield* backend.elapse(firstRefusal.retryAfterMs + backend.marginMs)
            expect((yield* limiter.check("refusals", five, id)).allowed).toBe(true)
          }))

        it.effect(`${algorithm}: peek answers without consuming`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const id = freshId("peek")
            yield* alignFor(five)
            for (let i = 0; i < 10; i++) {
              expect(yield* limiter.peek("peek", five, id)).toEqual({ allowed: true, limit: 5, remaining: 5, resetAfterMs: 0, retryAfterMs: 0 })
            }
            expectDecision(yield* limiter.check("peek", five, id, 2), { allowed: true, remaining: 3 })
            expectDecision(yield* limiter.peek("peek", five, id), { allowed: true, remaining: 3 })
            expectDecision(yield* limiter.check("peek", five, id, 3), { allowed: true, remaining: 0 })
            const peeked = yield* limiter.peek("peek", five, id)
            expectDecision(peeked, { allowed: false, remaining: 0, ...expectedWhenExhausted })
            const refused = yield* limiter.check("peek", five, id)
            if (backend.exact) expect(refused).toEqual(peeked)
          }))

        it.effect(`${algorithm}: reset gives the whole limit back, to that identifier under that name only`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const id = freshId("reset")
            const other = freshId("reset-other")
            yield* alignFor(five)
            for (const [name, who] of [["reset", id], ["reset", other], ["reset.other", id]] as const) {
              expect((yield* limiter.check(name, five, who, 5)).remaining).toBe(0)
            }
            yield* limiter.reset("reset", id)
            expectDecision(yield* limiter.peek("reset", five, id), { allowed: true, remaining: 5, resetAfterMs: 0 })
            expectDecision(yield* limiter.check("reset", five, id), { allowed: true, remaining: 4 })
            expectDecision(yield* limiter.peek("reset", five, other), { allowed: false, remaining: 0 })
            expectDecision(yield* limiter.peek("reset.other", five, id), { allowed: false, remaining: 0 })
            yield* limiter.reset("reset", freshId("never-seen"))
          }))

        it.effect(`${algorithm}: 200 concurrent checks on a limit of 50 pass exactly 50`, () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const fifty = algorithm === "token_bucket" ? rule(algorithm, 50, 600_000) : rule(algorithm, 50, 1_000)
            const id = freshId("race")
            yield* alignFor(fifty)
            const decisions = yield* Effect.all(Array.from({ length: 200 }, () => limiter.check("race", fifty, id)), { concurrency: "unbounded" })
            const allowed = decisions.filter((d) => d.allowed)
            expect(allowed.length).toBe(50)
            // each allowed check saw a different count
            expect(allowed.map((d) => d.remaining).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
            expect((yield* limiter.peek("race", fifty, id)).remaining).toBe(0)
          }))

        // Limiters share a store; the in-process one is alone in its process by design.
        if (storeKeepsState) {
          it.scoped(`${algorithm}: 200 concurrent checks across three limiters sharing a store pass exactly 50`, () =>
            Effect.gen(function*() {
              const limiters = yield* makeTestLimiters(backend.name, 3)
              const fifty = algorithm === "token_bucket" ? rule(algorithm, 50, 600_000) : rule(algorithm, 50, 1_000)
              const id = freshId("race3")
              yield* alignFor(fifty)
              const decisions = yield* Effect.all(
                Array.from({ length: 200 }, (_, i) => limiters[i % 3]!.check("race3", fifty, id)),
                { concurrency: "unbounded" }
              )
              expect(decisions.filter((d) => d.allowed).length).toBe(50)
              for (const limiter of limiters) expect((yield* limiter.peek("race3", fifty, id)).remaining).toBe(0)
            }))
        }
      }

      if (backend.exact) {
        it.effect("sliding_window: the previous window weighs by the part of it still inside the sliding window", () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const store = yield* RedisStore
            const five = fiveRules.sliding_window
            const id = freshId("weights")
            yield* toWindowStart(store, 600, 0, backend.elapse)
            expect((yield* limiter.check("weights", five, id, 5)).remaining).toBe(0)
            // 120 ms into the next window: the previous five weigh 5 × 480 / 600 = 4
            yield* backend.elapse(720)
            expect(yield* limiter.peek("weights", five, id)).toEqual({ allowed: true, limit: 5, remaining: 1, resetAfterMs: 480, retryAfterMs: 0 })
            expect(yield* limiter.check("weights", five, id)).toEqual({ allowed: true, limit: 5, remaining: 0, resetAfterMs: 1_080, retryAfterMs: 0 })
            // 4 + 1 used: one more fits once the previous five weigh 3, at 240 ms
            expect(yield* limiter.check("weights", five, id)).toEqual({ allowed: false, limit: 5, remaining: 0, resetAfterMs: 1_080, retryAfterMs: 120 })
            yield* backend.elapse(119)
            expect((yield* limiter.check("weights", five, id)).retryAfterMs).toBe(1)
            yield* backend.elapse(1)
            expect(yield* limiter.check("weights", five, id)).toEqual({ allowed: true, limit: 5, remaining: 0, resetAfterMs: 960, retryAfterMs: 0 })
            // at 300 ms: 5 × 300 / 600 + 2 = 4.5: nothing left (remaining rounds down), room again at 360 ms (2 + 2 + 1)
            yield* backend.elapse(60)
            expect(yield* limiter.check("weights", five, id)).toEqual({ allowed: false, limit: 5, remaining: 0, resetAfterMs: 900, retryAfterMs: 60 })
            // a weight that does not divide evenly: limit 7 per 1000 ms, seven in the previous window
            const seven = rule("sliding_window", 7, 1_000)
            const id7 = freshId("weights7")
            yield* toWindowStart(store, 1_000, 0, backend.elapse)
            expect((yield* limiter.check("weights", seven, id7, 7)).remaining).toBe(0)
            yield* backend.elapse(1_001)
            // 7 × 999 / 1000 = 6.993: one more fits at 143 ms (7 × 857 / 1000 = 5.999), not at 142 (6.006)
            expect(yield* limiter.check("weights", seven, id7)).toEqual({ allowed: false, limit: 7, remaining: 0, resetAfterMs: 999, retryAfterMs: 142 })
            yield* backend.elapse(141)
            expect((yield* limiter.check("weights", seven, id7)).allowed).toBe(false)
            yield* backend.elapse(1)
            expect(yield* limiter.check("weights", seven, id7)).toEqual({ allowed: true, limit: 7, remaining: 0, resetAfterMs: 1_857, retryAfterMs: 0 })
          }))

        it.effect("sliding_window: a refusal that must wait for the next window", () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const store = yield* RedisStore
            const five = fiveRules.sliding_window
            const id = freshId("next-window")
            yield* toWindowStart(store, 600, 100, backend.elapse)
            expect((yield* limiter.check("next", five, id, 3)).remaining).toBe(2)
            // three in this window: a cost of 3 fits once they weigh 2, 600 × 1 / 3 = 200 ms into the next window
            expect(yield* limiter.check("next", five, id, 3)).toEqual({ allowed: false, limit: 5, remaining: 2, resetAfterMs: 1_100, retryAfterMs: 700 })
            yield* backend.elapse(699)
            expect((yield* limiter.check("next", five, id, 3)).allowed).toBe(false)
            yield* backend.elapse(1)
            expect((yield* limiter.check("next", five, id, 3)).allowed).toBe(true)
          }))

        it.effect("fixed_window: windows are aligned on the clock; the last millisecond still belongs to the window", () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const store = yield* RedisStore
            const five = fiveRules.fixed_window
            const id = freshId("aligned")
            const start = yield* toWindowStart(store, 600, 599, backend.elapse)
            expect(start % 600).toBe(599)
            expect(yield* limiter.check("aligned", five, id, 5)).toEqual({ allowed: true, limit: 5, remaining: 0, resetAfterMs: 1, retryAfterMs: 0 })
            expect(yield* limiter.check("aligned", five, id)).toEqual({ allowed: false, limit: 5, remaining: 0, resetAfterMs: 1, retryAfterMs: 1 })
            yield* backend.elapse(1)
            expect(yield* limiter.check("aligned", five, id)).toEqual({ allowed: true, limit: 5, remaining: 4, resetAfterMs: 600, retryAfterMs: 0 })
          }))

        it.effect("token_bucket: refill is continuous and carries fractions of a token across checks", () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            // a token every 333⅓ ms
            const three = rule("token_bucket", 3, 1_000)
            const id = freshId("carry")
            expect((yield* limiter.check("carry", three, id, 3)).remaining).toBe(0)
            yield* backend.elapse(333)
            // 999/1000 of a token: one millisecond short
            expect(yield* limiter.check("carry", three, id)).toEqual({ allowed: false, limit: 3, remaining: 0, resetAfterMs: 667, retryAfterMs: 1 })
            yield* backend.elapse(1)
            // 1002/1000: one token, 2/1000 kept
            expect(yield* limiter.check("carry", three, id)).toEqual({ allowed: true, limit: 3, remaining: 0, resetAfterMs: 1_000, retryAfterMs: 0 })
            // with the 2/1000 carried, the next token takes 333 ms (998 / 3 rounded up), not 334
            const refused = yield* limiter.check("carry", three, id)
            expect(refused.retryAfterMs).toBe(333)
            yield* backend.elapse(332)
            expect((yield* limiter.check("carry", three, id)).allowed).toBe(false)
            yield* backend.elapse(1)
            expect((yield* limiter.check("carry", three, id)).allowed).toBe(true)
          }))

        it.effect("token_bucket: a refused check keeps the partial refill", () =>
          Effect.gen(function*() {
            const limiter = yield* RateLimiter
            const five = fiveRules.token_bucket
            const id = freshId("partial")
            expect((yield* limiter.check("partial", five, id, 5)).remaining).toBe(0)
            yield* backend.elapse(700)
            expect(yield* limiter.check("partial", five, id)).toEqual({ allowed: false, limit: 5, remaining: 0, resetAfterMs: 4_300, retryAfterMs: 300 })
            yield* backend.elapse(300)
            expect(yield* limiter.check("partial", five, id)).toEqual({ allowed: true, limit: 5, remaining: 0, resetAfterMs: 5_000, retryAfterMs: 0 })
            // a cost of 3 waits for three tokens: 3 s
            expect((yield* limiter.check("partial", five, id, 3)).retryAfterMs).toBe(3_000)
            yield* backend.elapse(2_999)
            expect((yield* limiter.check("partial", five, id, 3)).allowed).toBe(false)
            yield* backend.elapse(1)
            expect(yield* limiter.check("partial", five, id, 3)).toEqual({ allowed: true, limit: 5, remaining: 0, resetAfterMs: 5_000, retryAfterMs: 0 })
          }))
      }

      it.effect("identifiers may hold any character; names are kept apart", () =>
        Effect.gen(function*() {
          const limiter = yield* RateLimiter
          const one = rule("token_bucket", 1, 600_000)
          const token = runToken()
          const identifiers = ["a", "a:b", "a:b:c", "", ":", "*", "[x]", "ü 🦊", "rl:keys:a", "a\nb"].map((s) => `${token}${s}`)
          for (const id of identifiers) expect((yield* limiter.check("keys", one, id)).allowed).toBe(true)
          for (const id of identifiers) expect((yield* limiter.check("keys", one, id)).allowed).toBe(false)
          // same identifier, other names: untouched ("keys" + ":a" vs "keys:a" cannot both exist, names have no ':')
          expect((yield* limiter.check("keys.a", one, `${token}a`)).allowed).toBe(true)
          expect((yield* limiter.check("keys-a", one, `${token}a`)).allowed).toBe(true)
          expect(rateLimitKey("keys", "a:b")).toBe("rl:keys:a:b")
        }))

      it.effect("invalid names, rules and costs are defects", () =>
        Effect.gen(function*() {
          const limiter = yield* RateLimiter
          const ok = rule("fixed_window", 5, 600)
          const bad = [
            limiter.check("a:b", ok, "x"),
            limiter.check("", ok, "x"),
            limiter.check("x".repeat(65), ok, "x"),
            limiter.check("n", ok, "x", 0),
            limiter.check("n", ok, "x", -1),
            limiter.check("n", ok, "x", 1.5),
            limiter.check("n", ok, "x", Number.NaN),
            limiter.check("n", rule("fixed_window", 0, 600), "x"),
            limiter.check("n", rule("fixed_window", 5, 0), "x"),
            limiter.check("n", rule("fixed_window", 5.5, 600), "x"),
            limiter.check("n", rule("token_bucket", 2 ** 30, 2 ** 30), "x"),
            limiter.check("n", { algorithm: "leaky_bucket" as Algorithm, limit: 5, windowMs: 600 }, "x"),
            limiter.peek("a:b", ok, "x"),
            limiter.reset("a:b", "x")
          ]
          for (const effect of bad) expect(yield* defectOf(effect as Effect.Effect<unknown, unknown>)).toBeDefined()
          expect((yield* limiter.check("n", rule("token_bucket", 1_000_000, 86_400_000), "x")).remaining).toBe(999_999)
        }))

      it.effect("metrics count checks and refusals per scope and algorithm", () =>
        Effect.gen(function*() {
          const limiter = yield* RateLimiter
          const scope = `metrics_${runToken()}`
          const two = rule("token_bucket", 2, 600_000)
          for (let i = 0; i < 3; i++) yield* limiter.check(scope, two, "x")
          yield* limiter.peek(scope, two, "x")
          const total = yield* Metric.value(totalRequests({ scope, algorithm: "token_bucket" }))
          const refused = yield* Metric.value(blockedRequests({ scope, algorithm: "token_bucket", reason: "limit" }))
          expect(total.count).toBe(3)
          expect(refused.count).toBe(1)
        }))
    })
  })
}
