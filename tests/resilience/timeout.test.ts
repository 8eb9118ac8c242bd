import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Ref, TestClock } from "effect"
import { TimeoutExceeded, withTimeout } from "../../src/resilience/index.js"
import { Unavailable } from "./support.js"

describe("withTimeout", () => {
  it.effect("fails with TimeoutExceeded exactly when the budget elapses and interrupts the inner call", () =>
    Effect.gen(function*() {
      const interrupted = yield* Ref.make(false)
      const hung = Effect.never.pipe(Effect.onInterrupt(() => Ref.set(interrupted, true)))
      const fiber = yield* Effect.fork(hung.pipe(withTimeout("pg.query", "2 seconds")))

      yield* TestClock.adjust("1999 millis")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      expect(yield* Ref.get(interrupted)).toBe(false)

      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      expect(exit).toStrictEqual(Exit.fail(new TimeoutExceeded({ operation: "pg.query", timeoutMs: 2000 })))
      expect(yield* Ref.get(interrupted)).toBe(true)
    }))

  it.effect("lets a call that finishes in time through, value and typed error alike", () =>
    Effect.gen(function*() {
      const slowOk = Effect.as(Effect.sleep("500 millis"), "row")
      const okFiber = yield* Effect.fork(slowOk.pipe(withTimeout("pg.query", "1 second")))
      const failing = Effect.zipRight(Effect.sleep("500 millis"), Effect.fail(new Unavailable()))
      const failFiber = yield* Effect.fork(failing.pipe(withTimeout("redis.get", "1 second")))
      yield* TestClock.adjust("500 millis")
      expect(yield* Fiber.join(okFiber)).toBe("row")
      expect(yield* Fiber.await(failFiber)).toStrictEqual(Exit.fail(new Unavailable()))
    }))

  it.effect("TimeoutExceeded is a tagged error carrying operation and budget", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.never.pipe(withTimeout("redis.get", "250 millis")))
      yield* TestClock.adjust("250 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error._tag).toBe("TimeoutExceeded")
      expect(error).toMatchObject({ operation: "redis.get", timeoutMs: 250 })
    }))
})
