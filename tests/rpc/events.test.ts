import { describe, expect, layer } from "@effect/vitest"
import { Chunk, DateTime, Effect, Either, Fiber, Layer, Option, Queue, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { HubClient, type HubClientOptions } from "../../src/rpc/client.js"
import { ServiceUnavailable } from "../../src/services/common/errors.js"
import { EventStore } from "../../src/services/events/EventStore.js"
import { type NewEvent, type RecordedEvent, StreamId, StreamNotFound } from "../../src/services/events/schema.js"
import { TEST_ADMIN_KEY } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { call, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const transports = [
  { name: "HTTP", layer: HubClient.layer },
  { name: "WebSocket", layer: HubClient.layerWebSocket }
] as const

/** The exported client, pointed at the test Hub. */
const withClient = <A, E, R>(
  make: (options: HubClientOptions) => Layer.Layer<HubClient>,
  use: (hub: HubClient["Type"]) => Effect.Effect<A, E, R>
) =>
  Effect.flatMap(TestHub, (testHub) =>
    Effect.scoped(Effect.flatMap(Layer.build(make({ url: testHub.url, credential: TEST_ADMIN_KEY })), (context) => use(context.unsafeMap.get(HubClient.key) as HubClient["Type"])))
  )

/** Migrations run in the background: the event store answers once the Hub is ready. */
const ready = eventually(call("/monitoring/ready"), (a) => a.status === 200, "30 seconds")

const newEvents = (type: string, count: number): Array<NewEvent> =>
  Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), type, data: { i } }))

const append = (streamId: StreamId, events: ReadonlyArray<NewEvent>) =>
  Effect.flatMap(EventStore, (store) => store.append(streamId, events, "any")).pipe(Effect.orDie)

const idsOf = (events: Iterable<RecordedEvent | NewEvent>) => Array.from(events, (e) => e.eventId)

/**
 * A checkpoint after every event written so far. ReadAll shows an event once every older
 * transaction has ended (on a shared Postgres, those of other databases too), so append a marker
 * and wait until it is visible: everything before it is then visible too.
 */
