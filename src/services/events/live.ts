/**
 * `EventStore` on the Hub's Postgres-compatible database (Postgres or PGlite).
 */
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Duration, Effect, Layer, Metric } from "effect"
import type { HubConfig } from "../../config.js"
import { Database } from "../database/Database.js"
import { isUniqueViolation } from "../database/failures.js"
import { appendStatement, validateBatch } from "./append.js"
import { makeRunConsumer, readCheckpoint } from "./consumer.js"
import { EventStore } from "./EventStore.js"
import { makeFollow, POLL_INTERVAL } from "./follow.js"
import { appendDurationMs, eventsAppended } from "./metrics.js"
import { readAllStatements, readStreamStatements } from "./read.js"
import type { ExpectedVersion, NewEvent, StreamId } from "./schema.js"
import { EVENTS_CHANNEL, makeWakeSignal } from "./wake.js"

const isEventIdRace = (error: unknown): error is SqlError => error instanceof SqlError && isUniqueViolation(error)

export interface EventStoreOptions {
  /** Longest a follower waits without a wake-up before reading again (default 1 s). */
  readonly pollInterval?: Duration.DurationInput
}

export const makeEventStoreLayer = (
  options: EventStoreOptions = {}
): Layer.Layer<EventStore, never, Database | PgClient.PgClient | SqlClient.SqlClient | HubConfig> =>
  Layer.scoped(
    EventStore,
    Effect.gen(function* () {
      const db = yield* Database
      const sql = yield* PgClient.PgClient
      const onPostgres = db.backend === "postgres"
      const signal = yield* makeWakeSignal({ listen: onPostgres })
      const withSql = <A, E>(self: Effect.Effect<A, E, PgClient.PgClient | SqlClient.SqlClient>) =>
        self.pipe(Effect.provideService(PgClient.PgClient, sql), Effect.provideService(SqlClient.SqlClient, sql))

      const append = (streamId: StreamId, events: ReadonlyArray<NewEvent>, expected: ExpectedVersion) =>
        Effect.gen(function* () {
          yield* validateBatch(events)
          // On Postgres the statement also notifies followers in every instance (at commit).
          const attempt = appendStatement(streamId, events, expected, { notifyChannel: onPostgres ? EVENTS_CHANNEL : null })
          // Two appends racing with the same new event id: the loser retries once and then sees
          // the winner's row (a replay, or EventIdReused).
          const result = yield* db.guard(withSql(attempt.pipe(Effect.catchIf(isEventIdRace, () => attempt)))).pipe(
            Effect.timed,
            Effect.tap(([elapsed]) => Metric.update(appendDurationMs, Duration.toMillis(elapsed))),
            Effect.map(([, result]) => result)
          )
          if (!result.replayed) {
            const counts = new Map<string, number>()
            for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1)
            for (const [type, count] of counts) yield* Metric.incrementBy(Metric.tagged(eventsAppended, "type", type), count)
            // Followers of this process wake now; if this ran inside a caller's transaction that has
            // not committed yet, they find nothing and the commit's notification (or the poll) wakes them.
            yield* signal.publish
          }
          return result
        })

      const readAll = (options: Parameters<typeof readAllStatements>[0] = {}) => db.guard(withSql(readAllStatements(options)))
      const follow = makeFollow(readAll, signal, Duration.decode(options.pollInterval ?? POLL_INTERVAL))

      const localLocks = new Map<string, Effect.Semaphore>()
      const localLock = (name: string) =>
        Effect.suspend(() => {
          // Created synchronously, so two callers can never make two locks for one name.
          let lock = localLocks.get(name)
          if (lock === undefined) {
            lock = Effect.unsafeMakeSemaphore(1)
            localLocks.set(name, lock)
          }
          const held = lock
          return Effect.acquireRelease(held.take(1), () => held.release(1)).pipe(Effect.asVoid)
        })

      return EventStore.of({
        append,
        readStream: (streamId, options) => db.guard(withSql(readStreamStatements(streamId, options))),
        readAll,
        follow,
        runConsumer: makeRunConsumer({ guard: db.guard, follow, localLock, advisoryLocks: onPostgres }, sql),
        consumerCheckpoint: (name) => db.guard(withSql(readCheckpoint(name)))
      })
    })
  )

export const EventStoreLive = makeEventStoreLayer()
