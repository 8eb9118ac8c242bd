/**
 * Named consumers: one active instance per name across the deployment, resumed from the stored
 * checkpoint, at-least-once (the checkpoint moves only after a batch was handled).
 *
 * Exclusivity: an in-process lock per name, plus on Postgres a session advisory lock held on a
 * reserved connection for as long as the consumer runs (PGlite has one session for every
 * connection, so there the in-process lock is the guard; one process owns an embedded data dir).
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Chunk, Effect, Metric, Option, Schedule, type Scope, Stream } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { ConsumerOptions } from "./EventStore.js"
import { consumerCheckpointPosition, consumerLagEvents } from "./metrics.js"
import { type Checkpoint, type RecordedEvent, START } from "./schema.js"

export const DEFAULT_CONSUMER_BATCH = 100
export const DEFAULT_PROGRESS_EVERY = 1000
const LOCK_RETRY = Schedule.spaced("1 second")

export const readCheckpoint = (name: string): Effect.Effect<Option.Option<Checkpoint>, SqlError, PgClient.PgClient> =>
  Effect.flatMap(PgClient.PgClient, (sql) =>
    sql<{ readonly transaction_id: string; readonly position: string }>`
      SELECT transaction_id::text AS transaction_id, position::text AS position
      FROM event_consumers WHERE name = ${name}`.pipe(
      Effect.map((rows) =>
        Option.map(Option.fromNullable(rows[0]), (row) => ({
          transactionId: BigInt(row.transaction_id),
          position: BigInt(row.position)
        }))
      )
    ))

const saveCheckpoint = (name: string, checkpoint: Checkpoint, processed: number) =>
  Effect.flatMap(PgClient.PgClient, (sql) =>
    sql`INSERT INTO event_consumers (name, transaction_id, position, processed)
        VALUES (${name}, ${checkpoint.transactionId.toString()}::xid8, ${checkpoint.position.toString()}, ${processed})
        ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position,
          processed = event_consumers.processed + EXCLUDED.processed, updated_at = now()`)

/** Holds `pg_advisory_lock` for the name on a connection of its own until the scope closes. */
const holdAdvisoryLock = (name: string): Effect.Effect<void, SqlError, PgClient.PgClient | Scope.Scope> =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const connection = yield* sql.reserve
    const key = `luna.consumer:${name}`
    const tryLock = connection
      .execute("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [key], undefined)
      .pipe(Effect.map((rows) => (rows[0] as { locked?: boolean } | undefined)?.locked === true))
    const first = yield* tryLock
    if (!first) {
      yield* Effect.logInfo(`Consumer ${name} runs in another instance; standing by`)
      yield* Effect.repeat(tryLock, { schedule: LOCK_RETRY, until: (locked) => locked })
    }
    yield* Effect.addFinalizer(() =>
      connection.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key], undefined).pipe(Effect.ignore)
    )
  })

export interface ConsumerDeps {
  readonly guard: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, Exclude<E, SqlError> | ServiceUnavailable, R>
  readonly follow: (after: Checkpoint, options: { readonly types?: ReadonlyArray<string> | undefined; readonly batchSize: number }) => Stream.Stream<RecordedEvent, ServiceUnavailable>
  /** In-process exclusivity per name. */
  readonly localLock: (name: string) => Effect.Effect<void, never, Scope.Scope>
  readonly advisoryLocks: boolean
}

export const makeRunConsumer =
  (deps: ConsumerDeps, sql: PgClient.PgClient) =>
  <E, R>(options: ConsumerOptions<E, R>): Effect.Effect<never, E | ServiceUnavailable, R> =>
    Effect.scoped(
      Effect.gen(function* () {
        const { name } = options
        const batchSize = options.batchSize ?? DEFAULT_CONSUMER_BATCH
        const progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY
        yield* deps.localLock(name)
        if (deps.advisoryLocks) yield* deps.guard(holdAdvisoryLock(name))
        const start = Option.getOrElse(yield* deps.guard(readCheckpoint(name)), () => START)
        yield* Effect.logInfo(`Consumer ${name} starting after ${start.transactionId}:${start.position}`)
        let processed = 0
        let nextReport = progressEvery
        yield* deps.follow(start, { types: options.types, batchSize }).pipe(
          Stream.chunks,
          Stream.runForEach((batch) =>
            Effect.gen(function* () {
              yield* options.handle(batch)
              const last = Chunk.unsafeLast(batch)
              const checkpoint = { transactionId: last.transactionId, position: last.position }
              yield* deps.guard(saveCheckpoint(name, checkpoint, batch.length))
              processed += batch.length
              yield* Metric.set(Metric.tagged(consumerCheckpointPosition, "consumer", name), Number(last.position))
              const head = yield* deps.guard(sql<{ readonly head: string | null }>`SELECT max(position)::text AS head FROM events`)
              const behind = Math.max(0, Number(head[0]?.head ?? 0) - Number(last.position))
              yield* Metric.set(Metric.tagged(consumerLagEvents, "consumer", name), behind)
              if (processed >= nextReport) {
                nextReport = processed + progressEvery
                yield* Effect.logInfo(`Consumer ${name} processed ${processed} events`).pipe(
                  Effect.annotateLogs({ checkpoint: `${last.transactionId}:${last.position}`, behind })
                )
              }
            })
          )
        )
        return yield* Effect.never
      }).pipe(Effect.provideService(PgClient.PgClient, sql), Effect.annotateLogs({ logger: "events", consumer: options.name }))
    )
