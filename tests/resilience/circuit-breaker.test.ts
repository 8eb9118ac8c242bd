import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Fiber, TestClock } from "effect"
import { type BreakerOptions, type CircuitBreaker, CircuitOpen, makeCircuitBreaker } from "../../src/resilience/index.js"
import { makeCountdown, makeCounter, makeHeldCall, NotFound, Unavailable } from "./support.js"

const baseOptions: BreakerOptions = { name: "pg", failureThreshold: 3, cooldown: "10 seconds", halfOpenSuccesses: 2 }
const failing = Effect.fail(new Unavailable())
const ok = Effect.succeed("ok")

/** Opens a fresh breaker with `failureThreshold` failures. */
const openBreaker = (options: BreakerOptions) =>
  Effect.gen(function*() {
    const breaker = yield* makeCircuitBreaker(options)
    for (let i = 0; i < options.failureThreshold; i++) {
      yield* Effect.exit(breaker.run(failing))
    }
    expect((yield* breaker.snapshot).state).toBe("open")
    return breaker
  })

/** Opens a breaker and waits out the cooldown so the next call is a probe. */
const halfOpenBreaker = (options: BreakerOptions) =>
  Effect.gen(function*() {
    const breaker = yield* openBreaker(options)
    yield* TestClock.adjust(options.cooldown)
    return breaker
  })

/**
 * Starts 10 callers at once whose calls hold until `probe.release`, and returns once every caller
 * was decided (admitted and holding, or rejected), so releasing cannot race with admissions.
 */
const tenConcurrentCallers = (
  breaker: CircuitBreaker,
  counted: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const probe = yield* makeHeldCall
    const decided = yield* makeCountdown(10)
    const caller = breaker.run(counted(Effect.zipRight(decided.signal, probe.call))).pipe(
      Effect.either,
      Effect.tap((result) => Either.isLeft(result) ? decided.signal : Effect.void)
    )
    const callers = yield* Effect.fork(Effect.all(Array.from({ length: 10 }, () => caller), { concurrency: "unbounded" }))
    yield* decided.done
    return { callers, probe }
  })

describe("circuit breaker: closed → open", () => {
  it.effect("opens after failureThreshold consecutive failures, a success in between resets the streak", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker(baseOptions)
      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(failing))
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", consecutiveFailures: 2 })

      yield* breaker.run(ok)
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", consecutiveFailures: 0 })

      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(failing))
      expect((yield* breaker.snapshot).state).toBe("closed")
      yield* TestClock.adjust("1234 millis")
      const third = yield* Effect.exit(breaker.run(failing))
      // The call that trips the breaker still reports its own error.
      expect(third).toStrictEqual(Exit.fail(new Unavailable()))
      expect(yield* breaker.snapshot).toMatchObject({
        state: "open",
        consecutiveFailures: 3,
        openedAtMs: 1234,
        retryAfterMs: 10_000,
        transitions: 1
      })
    }))

  it.effect("opens when the failure rate in the window reaches the threshold with minimumCalls calls", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({
        ...baseOptions,
        failureThreshold: 100,
        failureRate: { threshold: 0.5, window: "10 seconds", minimumCalls: 4 }
      })
      yield* Effect.exit(breaker.run(failing))
      yield* breaker.run(ok)
      yield* Effect.exit(breaker.run(failing))
      // 2 of 3 failed (67%) but fewer than minimumCalls calls were seen.
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", windowCalls: 3, windowFailures: 2 })

      yield* breaker.run(ok)
      // 2 of 4 = 50% reaches the threshold even though the last call succeeded.
      expect(yield* breaker.snapshot).toMatchObject({ state: "open", windowCalls: 4, windowFailures: 2, consecutiveFailures: 0 })
    }))

  it.effect("stays closed while the failure rate is below the threshold", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({
        ...baseOptions,
        failureThreshold: 100,
        failureRate: { threshold: 0.5, window: "10 seconds", minimumCalls: 4 }
      })
      // The rate after each call: 100%, 50%, 33% (all below minimumCalls), then 25%, 40%, 33%.
      for (const call of [failing, ok, ok, ok, failing, ok]) {
        yield* Effect.exit(breaker.run(call))
      }
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", windowCalls: 6, windowFailures: 2 })
    }))

  it.effect("forgets calls that slid out of the window", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({
        ...baseOptions,
        failureThreshold: 100,
        failureRate: { threshold: 0.5, window: "10 seconds", minimumCalls: 4 }
      })
      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(failing))
      yield* TestClock.adjust("10 seconds")
      expect(yield* breaker.snapshot).toMatchObject({ windowCalls: 0, windowFailures: 0 })

      // Without expiry this would be 3 failures of 4 calls and trip the breaker.
      yield* breaker.run(ok)
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", windowCalls: 1, windowFailures: 0 })
    }))
})

