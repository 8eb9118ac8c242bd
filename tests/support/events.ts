/**
 * The event store on a fresh, migrated database (`eventStoreLayer`), plus small builders the
 * event-store suites share: unique stream ids, new events, checkpoint order, a follower that
 * collects into a queue.
 */
import type { SqlError } from "@effect/sql/SqlError"
import { Chunk, type ConfigError, Duration, Effect, Layer, Logger, Queue, type Scope, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { awaitMigrated } from "../../src/services/database/live.js"
import { EventStore, type FollowOptions } from "../../src/services/events/EventStore.js"
import { EventStoreLive } from "../../src/services/events/live.js"
import {
  type Checkpoint,
  type EventMetadata,
  type NewEvent,
  type RecordedEvent,
  StreamId
} from "../../src/services/events/schema.js"
import { type BackendName, runToken } from "./backends.js"
import { databaseLayer, type TestDatabaseOptions, type TestDatabaseServices } from "./database.js"

export type TestEventStoreServices = EventStore | TestDatabaseServices

/** Migrations finish in the background; the store is built only once they have (or the build dies). */
const MIGRATION_WAIT = Duration.seconds(30)

/**
 * `EventStoreLive` over `databaseLayer(backend, options)`: a database of its own (unless
 * `options.dataDir` / `options.databaseUrl` name one to reuse), migrated before the store is built.
 * The store's own logs are dropped unless `options.logger` is given, like the database layer's.
 */
export const eventStoreLayer = (
  backend: BackendName,
  options: TestDatabaseOptions = {}
): Layer.Layer<TestEventStoreServices, SqlError | ConfigError.ConfigError> => {
  const migrated = Layer.effectDiscard(
    awaitMigrated.pipe(
      Effect.timeoutFail({ duration: MIGRATION_WAIT, onTimeout: () => new Error("migrations did not finish within 30 s") }),
      Effect.orDie
    )
  ).pipe(Layer.provideMerge(databaseLayer(backend, options)))
  const logging = options.logger === undefined
    ? Logger.remove(Logger.defaultLogger)
    : Logger.replace(Logger.defaultLogger, options.logger)
  return EventStoreLive.pipe(Layer.provide(logging), Layer.provideMerge(migrated))
}

/** A stream id no other test (or run) uses: `<type>:<prefix>-<token>-<n>`. */
export const streamIds = (type = "test") => {
  const token = runToken()
  let n = 0
  return (name = "s"): StreamId => StreamId.make(`${type}:${name}-${token}-${++n}`)
}

/** An event type no other test uses (types filter reads on a shared database). */
export const uniqueType = (name: string): string => `${name}.${runToken()}`

export const newEvent = (
  type: string,
  data: unknown = {},
  extra: { readonly eventId?: string; readonly metadata?: EventMetadata; readonly createdAt?: NewEvent["createdAt"] } = {}
): NewEvent => ({
  eventId: extra.eventId ?? randomUUID(),
  type,
  data,
  ...(extra.metadata === undefined ? {} : { metadata: extra.metadata }),
  ...(extra.createdAt === undefined ? {} : { createdAt: extra.createdAt })
})

export const newEvents = (type: string, count: number, data: (i: number) => unknown = (i) => ({ i })): Array<NewEvent> =>
  Array.from({ length: count }, (_, i) => newEvent(type, data(i)))

export const checkpointOf = (event: RecordedEvent): Checkpoint => ({
  transactionId: event.transactionId,
  position: event.position
})

/** Global order: by the writing transaction, then by position. */
export const compareCheckpoints = (a: Checkpoint, b: Checkpoint): -1 | 0 | 1 =>
  a.transactionId < b.transactionId ? -1
  : a.transactionId > b.transactionId ? 1
  : a.position < b.position ? -1
  : a.position > b.position ? 1
  : 0

export const isInGlobalOrder = (events: ReadonlyArray<RecordedEvent>): boolean =>
  events.every((e, i) => i === 0 || compareCheckpoints(checkpointOf(events[i - 1]!), checkpointOf(e)) < 0)

/** Starts `follow(after, options)` in the current scope; every delivered event lands in the queue. */
export const startFollower = (
  after: Checkpoint,
  options?: FollowOptions
): Effect.Effect<Queue.Queue<RecordedEvent>, never, EventStore | Scope.Scope> =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const delivered = yield* Queue.unbounded<RecordedEvent>()
    yield* store.follow(after, options).pipe(
      Stream.runForEach((event) => Queue.offer(delivered, event)),
      Effect.orDie,
      Effect.forkScoped
    )
    return delivered
  })

/** Takes exactly `count` events from the queue, dying if they do not all arrive within `timeout`. */
export const takeDelivered = (
  queue: Queue.Queue<RecordedEvent>,
  count: number,
  timeout: Duration.DurationInput = "10 seconds"
): Effect.Effect<ReadonlyArray<RecordedEvent>> =>
  Queue.takeBetween(queue, count, count).pipe(
    Effect.map(Chunk.toReadonlyArray),
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () => new Error(`fewer than ${count} events delivered within ${Duration.format(timeout)}`)
    }),
    Effect.orDie
  )
