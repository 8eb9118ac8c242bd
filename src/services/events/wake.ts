/**
 * Wakes followers when events may have been committed. In-process appends wake this process's
 * followers directly. On Postgres, other Hub instances learn of appends through NOTIFY on one
 * channel, which each process LISTENs to on one connection.
 *
 * A NOTIFY inside the appending transaction would serialise every commit on the server-wide
 * notification lock (it halved append throughput), so the store's own appends are announced after
 * they commit: at most one NOTIFY per NOTIFY_SPACING per process, sent by one background fiber, a
 * burst of appends being one notification. Appends inside a caller's transaction still notify at
 * that transaction's commit (the store cannot see the commit). PGlite cannot deliver notifications
 * over its socket, so embedded mode relies on the in-process signal (a single process owns the data
 * dir) and the polling fallback.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Duration, Effect, PubSub, Queue, Schedule, type Scope, Stream } from "effect"
import { randomUUID } from "node:crypto"

export const EVENTS_CHANNEL = "luna_events"

/** Bounds the NOTIFY rate of one process; other instances' followers wake at most this much later. */
export const NOTIFY_SPACING: Duration.Duration = Duration.millis(10)

export interface WakeSignal {
  /** Wake every follower of this process. */
  readonly publish: Effect.Effect<void>
  /** After an append committed: wake this process's followers now, other instances' within NOTIFY_SPACING. */
  readonly announce: Effect.Effect<void>
  /** A subscription: each take returns once at least one wake-up happened since the last take. */
  readonly subscribe: Effect.Effect<Queue.Dequeue<void>, never, Scope.Scope>
}

const logEvents = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.annotateLogs(self, { logger: "events" })

export const makeWakeSignal = (
  options: { readonly crossInstance: boolean }
): Effect.Effect<WakeSignal, never, PgClient.PgClient | Scope.Scope> =>
  Effect.gen(function* () {
    // Sliding with capacity 1: a burst of appends is one pending wake-up per follower, never a backlog.
    const hub = yield* Effect.acquireRelease(PubSub.sliding<void>(1), PubSub.shutdown)
    const publish = PubSub.publish(hub, undefined).pipe(Effect.asVoid)
    const subscribe = PubSub.subscribe(hub)
    if (!options.crossInstance) return { publish, announce: publish, subscribe }

    const client = yield* PgClient.PgClient
    // This process's own notifications carry its token, so its listener does not wake it twice.
    const token = randomUUID()
    yield* client.listen(EVENTS_CHANNEL).pipe(
      Stream.runForEach((payload) => (payload === token ? Effect.void : publish)),
      Effect.tapErrorCause((cause) => logEvents(Effect.logDebug("Event notifications lost; reconnecting", cause))),
      Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.union(Schedule.spaced("5 seconds")))),
      Effect.forkScoped
    )

    const requested = yield* Queue.sliding<void>(1)
    yield* Queue.take(requested).pipe(
      Effect.zipRight(
        client`SELECT pg_notify(${EVENTS_CHANNEL}, ${token})`.pipe(
          // Followers elsewhere fall back to polling; the next append notifies again.
          Effect.catchAllCause((cause) => logEvents(Effect.logDebug("Event notification not sent", cause)))
        )
      ),
      Effect.zipRight(Effect.sleep(NOTIFY_SPACING)),
      Effect.forever,
      Effect.forkScoped
    )
    // A full queue means a notification is already due, and it will be sent after this commit.
    const requestNotify = Effect.sync(() => void requested.unsafeOffer(undefined))
    return { publish, announce: Effect.zipRight(publish, requestNotify), subscribe }
  })
