import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Random, Schedule } from "effect"
import * as fc from "fast-check"
import { retrySchedule } from "../../src/resilience/index.js"

const policyArb = fc.record({
  baseMs: fc.integer({ min: 0, max: 10_000 }),
  factor: fc.double({ min: 1, max: 10, noNaN: true }),
  maxMs: fc.integer({ min: 0, max: 60_000 }),
  maxRetries: fc.integer({ min: 0, max: 60 }),
  jitter: fc.boolean(),
  seed: fc.integer()
})

// Float noise from Duration arithmetic; far below a millisecond.
const EPSILON_MS = 1e-6

describe("retrySchedule (property)", () => {
  it("never delays more than maxDelay, stays in the jitter band and recurs exactly maxRetries times", () => {
    fc.assert(
      fc.property(policyArb, ({ baseMs, factor, jitter, maxMs, maxRetries, seed }) => {
        const schedule = retrySchedule({ baseDelay: Duration.millis(baseMs), factor, maxDelay: Duration.millis(maxMs), maxRetries, jitter })
        const outputs = Effect.runSync(
          Schedule.run(schedule, 0, Array.from({ length: maxRetries + 10 }, () => undefined)).pipe(
            Effect.withRandom(Random.make(seed))
          )
        )
        // Schedule.run also emits the output of the step that ended the schedule.
        expect(Chunk.size(outputs)).toBe(maxRetries + 1)
        const delays = Chunk.toReadonlyArray(outputs).slice(0, maxRetries).map(Duration.toMillis)
        delays.forEach((delay, n) => {
          const nominal = Math.min(baseMs * factor ** n, maxMs)
          expect(delay).toBeLessThanOrEqual(maxMs + EPSILON_MS)
          if (jitter) {
            expect(delay).toBeGreaterThanOrEqual(0.8 * nominal - EPSILON_MS)
            expect(delay).toBeLessThanOrEqual(1.2 * nominal + EPSILON_MS)
          } else {
            expect(delay).toBeCloseTo(nominal, 6)
          }
        })
      }),
      { numRuns: 300 }
    )
  })
})
