/**
 * A clock that runs in real time but can be moved forward: what a door test needs to see an
 * hour-long overlap end without waiting, while sockets, timeouts and sleeps keep real time.
 * Give it to `testHubLayer(backend, { clock })`.
 */
import { Clock, Duration, Effect } from "effect"

export interface AdjustableClock {
  readonly clock: Clock.Clock
  /** Moves every later reading forward by `by`. */
  readonly advance: (by: Duration.DurationInput) => Effect.Effect<void>
}

export const adjustableClock = (): AdjustableClock => {
  const live = Clock.make()
  let offsetMs = 0
  const nowMs = () => live.unsafeCurrentTimeMillis() + offsetMs
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: nowMs,
    currentTimeMillis: Effect.sync(nowMs),
    unsafeCurrentTimeNanos: () => live.unsafeCurrentTimeNanos() + BigInt(offsetMs) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => live.unsafeCurrentTimeNanos() + BigInt(offsetMs) * 1_000_000n),
    sleep: (duration) => live.sleep(duration)
  }
  return {
    clock,
    advance: (by) => Effect.sync(() => void (offsetMs += Duration.toMillis(Duration.decode(by))))
  }
}
