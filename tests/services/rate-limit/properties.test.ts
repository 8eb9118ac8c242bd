/**
 * Properties of the three algorithms over random sequences of (time step, cost, check or peek):
 * - memory (the script twins over the memory store, and the in-process limiter), on a clock the
 *   test sets, against a reference model written here in another form (admitted
 *   checks as a log, the bucket as one continuous level): every decision, remaining count, and
 *   that `retryAfterMs` and `resetAfterMs` are exactly the first instants the model says a check of
 *   that cost passes / the whole limit is back;
 * - real Redis against memory at the same instants: the Lua (time from ARGV, test-only variants)
 *   answers exactly what the memory twin answers.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
import fc from "fast-check"
import type { RedisStoreService } from "../../../src/services/redis/memory.js"
import { makeRateLimiter } from "../../../src/services/rate-limit/live.js"
import { makeMemoryRateLimiter } from "../../../src/services/rate-limit/memory.js"
import { ALGORITHMS, type Algorithm, type LimitRule, type RateLimitDecision } from "../../../src/services/rate-limit/schema.js"
import { scriptArgs } from "../../../src/services/rate-limit/scripts.js"
import { realServicesAvailable, runToken } from "../../support/backends.js"
import { AT_TIME_SCRIPTS } from "../../support/rate-limit.js"
import { makeTestRedis } from "../../support/redis.js"

const realAvailable = await realServicesAvailable()

interface Op {
  /** Milliseconds since the previous op. */
  readonly stepMs: number
  readonly cost: number
  /** A peek (cost 1, nothing spent) instead of a check. */
  readonly peek: boolean
}

interface Scenario {
  readonly rule: LimitRule
  readonly startMs: number
  readonly ops: ReadonlyArray<Op>
}

const scenario = (algorithm: Algorithm): fc.Arbitrary<Scenario> =>
  fc.record({
    limit: fc.integer({ min: 1, max: 12 }),
    windowMs: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 13, max: 5_000 })),
    // up to 2 × 10^12 ms, not aligned on anything
    startMs: fc.integer({ min: 0, max: 2_000_000 }).map((n) => n * 1_000_003),
    rawOps: fc.array(
      fc.record({
        small: fc.integer({ min: 0, max: 4 }),
        permille: fc.integer({ min: 0, max: 2_500 }),
        byWindow: fc.boolean(),
        costPick: fc.integer({ min: 0, max: 40 }),
        peek: fc.integer({ min: 0, max: 9 }).map((n) => n === 0)
      }),
      { minLength: 1, maxLength: 40 }
    )
  }).map(({ limit, rawOps, startMs, windowMs }) => ({
    rule: { algorithm, limit, windowMs },
    startMs,
    ops: rawOps.map((raw) => ({
      stepMs: raw.byWindow ? Math.floor(raw.permille * windowMs / 1_000) : raw.small,
      // mostly 1, sometimes up to two above the limit
      cost: raw.costPick < 24 ? 1 : 1 + (raw.costPick % (limit + 2)),
      peek: raw.peek
    }))
  }))

// ---------------------------------------------------------------------------------------------
// The reference model: what each algorithm promises, stated directly.

interface Model {
  /** Whether a check of `cost` at `t` would pass, with nothing more spent. */
  readonly passes: (t: number, cost: number) => boolean
  /** Cost available at `t`, rounded down. */
  readonly remaining: (t: number) => number
  /** Whether the whole limit is available at `t`. */
  readonly full: (t: number) => boolean
  readonly spend: (t: number, cost: number) => void
}

const makeModel = ({ algorithm, limit, windowMs: w }: LimitRule): Model => {
  if (algorithm === "token_bucket") {
    // the level in 1/w of a token: full is limit × w; refills limit per ms, capped
    const full = limit * w
    let level = full
    let at = 0
    const levelAt = (t: number) => Math.min(full, level + (t - at) * limit)
    return {
      passes: (t, cost) => cost <= limit && levelAt(t) >= cost * w,
      remaining: (t) => Math.floor(levelAt(t) / w),
      full: (t) => levelAt(t) === full,
      spend: (t, cost) => {
        level = levelAt(t) - cost * w
        at = t
      }
    }
  }
  const spent: Array<{ readonly t: number; readonly cost: number }> = []
  const inWindow = (index: number) => spent.filter((s) => Math.floor(s.t / w) === index).reduce((sum, s) => sum + s.cost, 0)
  if (algorithm === "fixed_window") {
    const used = (t: number) => inWindow(Math.floor(t / w))
    return {
      passes: (t, cost) => used(t) + cost <= limit,
      remaining: (t) => limit - used(t),
      full: (t) => used(t) === 0,
      spend: (t, cost) => void spent.push({ t, cost })
    }
  }
  // sliding window: the previous window's count weighted by the part of it the sliding window covers, in 1/w
  const weighted = (t: number) => {
    const index = Math.floor(t / w)
    const elapsed = t - index * w
    return inWindow(index - 1) * (w - elapsed) + inWindow(index) * w
  }
  return {
    passes: (t, cost) => weighted(t) + cost * w <= limit * w,
    remaining: (t) => Math.max(0, Math.floor((limit * w - weighted(t)) / w)),
    full: (t) => weighted(t) === 0,
    spend: (t, cost) => void spent.push({ t, cost })
  }
}

