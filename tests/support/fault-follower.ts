/**
 * An event follower as README's "Reading the event store" describes one: `Events.Follow` over the
 * exported RPC client, keeping the checkpoint of the last event it handled and, when its stream
 * breaks (its Hub killed, the database cut), following again from that checkpoint on the next
 * instance. It records, per followed stream, the versions it saw in the order it saw them, and any
 * event that did not come after the previous one in global order.
 */
import { Duration, Effect, Fiber, Stream } from "effect"
import { HubClient } from "../../src/rpc/client.js"
import { type Checkpoint, START } from "../../src/services/events/schema.js"

export interface FollowerRecord {
  /** Per followed stream: the versions seen, in the order seen. */
  readonly seen: Map<string, Array<number>>
  /** Events that did not come strictly after the previous one in (transactionId, position) order. */
  readonly outOfOrder: Array<string>
  /** Times the follow stream broke and was resumed from the checkpoint (possibly on another instance). */
  readonly resumptions: number
  readonly eventsReceived: number
}

export interface Follower {
  readonly record: () => FollowerRecord
  /** Resolves once `done(record)` holds (checked every 100 ms), or false after `timeoutMs`. */
  readonly waitFor: (done: (record: FollowerRecord) => boolean, timeoutMs: number) => Promise<boolean>
  readonly stop: () => Promise<void>
}

const after = (a: Checkpoint, b: Checkpoint): boolean => a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.position > b.position)

/** Pause before following again, so a dead instance is not hammered. */
const RESUME_PAUSE = Duration.millis(300)

export const startFollower = (options: {
  readonly urls: ReadonlyArray<string>
  readonly credential: string
  readonly firstInstance: number
  readonly follows: (streamId: string) => boolean
}): Follower => {
  const seen = new Map<string, Array<number>>()
  const outOfOrder: Array<string> = []
  let checkpoint: Checkpoint = START
  let resumptions = 0
  let eventsReceived = 0
  let instance = options.firstInstance

  const handle = (event: { readonly streamId: string; readonly streamVersion: number; readonly transactionId: bigint; readonly position: bigint }) =>
    Effect.sync(() => {
      eventsReceived++
      const at = { transactionId: event.transactionId, position: event.position }
      if (!after(at, checkpoint)) {
        outOfOrder.push(`${event.streamId} v${event.streamVersion} at ${at.transactionId}:${at.position} after ${checkpoint.transactionId}:${checkpoint.position}`)
      }
      checkpoint = at
      if (!options.follows(event.streamId)) return
      let versions = seen.get(event.streamId)
      if (versions === undefined) {
        versions = []
        seen.set(event.streamId, versions)
      }
      versions.push(event.streamVersion)
    })

  // One session: follow from the checkpoint on the current instance until the stream breaks.
  const session = Effect.suspend(() =>
    Effect.flatMap(HubClient, (hub) => hub.Events.Follow({ after: checkpoint }).pipe(Stream.runForEach(handle))).pipe(
      Effect.provide(HubClient.layer({ url: options.urls[instance]!, credential: options.credential }))
    )
  )
  const resumeElsewhere = Effect.sync(() => {
    resumptions++
    instance = (instance + 1) % options.urls.length
  })
  const fiber = Effect.runFork(
    session.pipe(
      Effect.catchAllCause(() => Effect.zipRight(resumeElsewhere, Effect.sleep(RESUME_PAUSE))),
      Effect.forever
    )
  )

  const record = (): FollowerRecord => ({ seen, outOfOrder, resumptions, eventsReceived })
  return {
    record,
    waitFor: async (done, timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        if (done(record())) return true
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      return done(record())
    },
    stop: async () => {
      await Effect.runPromise(Fiber.interrupt(fiber))
    }
  }
}
