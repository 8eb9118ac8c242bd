/**
 * How checks reach the store, and how the in-process limiter keeps its memory bounded:
 * - the scripts limiter sends a check alone when nothing of its limit is on its way to the store,
 *   and concurrent checks together otherwise (at most MAX_BATCH a call), each decided as if alone; a failed call fails every check in it; peeks in a batch
 *   spend nothing; a check under another rule never joins; an interrupted caller leaves the others
 *   their answers. Over the memory store and over real Redis.
 * - the in-process limiter drops states once their TTL passed, as writes go by.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { ServiceUnavailable } from "../../../src/services/common/errors.js"
import type { RedisStoreService } from "../../../src/services/redis/memory.js"
import { makeRateLimiter } from "../../../src/services/rate-limit/live.js"
import { makeMemoryRateLimiter } from "../../../src/services/rate-limit/memory.js"
import type { LimitRule } from "../../../src/services/rate-limit/schema.js"
import { MAX_BATCH } from "../../../src/services/rate-limit/scripts.js"
import { backendsUnderTest, runToken } from "../../support/backends.js"
import { makeTestRedis } from "../../support/redis.js"

const backends = await backendsUnderTest()

const hundred: LimitRule = { algorithm: "fixed_window", limit: 100, windowMs: 86_400_000 }

/**
 * The store, counting script calls, each taking at least 5 ms (the memory store answers at once,
 * leaving nothing to batch with); `down` makes every call fail as an unreachable Redis does.
 */
const countingStore = (store: RedisStoreService) => {
  const state = { scriptCalls: 0, down: false }
  const counted: RedisStoreService = {
    ...store,
    runScript: (script, keys, args) =>
      Effect.suspend(() => {
        state.scriptCalls++
        return state.down
          ? Effect.fail(new ServiceUnavailable({ dependency: "redis", reason: "not connected", retryAfterSeconds: 1 }))
          : store.runScript(script, keys, args)
      }).pipe(Effect.delay("5 millis"))
  }
  return { counted, state }
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`rate-limit checks batched to the store (${backend.name})`, () => {
    const setup = Effect.gen(function*() {
      const { store } = yield* makeTestRedis(backend.name)
      const { counted, state } = countingStore(store)
      return { limiter: makeRateLimiter(counted), state }
    })

    it.live("150 concurrent checks: exactly the limit pass; the first goes alone, the others in batches of MAX_BATCH", () =>
      Effect.scoped(Effect.gen(function*() {
        const { limiter, state } = yield* setup
        const id = `batch-${runToken()}`
        const decisions = yield* Effect.all(Array.from({ length: 150 }, () => limiter.check("batch", hundred, id)), { concurrency: "unbounded" })
        expect(decisions.filter((d) => d.allowed)).toHaveLength(100)
        // each allowed check saw its own count, as if alone
        expect(decisions.filter((d) => d.allowed).map((d) => d.remaining).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i))
        expect(state.scriptCalls).toBe(1 + Math.ceil(149 / MAX_BATCH))
        // Alone, a check goes at once.
        yield* limiter.check("batch", hundred, `alone-${runToken()}`)
        expect(state.scriptCalls).toBe(2 + Math.ceil(149 / MAX_BATCH))
      })))

    it.live("a failed store call fails every check that joined it", () =>
      Effect.scoped(Effect.gen(function*() {
        const { limiter, state } = yield* setup
        state.down = true
        const results = yield* Effect.all(
          Array.from({ length: 20 }, (_, i) => Effect.flip(limiter.check("down", hundred, `down-${i}`))),
          { concurrency: "unbounded" }
        )
        expect(results.every((error) => error instanceof ServiceUnavailable)).toBe(true)
        expect(state.scriptCalls).toBe(2)
      })))

    it.live("peeks joining a batch spend nothing; a check under another rule is decided under its own", () =>
      Effect.scoped(Effect.gen(function*() {
        const { limiter } = yield* setup
        const id = `mixed-${runToken()}`
        const one: LimitRule = { algorithm: "fixed_window", limit: 1, windowMs: 86_400_000 }
        const all = yield* Effect.all([
          ...Array.from({ length: 10 }, () => Effect.map(limiter.peek("mixed", hundred, id), (d) => ({ kind: "peek", d }))),
          ...Array.from({ length: 5 }, () => Effect.map(limiter.check("mixed", hundred, id), (d) => ({ kind: "check", d }))),
          ...Array.from({ length: 3 }, () => Effect.map(limiter.check("mixed-one", one, id), (d) => ({ kind: "one", d })))
        ], { concurrency: "unbounded" })
        expect(all.filter((a) => a.kind === "check" && a.d.allowed)).toHaveLength(5)
        expect(all.filter((a) => a.kind === "one" && a.d.allowed)).toHaveLength(1)
        expect((yield* limiter.peek("mixed", hundred, id)).remaining).toBe(95)
        // The same name under another rule (a caller bug) is decided under the rule it came with.
        const other = `rule-${runToken()}`
        const [underHundred, underOne] = yield* Effect.all([limiter.check("same", hundred, other), limiter.check("same", one, other)], { concurrency: "unbounded" })
        expect(underHundred!.limit).toBe(100)
        expect(underOne!.limit).toBe(1)
      })))

    it.live("interrupting a caller that joined a batch leaves the others their answers", () =>
      Effect.scoped(Effect.gen(function*() {
        const { limiter } = yield* setup
        const id = `interrupt-${runToken()}`
        const fibers = yield* Effect.forEach(Array.from({ length: 10 }), () => Effect.fork(limiter.check("interrupt", hundred, id)))
        yield* Fiber.interrupt(fibers[3]!)
        const answered = yield* Effect.forEach(fibers.filter((_, i) => i !== 3), Fiber.join)
        expect(answered.every((d) => d.allowed)).toBe(true)
      })))
  })
}

describe("in-process limiter memory", () => {
  it.effect("states past their TTL are swept as writes go by", () =>
    Effect.gen(function*() {
      const limiter = makeMemoryRateLimiter(yield* Effect.clock)
      const minute: LimitRule = { algorithm: "fixed_window", limit: 5, windowMs: 60_000 }
      for (let i = 0; i < 1_000; i++) yield* limiter.check("sweep", minute, `once-${i}`)
      expect(limiter.stateCount()).toBe(1_000)
      yield* TestClock.adjust("61 seconds")
      // Every 256 writes look at 64 states: 10,000 writes to one identifier reach all of them.
      const roomy: LimitRule = { ...minute, limit: 1_000_000 }
      for (let i = 0; i < 10_000; i++) yield* limiter.check("sweep-hot", roomy, "hot")
      expect(limiter.stateCount()).toBe(1)
    }))
})
