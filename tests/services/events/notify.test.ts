import { describe, expect, it } from "@effect/vitest"
import { Chunk, type Duration, Effect, Fiber, Layer, Logger, Stream } from "effect"
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
})