describe("circuit breaker: open", () => {
  it.effect("rejects with CircuitOpen without running the effect, reporting the cooldown left", () =>
    Effect.gen(function*() {
      const breaker = yield* openBreaker(baseOptions)
      const { count, counted } = yield* makeCounter
      yield* TestClock.adjust("4 seconds")
      for (let i = 0; i < 5; i++) {
        const exit = yield* Effect.exit(breaker.run(counted(ok)))
        expect(exit).toStrictEqual(Exit.fail(new CircuitOpen({ breaker: "pg", retryAfterMs: 6_000 })))
      }
      expect(yield* count).toBe(0)
    }))

  it.effect("moves to half_open once the cooldown elapsed (seen by snapshot and by the next call)", () =>
    Effect.gen(function*() {
      const breaker = yield* openBreaker(baseOptions)
      const { count, counted } = yield* makeCounter
      yield* TestClock.adjust("9999 millis")
      expect(yield* breaker.snapshot).toMatchObject({ state: "open", retryAfterMs: 1 })
      expect(Exit.isFailure(yield* Effect.exit(breaker.run(counted(ok))))).toBe(true)
      expect(yield* count).toBe(0)

      yield* TestClock.adjust("1 millis")
      expect(yield* breaker.snapshot).toMatchObject({ state: "half_open", retryAfterMs: 0, openedAtMs: 0, transitions: 2 })
      expect(yield* breaker.run(counted(ok))).toBe("ok")
      expect(yield* count).toBe(1)
    }))

  it.effect("the first call after the cooldown is admitted as a probe without any snapshot read", () =>
    Effect.gen(function*() {
      const breaker = yield* halfOpenBreaker(baseOptions)
      const { count, counted } = yield* makeCounter
      yield* breaker.run(counted(ok))
      expect(yield* count).toBe(1)
      expect(yield* breaker.snapshot).toMatchObject({ state: "half_open", transitions: 2 })
    }))
})

