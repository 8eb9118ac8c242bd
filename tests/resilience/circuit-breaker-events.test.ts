import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream, TestClock } from "effect"
import { type BreakerOptions, makeCircuitBreaker } from "../../src/resilience/index.js"
import { Unavailable } from "./support.js"

const options: BreakerOptions = {
  name: "redis",
  failureThreshold: 2,
  failureRate: { threshold: 0.75, window: "30 seconds", minimumCalls: 10 },
  cooldown: "5 seconds",
  halfOpenSuccesses: 1
}
const failing = Effect.fail(new Unavailable())
const ok = Effect.succeed("ok")

describe("circuit breaker: snapshot", () => {
  it.effect("starts closed with empty counters", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker(options)
      expect(breaker.name).toBe("redis")
      expect(yield* breaker.snapshot).toStrictEqual({
        name: "redis",
        state: "closed",
        consecutiveFailures: 0,
        windowCalls: 0,
        windowFailures: 0,
        openedAtMs: null,
        retryAfterMs: 0,
        transitions: 0
      })
    }))

  it.effect("reports counters, opening time and the cooldown left as the clock moves", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker(options)
      yield* breaker.run(ok)
      yield* Effect.exit(breaker.run(failing))
      expect(yield* breaker.snapshot).toMatchObject({ consecutiveFailures: 1, windowCalls: 2, windowFailures: 1 })

      yield* TestClock.adjust("2 seconds")
      yield* Effect.exit(breaker.run(failing))
      expect(yield* breaker.snapshot).toStrictEqual({
        name: "redis",
        state: "open",
        consecutiveFailures: 2,
        windowCalls: 3,
        windowFailures: 2,
        openedAtMs: 2_000,
        retryAfterMs: 5_000,
        transitions: 1
      })
      yield* TestClock.adjust("3 seconds")
      expect(yield* breaker.snapshot).toMatchObject({ state: "open", retryAfterMs: 2_000 })
      yield* TestClock.adjust("2 seconds")
      expect(yield* breaker.snapshot).toMatchObject({ state: "half_open", retryAfterMs: 0, openedAtMs: 2_000, transitions: 2 })
    }))
})

describe("circuit breaker: stateChanges", () => {
  it.effect("publishes every transition in order with the snapshot at that moment", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker(options)
      const collected = yield* Effect.fork(Stream.runCollect(Stream.take(breaker.stateChanges, 5)))
      // TestClock.adjust first waits until every forked fiber is suspended, i.e. the subscriber is attached and waiting.
      yield* TestClock.adjust("0 millis")

      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(failing)) // closed → open at 0
      yield* TestClock.adjust("5 seconds")
      yield* Effect.exit(breaker.run(failing)) // open → half_open, then half_open → open at 5000
      yield* TestClock.adjust("5 seconds")
      yield* breaker.run(ok) // open → half_open, then half_open → closed

      const changes = Chunk.toReadonlyArray(yield* Fiber.join(collected))
      expect(changes.map((c) => [c.state, c.transitions, c.openedAtMs])).toStrictEqual([
        ["open", 1, 0],
        ["half_open", 2, 0],
        ["open", 3, 5_000],
        ["half_open", 4, 5_000],
        ["closed", 5, 5_000]
      ])
      expect(changes.every((c) => c.name === "redis")).toBe(true)
      expect(changes[0]).toMatchObject({ retryAfterMs: 5_000, consecutiveFailures: 2 })
      expect(changes[4]).toMatchObject({ retryAfterMs: 0, consecutiveFailures: 0, windowCalls: 0 })
    }))

  it.effect("a subscriber that starts late only sees later transitions", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker(options)
      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(failing))
      const collected = yield* Effect.fork(Stream.runCollect(Stream.take(breaker.stateChanges, 1)))
      yield* TestClock.adjust("5 seconds")
      yield* breaker.snapshot
      const changes = Chunk.toReadonlyArray(yield* Fiber.join(collected))
      expect(changes.map((c) => c.state)).toStrictEqual(["half_open"])
    }))
})
