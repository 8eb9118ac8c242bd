import { Duration, Effect, Schedule } from "effect"
import { dual } from "effect/Function"

/** How an outbound call is retried: capped exponential backoff with optional jitter. */
export interface RetryPolicy {
  readonly baseDelay: Duration.DurationInput
  /** Growth per retry; defaults to 2. */
  readonly factor?: number
  /** No single delay ever exceeds this, jitter included. */
  readonly maxDelay: Duration.DurationInput
  /** Retries after the first attempt; 0 means no retry. */
  readonly maxRetries: number
  /** Defaults to true (Schedule.jittered, 0.8x..1.2x) so clients that failed together do not retry together. */
  readonly jitter?: boolean
}

const DEFAULT_FACTOR = 2

// Computed in plain milliseconds and capped before becoming a delay, so factor^n overflowing to Infinity never reaches the scheduler.
const cappedDelayMs = (baseMs: number, factor: number, maxMs: number, retryIndex: number): number => {
  const rawMs = baseMs * Math.pow(factor, retryIndex)
  return Number.isNaN(rawMs) ? 0 : Math.max(0, Math.min(rawMs, maxMs))
}

// A negative or fractional budget would make Schedule.recurs meaningless; treat it as the nearest sane count.
const retryBudget = (maxRetries: number): number => (Number.isNaN(maxRetries) ? 0 : Math.max(0, Math.floor(maxRetries)))

/** Delays baseDelay * factor^n, capped at maxDelay before and after jitter, at most maxRetries times; outputs the delay actually waited. */
export const retrySchedule = (policy: RetryPolicy): Schedule.Schedule<Duration.Duration, unknown> => {
  const baseMs = Duration.toMillis(policy.baseDelay)
  const maxMs = Duration.toMillis(policy.maxDelay)
  const factor = policy.factor ?? DEFAULT_FACTOR
  const capped = Schedule.forever.pipe(
    Schedule.addDelay((retryIndex) => Duration.millis(cappedDelayMs(baseMs, factor, maxMs, retryIndex)))
  )
  const shaped = policy.jitter === false
    ? capped
    : Schedule.jittered(capped).pipe(
      // Jitter can stretch a capped delay by up to 1.2x; clamp again so maxDelay stays a hard ceiling.
      Schedule.modifyDelay((_, delay) => Duration.millis(Math.min(Duration.toMillis(delay), maxMs)))
    )
  return Schedule.delays(shaped).pipe(Schedule.zipLeft(Schedule.recurs(retryBudget(policy.maxRetries))))
}

/**
 * Retries `self` per `policy`, but only while `isRetryable` accepts the error (e.g. not on constraint
 * violations). The schedule is built only after a first retryable failure, so a call that succeeds
 * at once (the common case on hot paths) pays nothing for it; the first failure is replayed into the
 * schedule, so delays and the retry count are those of `Effect.retry` with the same schedule.
 */
export const retryWhile: {
  <E>(policy: RetryPolicy, isRetryable: (error: E) => boolean): <A, E2 extends E, R>(self: Effect.Effect<A, E2, R>) => Effect.Effect<A, E2, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy, isRetryable: (error: E) => boolean): Effect.Effect<A, E, R>
} = dual(
  3,
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy, isRetryable: (error: E) => boolean): Effect.Effect<A, E, R> =>
    Effect.catchIf(self, isRetryable, (firstError) => {
      let replayed = false
      const again = Effect.suspend(() => {
        if (replayed) return self
        replayed = true
        return Effect.fail(firstError)
      })
      return Effect.retry(again, { schedule: retrySchedule(policy), while: isRetryable })
    })
)
