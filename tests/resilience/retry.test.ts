import { describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Exit, Fiber, Random, Ref, Schedule, TestClock } from "effect"
import { type RetryPolicy, retrySchedule, retryWhile } from "../../src/resilience/index.js"
import { NotFound, Unavailable } from "./support.js"

const noJitter: RetryPolicy = { baseDelay: "100 millis", maxDelay: "1 second", maxRetries: 6, jitter: false }

/** Runs an always-failing call under the policy and returns the Clock time of every attempt. */
const attemptTimes = (policy: RetryPolicy) =>
  Effect.gen(function*() {
    const times = yield* Ref.make<ReadonlyArray<number>>([])
    const call = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.zipRight(Ref.update(times, (ts) => [...ts, now]), Effect.fail(new Unavailable())))
    const fiber = yield* Effect.fork(retryWhile(call, policy, () => true))
    yield* TestClock.adjust("1 hour")
    const exit = yield* Fiber.await(fiber)
    return { exit, times: yield* Ref.get(times) }
  })

const gaps = (times: ReadonlyArray<number>): ReadonlyArray<number> => times.slice(1).map((t, i) => t - (times[i] ?? 0))

/** The delays a schedule would wait, without sleeping (Schedule.run also emits the final "done" output, dropped here). */
const plannedDelaysMs = (policy: RetryPolicy, seed: string) =>
  Schedule.run(retrySchedule(policy), 0, Array.from({ length: policy.maxRetries + 5 }, () => undefined)).pipe(
    Effect.map((out) => Chunk.toReadonlyArray(out).slice(0, policy.maxRetries).map(Duration.toMillis)),
    Effect.withRandom(Random.make(seed))
  )

describe("retryWhile", () => {
  it.effect("runs the first attempt plus exactly maxRetries retries, then fails with the last error", () =>
    Effect.gen(function*() {
      const { exit, times } = yield* attemptTimes({ ...noJitter, maxRetries: 3 })
      expect(times).toHaveLength(4)
      expect(exit).toStrictEqual(Exit.fail(new Unavailable()))
    }))

  it.effect("maxRetries 0 means a single attempt", () =>
    Effect.gen(function*() {
      const { times } = yield* attemptTimes({ ...noJitter, maxRetries: 0 })
      expect(times).toHaveLength(1)
    }))

  it.effect("waits baseDelay * factor^n between attempts, capped at maxDelay", () =>
    Effect.gen(function*() {
      const { times } = yield* attemptTimes(noJitter)
      expect(gaps(times)).toStrictEqual([100, 200, 400, 800, 1000, 1000])
    }))

  it.effect("honours a custom factor", () =>
    Effect.gen(function*() {
      const { times } = yield* attemptTimes({ ...noJitter, factor: 3, maxDelay: "10 seconds", maxRetries: 4 })
      expect(gaps(times)).toStrictEqual([100, 300, 900, 2700])
    }))

  it.effect("with jitter (the default) no real delay exceeds the cap or leaves the 0.8x..1.2x band", () =>
    Effect.gen(function*() {
      const policy: RetryPolicy = { baseDelay: "100 millis", maxDelay: "1 second", maxRetries: 8 }
      const { times } = yield* attemptTimes(policy).pipe(Effect.withRandom(Random.make("luna-hub")))
      const observed = gaps(times)
      expect(observed).toHaveLength(8)
      observed.forEach((gap, n) => {
        const nominal = Math.min(100 * 2 ** n, 1000)
        expect(gap).toBeGreaterThanOrEqual(Math.floor(0.8 * nominal))
        expect(gap).toBeLessThanOrEqual(Math.min(Math.ceil(1.2 * nominal), 1000))
      })
    }))

  it.effect("jitter really varies the delays and is clamped at maxDelay", () =>
    Effect.gen(function*() {
      const policy: RetryPolicy = { baseDelay: "100 millis", maxDelay: "1 second", maxRetries: 40 }
      const delays = yield* plannedDelaysMs(policy, "spread")
      const nominal = delays.map((_, n) => Math.min(100 * 2 ** n, 1000))
      expect(delays.some((d, n) => d !== nominal[n])).toBe(true)
      expect(Math.max(...delays)).toBeLessThanOrEqual(1000)
      // Once the nominal delay sits at the cap, jitter can only shorten it (never below 0.8x).
      delays.slice(4).forEach((d) => expect(d).toBeGreaterThanOrEqual(800))
    }))

  it.effect("stops at the first error that is not retryable", () =>
    Effect.gen(function*() {
      const attempts = yield* Ref.make(0)
      const call = Effect.flatMap(
        Ref.updateAndGet(attempts, (n) => n + 1),
        (n): Effect.Effect<never, Unavailable | NotFound> => n < 3 ? Effect.fail(new Unavailable()) : Effect.fail(new NotFound())
      )
      const fiber = yield* Effect.fork(retryWhile(call, noJitter, (e) => e._tag === "Unavailable"))
      yield* TestClock.adjust("1 hour")
      const exit = yield* Fiber.await(fiber)
      expect(exit).toStrictEqual(Exit.fail(new NotFound()))
      expect(yield* Ref.get(attempts)).toBe(3)
    }))

  it.effect("does not retry at all when the first error is not retryable", () =>
    Effect.gen(function*() {
      const attempts = yield* Ref.make(0)
      const call = Effect.zipRight(Ref.update(attempts, (n) => n + 1), Effect.fail(new NotFound()))
      const exit = yield* Effect.exit(call.pipe(retryWhile(noJitter, (e: NotFound) => e._tag !== "NotFound")))
      expect(exit).toStrictEqual(Exit.fail(new NotFound()))
      expect(yield* Ref.get(attempts)).toBe(1)
    }))

  it.effect("pipeable form keeps the caller's error type even with a broad predicate", () =>
    Effect.gen(function*() {
      const call: Effect.Effect<number, Unavailable> = Effect.fail(new Unavailable())
      const retried: Effect.Effect<number, Unavailable> = call.pipe(retryWhile(noJitter, (_: unknown) => false))
      expect(yield* Effect.exit(retried)).toStrictEqual(Exit.fail(new Unavailable()))
    }))

  it.effect("returns the value once a retry succeeds", () =>
    Effect.gen(function*() {
      const attempts = yield* Ref.make(0)
      const call = Effect.flatMap(Ref.updateAndGet(attempts, (n) => n + 1), (n) => n < 3 ? Effect.fail(new Unavailable()) : Effect.succeed(n))
      const fiber = yield* Effect.fork(retryWhile(call, noJitter, () => true))
      yield* TestClock.adjust("300 millis")
      expect(yield* Fiber.join(fiber)).toBe(3)
    }))
})
