import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, type Context, type Duration, Effect, Fiber, Layer, Logger, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { awaitMigrated } from "../../../src/services/database/live.js"
import { EventStore } from "../../../src/services/events/EventStore.js"
import { makeEventStoreLayer } from "../../../src/services/events/live.js"
import { StreamId } from "../../../src/services/events/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { databaseLayer, testDatabaseUrl } from "../../support/database.js"

const real = (await backendsUnderTest()).find((b) => b.name === "real")!

/** An event store of its own (own pool, own LISTEN connection), as another Hub instance has. */
const instance = (databaseUrl: string, pollInterval: Duration.DurationInput) =>
  makeEventStoreLayer({ pollInterval }).pipe(
    Layer.provideMerge(Layer.effectDiscard(awaitMigrated).pipe(Layer.provideMerge(databaseLayer("real", { databaseUrl })))),
    Layer.provide(Logger.remove(Logger.defaultLogger))
  )

/** A writer polling every second and a reader that polls once a minute, so only notifications wake it in time. */
const writerAndReader = Effect.gen(function* () {
  const url = yield* testDatabaseUrl
  const writer = yield* Layer.build(instance(url, "1 second"))
  const reader = yield* Layer.build(instance(url, "60 seconds"))
  const storeOf = (context: Context.Context<EventStore>) => context.unsafeMap.get(EventStore.key) as EventStore["Type"]
  return {
    writerStore: storeOf(writer),
    writerSql: writer.unsafeMap.get(SqlClient.key) as SqlClient,
    readerStore: storeOf(reader)
  }
})

/** Starts following at the reader's end, taking `count` events, and lets it reach the waiting state. */
const followFromEnd = (readerStore: EventStore["Type"], count: number) =>
  Effect.gen(function* () {
    const end = (yield* readerStore.readAll({ limit: 1000 })).next
    const following = yield* readerStore.follow(end).pipe(Stream.take(count), Stream.runCollect, Effect.fork)
    yield* Effect.sleep("500 millis") // the follower has read, found nothing and is waiting
    return following
  })

// PGlite cannot deliver notifications over its socket (one process owns an embedded data dir, so
// the in-process signal suffices there): this path exists on Postgres only.
describe.skipIf(real.skip)("event notifications across instances (real Postgres)", () => {
  it.live("a follower in another instance wakes on the append's pg_notify, long before its poll", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const url = yield* testDatabaseUrl
        const writer = yield* Layer.build(instance(url, "1 second"))
        // The reader polls once a minute: only the notification can deliver within the timeout.
        const reader = yield* Layer.build(instance(url, "60 seconds"))
        const writerStore = writer.unsafeMap.get(EventStore.key) as EventStore["Type"]
        const readerStore = reader.unsafeMap.get(EventStore.key) as EventStore["Type"]
        const end = (yield* readerStore.readAll({ limit: 1000 })).next
        const following = yield* readerStore.follow(end).pipe(Stream.take(1), Stream.runCollect, Effect.fork)
        yield* Effect.sleep("500 millis") // the follower has read, found nothing and is waiting
        const streamId = StreamId.make(`notify:${randomUUID()}`)
        yield* writerStore.append(streamId, [{ eventId: randomUUID(), type: "Pinged", data: { n: 1 } }], "no_stream")
        const delivered = yield* Fiber.join(following).pipe(Effect.timeout("10 seconds"))
        expect(Chunk.toArray(delivered).map((e) => e.streamId)).toEqual([streamId])
      })
    ), 60_000)

  it.live("a burst of appends reaches a follower in another instance in full: the burst's last append is announced too", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { readerStore, writerStore } = yield* writerAndReader
        const following = yield* followFromEnd(readerStore, 200)
        const streamId = StreamId.make(`notify:${randomUUID()}`)
        yield* Effect.forEach(
          Array.from({ length: 200 }, (_, i) => i),
          (i) => writerStore.append(streamId, [{ eventId: randomUUID(), type: "Pinged", data: { i } }], "any"),
          { concurrency: 8, discard: true }
        )
        const delivered = yield* Fiber.join(following).pipe(Effect.timeout("10 seconds"))
        expect(Chunk.size(delivered)).toBe(200)
      })
    ), 60_000)

  it.live("an append inside a caller's transaction wakes a follower in another instance when that transaction commits", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { readerStore, writerSql, writerStore } = yield* writerAndReader
        const following = yield* followFromEnd(readerStore, 1)
        const streamId = StreamId.make(`notify:${randomUUID()}`)
        // The append announces itself at once, but its events become visible only at the commit a
        // second later: the follower must be woken again then.
        yield* writerSql.withTransaction(
          Effect.zipRight(
            writerStore.append(streamId, [{ eventId: randomUUID(), type: "Pinged", data: { n: 1 } }], "no_stream"),
            Effect.sleep("1 second")
          )
        )
        const delivered = yield* Fiber.join(following).pipe(Effect.timeout("10 seconds"))
        expect(Chunk.toArray(delivered).map((e) => e.streamId)).toEqual([streamId])
      })
    ), 60_000)
})
