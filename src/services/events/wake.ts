/**
 * Wakes followers when events may have been committed. In-process appends publish directly; on
 * Postgres, appends also `pg_notify` so followers in other Hub instances wake through one LISTEN
 * connection per process. PGlite cannot deliver notifications over its socket, so embedded mode
 * relies on the in-process signal (a single process owns the data dir) and the polling fallback.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, PubSub, Queue, Schedule, type Scope, Stream } from "effect"

export const EVENTS_CHANNEL = "luna_events"

export interface WakeSignal {
  /** Wake every follower of this process. */
  readonly publish: Effect.Effect<void>
  /** A subscription: each take returns once at least one wake-up happened since the last take. */
  readonly subscribe: Effect.Effect<Queue.Dequeue<void>, never, Scope.Scope>
}

export const makeWakeSignal = (options: { readonly listen: boolean }): Effect.Effect<WakeSignal, never, PgClient.PgClient | Scope.Scope> =>
  Effect.gen(function* () {
    // Sliding with capacity 1: a burst of appends is one pending wake-up per follower, never a backlog.
    const hub = yield* Effect.acquireRelease(PubSub.sliding<void>(1), PubSub.shutdown)
    const publish = PubSub.publish(hub, undefined).pipe(Effect.asVoid)
    if (options.listen) {
      const client = yield* PgClient.PgClient
      yield* client.listen(EVENTS_CHANNEL).pipe(
        Stream.runForEach(() => publish),
        Effect.tapErrorCause((cause) =>
          Effect.logDebug("Event notifications lost; reconnecting", cause).pipe(Effect.annotateLogs({ logger: "events" }))
        ),
        Effect.retry(Schedule.exponential("200 millis").pipe(Schedule.union(Schedule.spaced("5 seconds")))),
        Effect.forkScoped
      )
    }
    return { publish, subscribe: PubSub.subscribe(hub) }
  })
