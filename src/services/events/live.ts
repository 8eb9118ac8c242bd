/**
 * `EventStore` on the Hub's Postgres-compatible database (Postgres or PGlite).
 */
import { SqlClient } from "@effect/sql"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Duration, Effect, FiberRef, Layer, Metric } from "effect"
import type { HubConfig } from "../../config.js"
import { Database } from "../database/Database.js"
import { AppendRaced, appendStatement, type ManagedTransaction, managedTransaction, payloadOf, validateBatch } from "./append.js"
import { currentRequest } from "../logging/request-context.js"
import { makeRunConsumer, readCheckpoint } from "./consumer.js"
import { EventStore } from "./EventStore.js"
import { makeFollow, POLL_INTERVAL } from "./follow.js"
import { appendDurationMs, eventsAppended } from "./metrics.js"
import { readAllStatements, readStreamStatements } from "./read.js"
import { type ExpectedVersion, InvalidEvent, type NewEvent, type StreamId } from "./schema.js"
import { EVENTS_CHANNEL, makeWakeSignal } from "./wake.js"

/** Event types beyond this many are still counted, just tagged on each append. */
const MAX_CACHED_TYPE_COUNTERS = 1_000

const isAppendRaced = (error: unknown): error is AppendRaced => error instanceof AppendRaced

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
      const signal = yield* makeWakeSignal({ crossInstance: onPostgres })
      const withSql = <A, E>(self: Effect.Effect<A, E, PgClient.PgClient | SqlClient.SqlClient>) =>
        self.pipe(Effect.provideService(PgClient.PgClient, sql), Effect.provideService(SqlClient.SqlClient, sql))

      // One counter per event type, tagged once (tagging per append would allocate and hash a metric key each time).
      const appendedByType = new Map<string, Metric.Metric.Counter<number>>()
      const appendedCounter = (type: string) => {
        let counter = appendedByType.get(type)
        if (counter === undefined) {
          counter = eventsAppended({ type })
          if (appendedByType.size < MAX_CACHED_TYPE_COUNTERS) appendedByType.set(type, counter)
        }
        return counter
      }
      const countAppended = (events: ReadonlyArray<NewEvent>) =>
        Effect.sync(() => {
          for (const event of events) appendedCounter(event.type).unsafeUpdate(1, [])
        })

      const notifyChannel = onPostgres ? EVENTS_CHANNEL : null
      const append = (streamId: StreamId, events: ReadonlyArray<NewEvent>, expected: ExpectedVersion) =>
        Effect.suspend((): ReturnType<EventStore["Type"]["append"]> => {
          const batch = validateBatch(events)
          if (batch instanceof InvalidEvent) return Effect.fail(batch)
          const once = appendStatement(sql, streamId, batch, expected, { notifyChannel })
          // Only if the row that refused the insert vanished before the replay check (an erasure in
          // between): the next attempt sees the ids stored or absent. (catchIf, not Effect.retry: no
          // schedule is built on the common path.)
          const attempt = once.pipe(
            Effect.catchIf(isAppendRaced, () => once),
            Effect.catchIf(isAppendRaced, (raced) => Effect.die(raced))
          )
          return db.guard(attempt).pipe(
            Effect.timed,
            Effect.flatMap(([elapsed, result]) => {
              appendDurationMs.unsafeUpdate(Duration.toMillis(elapsed), [])
              // Followers of this process wake now, other instances' soon. Inside a caller's transaction
              // that has not committed yet they find nothing; its commit's notification (or the poll)
              // wakes them again.
              // In a managed transaction the announcement waits for its commit (see `transaction`).
              if (result.replayed) return Effect.succeed(result)
              return Effect.as(
                Effect.zipRight(countAppended(events), Effect.flatMap(FiberRef.get(managedTransaction), (managed) => managed === undefined ? signal.announce : Effect.void)),
                result
              )
            })
          )
        })

      const transaction = <A, E, R>(self: Effect.Effect<A, E, R>) =>
        Effect.suspend(() => {
          const managed: ManagedTransaction = { appended: false }
          return db.guard(sql.withTransaction(Effect.locally(self, managedTransaction, managed))).pipe(
            Effect.tap(() => (managed.appended ? signal.announce : Effect.void))
          )
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

      const prepare = (events: ReadonlyArray<NewEvent>) =>
        Effect.suspend(() => {
          const batch = validateBatch(events)
          if (batch instanceof InvalidEvent) return Effect.fail(batch)
          return Effect.map(FiberRef.get(currentRequest), (request) => ({ payload: payloadOf(batch, request?.requestId) }))
        })
      const appended = (events: ReadonlyArray<NewEvent>) => Effect.zipRight(countAppended(events), signal.announce)

      return EventStore.of({
        append,
        transaction,
        prepare,
        appended,
        readStream: (streamId, options) => db.guard(withSql(readStreamStatements(streamId, options))),
        readAll,
        follow,
        runConsumer: makeRunConsumer({ guard: db.guard, follow, localLock, advisoryLocks: onPostgres }, sql),
        consumerCheckpoint: (name) => db.guard(withSql(readCheckpoint(name)))
      })
    })
  )

export const EventStoreLive = makeEventStoreLayer()
