/**
 * `runPromise`, the breaker around a promise-returning call in one step: the same state machine as
 * `run` (failures counted as `settle` says, refusals while open without calling), values and errors
 * turned into answers by `settle`, a throwing `settle` a defect counted as a failure, and a call
 * whose caller was interrupted still counted when it settles.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, TestClock } from "effect"
import { type BreakerOptions, CircuitOpen, makeCircuitBreaker, type PromiseSettle } from "../../src/resilience/index.js"

const options: BreakerOptions = { name: "store", failureThreshold: 3, cooldown: "10 seconds", halfOpenSuccesses: 1 }

class Down {
  readonly _tag = "Down"
}

/** Values answer as such; an Error whose message starts with "answered" is not the dependency's fault. */
const settle: PromiseSettle<number, number, Down | CircuitOpen> = {
  onValue: (value) => ({ failed: false, answer: Effect.succeed(value * 2) }),
  onError: (error) =>
    error instanceof Error && error.message.startsWith("answered")
      ? { failed: false, answer: Effect.die(error) }
      : { failed: true, answer: Effect.fail(new Down()) },
  onOpen: (open) => Effect.fail(open)
}

describe("circuit breaker: runPromise", () => {
  it.effect("answers through settle; dependency failures open it, then it refuses without calling", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker(options)
      expect(yield* breaker.runPromise(() => Promise.resolve(21), settle)).toBe(42)
      // A defect of the caller (Redis answered) does not count.
      for (let i = 0; i < 5; i++) {
        const exit = yield* Effect.exit(breaker.runPromise(() => Promise.reject(new Error("answered: wrong type")), settle))
        expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      }
      expect((yield* breaker.snapshot).state).toBe("closed")
      for (let i = 0; i < 3; i++) {
        expect(yield* Effect.flip(breaker.runPromise(() => Promise.reject(new Error("ECONNREFUSED")), settle))).toBeInstanceOf(Down)
      }
      expect((yield* breaker.snapshot).state).toBe("open")
      let called = 0
      const refused = yield* Effect.flip(breaker.runPromise(() => {
        called++
        return Promise.resolve(1)
      }, settle))
      expect(refused).toBeInstanceOf(CircuitOpen)
      expect(called).toBe(0)
      // After the cooldown a probe is let through; its success closes the breaker.
      yield* TestClock.adjust("10 seconds")
      expect(yield* breaker.runPromise(() => Promise.resolve(1), settle)).toBe(2)
      expect((yield* breaker.snapshot).state).toBe("closed")
    }))

  it.effect("a synchronous throw is a rejection; a throwing settle is a defect that counts as a failure", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker(options)
      const thrown = yield* Effect.flip(breaker.runPromise(() => {
        throw new Error("socket gone")
      }, settle))
      expect(thrown).toBeInstanceOf(Down)
      const broken: PromiseSettle<number, number, never> = {
        onValue: () => {
          throw new Error("bad reply")
        },
        onError: () => ({ failed: true, answer: Effect.die("unreachable") }),
        onOpen: (open) => Effect.die(open)
      }
      const exit = yield* Effect.exit(breaker.runPromise(() => Promise.resolve(1), broken))
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      expect((yield* breaker.snapshot).consecutiveFailures).toBe(2)
    }))

  it.live("an interrupted caller stops waiting; the call is still counted when it settles", () =>
    Effect.gen(function*() {
      const breaker = yield* makeCircuitBreaker({ ...options, failureThreshold: 1 })
      let reject: (error: Error) => void = () => undefined
      const started = yield* Deferred.make<void>()
      const caller = yield* Effect.fork(breaker.runPromise(() =>
        new Promise<number>((_, fail) => {
          reject = fail
          Deferred.unsafeDone(started, Exit.void)
        }), settle))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(caller)
      expect((yield* breaker.snapshot).state).toBe("closed")
      reject(new Error("ECONNRESET"))
      yield* Effect.sleep("10 millis")
      expect((yield* breaker.snapshot).state).toBe("open")
    }))
})