// ---------------------------------------------------------------------------------------------

interface Step {
  readonly t: number
  readonly op: Op
  readonly decision: RateLimitDecision
}

/**
 * A clock the property sets directly. `TestClock` would do, but each of its moves lets other fibers
 * run first (a few ms), too slow for thousands of steps. The store's sweeper sleeps forever under it:
 * expired keys still go on access, as in Redis.
 */
const manualClock = (startMs: number) => {
  let nowMs = startMs
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => nowMs,
    currentTimeMillis: Effect.sync(() => nowMs),
    unsafeCurrentTimeNanos: () => BigInt(nowMs) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(nowMs) * 1_000_000n),
    sleep: () => Effect.never
  }
  return { clock, set: (ms: number) => Effect.sync(() => void (nowMs = ms)) }
}

type MemoryImplementation = "twin" | "in-process"

/**
 * Runs the scenario, on a clock set op by op, through the script twins over a fresh memory store
 * (`twin`) or the embedded mode's in-process limiter.
 */
const runOnMemory = ({ ops, rule, startMs }: Scenario, implementation: MemoryImplementation = "twin"): Promise<ReadonlyArray<Step>> => {
  const time = manualClock(startMs)
  return Effect.gen(function*() {
    const { store } = yield* makeTestRedis("embedded")
    const limiter = implementation === "twin" ? makeRateLimiter(store) : makeMemoryRateLimiter(time.clock)
    const steps: Array<Step> = []
    let t = startMs
    for (const op of ops) {
      t += op.stepMs
      yield* time.set(t)
      const decision = yield* (op.peek ? limiter.peek("prop", rule, "id") : limiter.check("prop", rule, "id", op.cost))
      steps.push({ t, op, decision })
    }
    return steps
  }).pipe(Effect.scoped, Effect.withClock(time.clock), Effect.runPromise)
}

/** Every step against the model; the first failed expectation throws (fast-check shrinks it). */
const expectModel = (rule: LimitRule, steps: ReadonlyArray<Step>) => {
  const model = makeModel(rule)
  for (const { decision, op, t } of steps) {
    const cost = op.peek ? 1 : op.cost
    const context = `at ${t} ${op.peek ? "peek" : `check cost ${cost}`}`
    expect(decision.allowed, context).toBe(model.passes(t, cost))
    if (decision.allowed && !op.peek) model.spend(t, cost)
    expect(decision.remaining, context).toBe(model.remaining(t))
    if (decision.allowed) expect(decision.retryAfterMs, context).toBe(0)
    else if (cost > rule.limit) expect(decision.retryAfterMs, context).toBe(rule.windowMs)
    else {
      // the first instant a check of that cost passes, with nothing more spent
      expect(decision.retryAfterMs, context).toBeGreaterThan(0)
      expect(model.passes(t + decision.retryAfterMs, cost), `${context}: passes after retryAfterMs`).toBe(true)
      expect(model.passes(t + decision.retryAfterMs - 1, cost), `${context}: not 1 ms before`).toBe(false)
    }
    // the first instant the whole limit is back
    expect(model.full(t + decision.resetAfterMs), `${context}: full after resetAfterMs`).toBe(true)
    if (decision.resetAfterMs > 0) expect(model.full(t + decision.resetAfterMs - 1), `${context}: not 1 ms before`).toBe(false)
  }
}

describe("RateLimiter properties", () => {
  for (const algorithm of ALGORITHMS) {
    for (const implementation of ["twin", "in-process"] as const) {
      it(`${algorithm}: memory (${implementation}) answers what the reference model says, retryAfterMs and resetAfterMs to the millisecond`, async () => {
        await fc.assert(
          fc.asyncProperty(scenario(algorithm), async (s) => {
            expectModel(s.rule, await runOnMemory(s, implementation))
          }),
          { numRuns: 1_000 }
        )
      }, 60_000)
    }
  }

  describe.skipIf(!realAvailable)("real Redis", () => {
    for (const algorithm of ALGORITHMS) {
      it.scopedLive(`${algorithm}: the Lua script answers exactly what the memory twin answers, instant by instant`, () =>
        Effect.gen(function*() {
          const { store } = yield* makeTestRedis("real")
          const runOnRedis = (redis: RedisStoreService, { ops, rule, startMs }: Scenario) =>
            Effect.gen(function*() {
              const key = `rl:prop:${runToken()}`
              const decisions: Array<RateLimitDecision> = []
              let t = startMs
              for (const op of ops) {
                t += op.stepMs
                const args = [...scriptArgs(rule.limit, rule.windowMs, op.peek ? 1 : op.cost, !op.peek), String(t)]
                const reply = yield* Effect.orDie(redis.runScript(AT_TIME_SCRIPTS[rule.algorithm], [key], args))
                decisions.push({ ...reply, limit: rule.limit })
              }
              return decisions
            })
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(scenario(algorithm), async (s) => {
                const memory = await runOnMemory(s)
                const redis = await Effect.runPromise(runOnRedis(store, s))
                expect(redis).toEqual(memory.map((step) => step.decision))
              }),
              { numRuns: 300 }
            )
          )
        }), 120_000)
    }
  })
})