describe("circuit breaker: half_open", () => {
  it.effect("closes after halfOpenSuccesses successes and resets its counters", () =>
    Effect.gen(function*() {
      const breaker = yield* halfOpenBreaker({ ...baseOptions, failureRate: { threshold: 0.9, window: "1 minute", minimumCalls: 50 } })
      yield* breaker.run(ok)
      expect((yield* breaker.snapshot).state).toBe("half_open")
      yield* breaker.run(ok)
      expect(yield* breaker.snapshot).toMatchObject({
        state: "closed",
        consecutiveFailures: 0,
        windowCalls: 0,
        windowFailures: 0,
        retryAfterMs: 0,
        transitions: 3
      })
      // A fresh streak is needed to open again.
      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(failing))
      expect((yield* breaker.snapshot).state).toBe("closed")
    }))

  it.effect("reopens on a single failure with a new cooldown", () =>
    Effect.gen(function*() {
      const breaker = yield* halfOpenBreaker(baseOptions)
      yield* breaker.run(ok)
      yield* TestClock.adjust("500 millis")
      yield* Effect.exit(breaker.run(failing))
      expect(yield* breaker.snapshot).toMatchObject({ state: "open", openedAtMs: 10_500, retryAfterMs: 10_000, transitions: 3 })
      const { count, counted } = yield* makeCounter
      expect(yield* Effect.exit(breaker.run(counted(ok)))).toStrictEqual(
        Exit.fail(new CircuitOpen({ breaker: "pg", retryAfterMs: 10_000 }))
      )
      expect(yield* count).toBe(0)
    }))

  it.effect("with halfOpenMaxConcurrent = 1, of 10 concurrent callers exactly one runs and 9 get CircuitOpen", () =>
    Effect.gen(function*() {
      const breaker = yield* halfOpenBreaker({ ...baseOptions, halfOpenSuccesses: 1 })
      const { count, counted } = yield* makeCounter
      const { callers, probe } = yield* tenConcurrentCallers(breaker, counted)
      expect(yield* count).toBe(1)
      expect(yield* breaker.snapshot).toMatchObject({ state: "half_open" })

      yield* probe.release
      const results = yield* Fiber.join(callers)
      const rejected = results.filter(Either.isLeft)
      expect(results.filter(Either.isRight)).toHaveLength(1)
      expect(rejected).toHaveLength(9)
      rejected.forEach((r) => expect(r.left).toStrictEqual(new CircuitOpen({ breaker: "pg", retryAfterMs: 0 })))
      expect(yield* count).toBe(1)
      expect((yield* breaker.snapshot).state).toBe("closed")
    }))

  it.effect("halfOpenMaxConcurrent = 3 admits exactly three probes at once", () =>
    Effect.gen(function*() {
      const breaker = yield* halfOpenBreaker({ ...baseOptions, halfOpenSuccesses: 3, halfOpenMaxConcurrent: 3 })
      const { count, counted } = yield* makeCounter
      const { callers, probe } = yield* tenConcurrentCallers(breaker, counted)
      expect(yield* count).toBe(3)
      yield* probe.release
      const results = yield* Fiber.join(callers)
      expect(results.filter(Either.isRight)).toHaveLength(3)
      expect(results.filter(Either.isLeft)).toHaveLength(7)
      expect((yield* breaker.snapshot).state).toBe("closed")
    }))

  it.effect("an interrupted probe releases its slot and counts as neither success nor failure", () =>
    Effect.gen(function*() {
      const breaker = yield* halfOpenBreaker({ ...baseOptions, halfOpenSuccesses: 1 })
      const { count, counted } = yield* makeCounter
      const probe = yield* makeHeldCall
      const fiber = yield* Effect.fork(breaker.run(counted(probe.call)))
      yield* probe.started
      expect(Either.isLeft(yield* Effect.either(breaker.run(counted(ok))))).toBe(true)

      yield* Fiber.interrupt(fiber)
      expect(yield* breaker.snapshot).toMatchObject({ state: "half_open", transitions: 2 })

      // The slot is free again; this probe's success closes the breaker.
      expect(yield* breaker.run(counted(ok))).toBe("ok")
      expect(yield* count).toBe(2)
      expect((yield* breaker.snapshot).state).toBe("closed")
    }))

  it.effect("a call admitted while closed that finishes during half_open neither counts nor frees a probe slot", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({ ...baseOptions, failureThreshold: 1, halfOpenSuccesses: 1 })
      const straggler = yield* makeHeldCall
      const stragglerFiber = yield* Effect.fork(breaker.run(straggler.call))
      yield* straggler.started
      yield* Effect.exit(breaker.run(failing))
      yield* TestClock.adjust("10 seconds")

      const probe = yield* makeHeldCall
      const probeFiber = yield* Effect.fork(breaker.run(probe.call))
      yield* probe.started
      yield* straggler.release
      yield* Fiber.join(stragglerFiber)
      // The straggler's success belongs to the closed era: still half_open and the only slot is still taken.
      expect((yield* breaker.snapshot).state).toBe("half_open")
      expect(Either.isLeft(yield* Effect.either(breaker.run(ok)))).toBe(true)

      yield* probe.release
      yield* Fiber.join(probeFiber)
      expect((yield* breaker.snapshot).state).toBe("closed")
    }))
})

describe("circuit breaker: what counts as a failure", () => {
  it.effect("interrupting a call in closed state does not count against the breaker", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({ ...baseOptions, failureThreshold: 1 })
      const held = yield* makeHeldCall
      const fiber = yield* Effect.fork(breaker.run(held.call))
      yield* held.started
      yield* Fiber.interrupt(fiber)
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", consecutiveFailures: 0, transitions: 0 })
    }))

  it.effect("isFailure excludes healthy-backend errors, which reset the streak like successes", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({
        ...baseOptions,
        failureThreshold: 2,
        isFailure: (error) => error instanceof Unavailable
      })
      for (let i = 0; i < 5; i++) {
        expect(yield* Effect.exit(breaker.run(Effect.fail(new NotFound())))).toStrictEqual(Exit.fail(new NotFound()))
      }
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", consecutiveFailures: 0 })

      yield* Effect.exit(breaker.run(failing))
      yield* Effect.exit(breaker.run(Effect.fail(new NotFound())))
      yield* Effect.exit(breaker.run(failing))
      expect(yield* breaker.snapshot).toMatchObject({ state: "closed", consecutiveFailures: 1 })

      yield* Effect.exit(breaker.run(failing))
      expect((yield* breaker.snapshot).state).toBe("open")
    }))

  it.effect("defects always count, even when isFailure ignores every typed error", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({ ...baseOptions, failureThreshold: 1, isFailure: () => false })
      yield* Effect.exit(breaker.run(failing))
      expect((yield* breaker.snapshot).state).toBe("closed")
      yield* Effect.exit(breaker.run(Effect.die("driver crashed")))
      expect((yield* breaker.snapshot).state).toBe("open")
    }))
})