const endOfLog = (hub: HubClient["Type"]) =>
  Effect.gen(function* () {
    const type = `Marker_${runToken()}`
    yield* append(StreamId.make(`marker:m-${runToken()}`), newEvents(type, 1))
    const page = yield* eventually(hub.Events.ReadAll({ types: [type] }), (p) => p.events.length === 1, "30 seconds")
    return page.next
  })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Events RPC through the exported client (${backend.name})`, () => {
    layer(testHubLayer(backend.name, { databaseProxy: true }), { timeout: 60_000, excludeTestServices: true })((it) => {
      for (const transport of transports) {
        it.effect(`${transport.name}: ReadStream answers the stream's events, decoded`, () =>
          Effect.gen(function* () {
            yield* ready
            const streamId = StreamId.make(`account:rpc-${runToken()}`)
            const written = newEvents("Step", 3)
            yield* append(streamId, written)
            yield* withClient(transport.layer, (hub) =>
              Effect.gen(function* () {
                const all = yield* hub.Events.ReadStream({ streamId })
                expect(idsOf(all)).toEqual(idsOf(written))
                const [first] = all
                expect(first).toMatchObject({ streamId, streamVersion: 1, type: "Step", data: { i: 0 }, metadata: {} })
                expect(typeof first!.position).toBe("bigint")
                expect(typeof first!.transactionId).toBe("bigint")
                expect(DateTime.isDateTime(first!.createdAt)).toBe(true)
                const backward = yield* hub.Events.ReadStream({ streamId, direction: "backward", limit: 2 })
                expect(backward.map((e) => e.streamVersion)).toEqual([3, 2])
                const fromTwo = yield* hub.Events.ReadStream({ streamId, fromVersion: 2 })
                expect(fromTwo.map((e) => e.streamVersion)).toEqual([2, 3])
              })
            )
          }))

        it.effect(`${transport.name}: ReadStream of an unknown stream fails with StreamNotFound, typed`, () =>
          Effect.gen(function* () {
            yield* ready
            const streamId = StreamId.make(`account:nobody-${runToken()}`)
            const error = yield* withClient(transport.layer, (hub) => Effect.flip(hub.Events.ReadStream({ streamId })))
            expect(error).toBeInstanceOf(StreamNotFound)
            expect(error).toMatchObject({ _tag: "StreamNotFound", streamId })
          }))

        it.effect(`${transport.name}: ReadAll pages by type with next`, () =>
          Effect.gen(function* () {
            yield* ready
            const token = runToken()
            const type = `RpcPaged_${token}`
            const written = newEvents(type, 3)
            yield* append(StreamId.make(`paging:rpc-${token}`), written)
            yield* withClient(transport.layer, (hub) =>
              Effect.gen(function* () {
                yield* eventually(hub.Events.ReadAll({ types: [type] }), (p) => p.events.length === 3, "30 seconds")
                const first = yield* hub.Events.ReadAll({ types: [type], limit: 2 })
                expect(idsOf(first.events)).toEqual(idsOf(written.slice(0, 2)))
                expect(typeof first.next.position).toBe("bigint")
                const second = yield* hub.Events.ReadAll({ types: [type], limit: 2, after: first.next })
                expect(idsOf(second.events)).toEqual(idsOf(written.slice(2)))
                const end = yield* hub.Events.ReadAll({ types: [type], after: second.next })
                expect(end.events).toEqual([])
                expect(end.next).toEqual(second.next)
              })
            )
          }))

        it.effect(`${transport.name}: Follow from the end receives exactly the events appended after it started, in order`, () =>
          Effect.gen(function* () {
            yield* ready
            const streamId = StreamId.make(`follow:live-${runToken()}`)
            const written = newEvents("Live", 3)
            yield* withClient(transport.layer, (hub) =>
              Effect.gen(function* () {
                const end = yield* endOfLog(hub)
                const received = yield* Queue.unbounded<RecordedEvent>()
                const following = yield* hub.Events.Follow({ after: end }).pipe(
                  Stream.tap((event) => Queue.offer(received, event)),
                  Stream.take(3),
                  Stream.runCollect,
                  Effect.fork
                )
                // The second and third are appended only once the first arrived: the follower is live.
                yield* append(streamId, written.slice(0, 1))
                const first = yield* Queue.take(received).pipe(Effect.timeout("30 seconds"))
                expect(first.eventId).toBe(written[0]!.eventId)
                yield* append(streamId, written.slice(1, 2))
                yield* append(streamId, written.slice(2))
                const events = yield* Fiber.join(following).pipe(Effect.timeout("30 seconds"))
                expect(idsOf(events)).toEqual(idsOf(written))
                expect(Chunk.toReadonlyArray(events).map((e) => e.streamVersion)).toEqual([1, 2, 3])
              })
            )
          }), { timeout: 45_000 })
      }

      it.effect("Follow with types only delivers those types; without `after` it starts at the beginning", () =>
        Effect.gen(function* () {
          yield* ready
          const token = runToken()
          const wanted = `Wanted_${token}`
          const written = [...newEvents(wanted, 1), ...newEvents(`Unwanted_${token}`, 2), ...newEvents(wanted, 1)]
          yield* append(StreamId.make(`follow:types-${token}`), written)
          yield* withClient(HubClient.layerWebSocket, (hub) =>
            Effect.gen(function* () {
              const filtered = yield* Stream.runCollect(Stream.take(hub.Events.Follow({ types: [wanted] }), 2)).pipe(
                Effect.timeout("30 seconds")
              )
              expect(idsOf(filtered)).toEqual([written[0]!.eventId, written[3]!.eventId])
              const [firstOfLog] = (yield* hub.Events.ReadAll({ limit: 1 })).events
              const fromStart = yield* Stream.runCollect(Stream.take(hub.Events.Follow({}), 1)).pipe(Effect.timeout("30 seconds"))
              expect(idsOf(fromStart)).toEqual([firstOfLog!.eventId])
            })
          )
        }), { timeout: 45_000 })

      it.effect("ServiceUnavailable arrives as its class while the database is cut", () =>
        Effect.gen(function* () {
          yield* ready
          const testHub = yield* TestHub
          const proxy = Option.getOrThrow(testHub.databaseProxy)
          yield* proxy.cut
          for (const transport of transports) {
            const result = yield* withClient(transport.layer, (hub) =>
              eventually(Effect.either(hub.Events.ReadAll({ limit: 1 })), Either.isLeft, "30 seconds")
            )
            const error = Either.getLeft(result).pipe(Option.getOrUndefined)
            expect(error, transport.name).toBeInstanceOf(ServiceUnavailable)
            expect((error as ServiceUnavailable).retryAfterSeconds).toBeGreaterThanOrEqual(1)
          }
          yield* proxy.restore
          yield* eventually(call("/monitoring/ready"), (a) => a.status === 200, "30 seconds")
        }), { timeout: 90_000 })
    })
  })
}
