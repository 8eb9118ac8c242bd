/**
 * Following the global order live: read a page; when nothing new is visible, wait for a wake-up
 * (an append here, or a notification from another instance) or the polling interval, whichever
 * comes first. The subscription is taken before the first read, so no wake-up is missed.
 */
import { Chunk, Clock, DateTime, Duration, Effect, Metric, Queue, Ref, Stream } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { FollowOptions } from "./EventStore.js"
import { followerLagMs } from "./metrics.js"
import type { Checkpoint, ReadAllOptions, ReadAllPage, RecordedEvent } from "./schema.js"
import type { WakeSignal } from "./wake.js"

/** Bounds the delay when a wake-up cannot arrive (a blocking transaction ended without appending). */
export const POLL_INTERVAL: Duration.Duration = Duration.seconds(1)
export const DEFAULT_FOLLOW_BATCH = 500

export const makeFollow =
  (
    readAll: (options: ReadAllOptions) => Effect.Effect<ReadAllPage, ServiceUnavailable>,
    signal: WakeSignal,
    pollInterval: Duration.Duration
  ) =>
  (after: Checkpoint, options: FollowOptions = {}): Stream.Stream<RecordedEvent, ServiceUnavailable> =>
    Stream.unwrapScoped(
      Effect.gen(function* () {
        const wakeUps = yield* signal.subscribe
        const cursor = yield* Ref.make(after)
        const limit = options.batchSize ?? DEFAULT_FOLLOW_BATCH
        const nextPage: Effect.Effect<Chunk.Chunk<RecordedEvent>, ServiceUnavailable> = Effect.gen(function* () {
          while (true) {
            const page = yield* readAll({ after: yield* Ref.get(cursor), limit, types: options.types })
            if (page.events.length > 0) {
              yield* Ref.set(cursor, page.next)
              const now = yield* Clock.currentTimeMillis
              for (const event of page.events) {
                yield* Metric.update(followerLagMs, Math.max(0, now - DateTime.toEpochMillis(event.createdAt)))
              }
              return Chunk.fromIterable(page.events)
            }
            yield* Effect.race(Queue.take(wakeUps), Effect.sleep(pollInterval))
          }
        })
        return Stream.repeatEffectChunk(nextPage)
      })
    )
