import { Duration, Effect, Schema } from "effect"

/** The outbound call took longer than its budget and was interrupted. */
export class TimeoutExceeded extends Schema.TaggedError<TimeoutExceeded>()("TimeoutExceeded", {
  operation: Schema.String,
  timeoutMs: Schema.Number
}) {}

/** Fails with TimeoutExceeded after `duration` and interrupts `self`, so a hung socket never holds the caller. */
export const withTimeout = (operation: string, duration: Duration.DurationInput) => {
  const timeoutMs = Duration.toMillis(duration)
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | TimeoutExceeded, R> =>
    Effect.timeoutFail(self, {
      duration,
      onTimeout: () => new TimeoutExceeded({ operation, timeoutMs })
    })
}
