/**
 * EventStore contract, part 4: a database outage. A TCP proxy of our own sits between the pool and
 * Postgres (real) or the PGlite socket (embedded); cutting it is the outage. Every method fails with
 * the typed `ServiceUnavailable` (never a defect, never a hang), nothing is half-written, and the
 * store works again once the database is back; a follower or consumer running across the outage
 * either carries on or ends with `ServiceUnavailable`, never hangs silently.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Context, Deferred, Effect, Exit, Fiber, Layer, Option, Queue, Ref, type Scope, Stream } from "effect"
import { ServiceUnavailable } from "../../../src/services/common/errors.js"
import type { DatabaseLayerOptions, Endpoint } from "../../../src/services/database/live.js"
import { EventStore } from "../../../src/services/events/EventStore.js"
import { type RecordedEvent, START } from "../../../src/services/events/schema.js"
import { backendsUnderTest, type BackendName, runToken } from "../../support/backends.js"
import { eventually, type TcpProxy, tcpProxy } from "../../support/database.js"
import { eventStoreLayer, newEvent, newEvents, streamIds, takeDelivered, uniqueType } from "../../support/events.js"

const backends = await backendsUnderTest()

/** Fail fast while cut: two retries, a breaker that half-opens after a second. */
const FAST: DatabaseLayerOptions = {
  breaker: { cooldown: "1 second" },
  guardRetry: { baseDelay: "20 millis", maxDelay: "100 millis" },
  probeTimeout: "500 millis"
}
const ENV = { SUPABASE_RETRY_ATTEMPTS: "2", SUPABASE_TIMEOUT: "1" }

const idsOf = (events: ReadonlyArray<{ readonly eventId: string }>) => events.map((e) => e.eventId)

/** The store routed through a proxy; both are closed with the scope. */
const proxiedStore = (backend: BackendName) =>
  Effect.gen(function*() {
    const proxy = yield* Deferred.make<TcpProxy>()
    const route = (upstream: Endpoint): Effect.Effect<Endpoint, never, Scope.Scope> =>
      Effect.gen(function*() {
        const p = yield* tcpProxy(upstream)
        yield* Deferred.succeed(proxy, p)
        return { host: "127.0.0.1", port: p.port }
      })
    const context = yield* Layer.build(eventStoreLayer(backend, { env: ENV, layer: { ...FAST, route } }))
    return { store: Context.get(context, EventStore), proxy: yield* Deferred.await(proxy) }
  })

const describeDefect = (defect: unknown): string => {
  const { message, cause } = defect as { readonly message?: unknown; readonly cause?: { readonly message?: unknown; readonly code?: unknown } }
  return `${String(message)}${cause === undefined ? "" : ` (${String(cause.code ?? "")} ${String(cause.message ?? "")})`}`
}

/** How `self` ended, in words: "ServiceUnavailable" is the only right answer during an outage. */
const outcomeOf = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<string> =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(self.pipe(Effect.timeout("20 seconds")))
    const outcome = Exit.isSuccess(exit)
      ? "succeeded"
      : Option.match(Cause.failureOption(exit.cause), {
        onNone: () => `died: ${describeDefect(Cause.squash(exit.cause))}`,
        onSome: (error) => (error instanceof ServiceUnavailable ? "ServiceUnavailable" : `failed: ${String(error)}`)
      })
    return outcome
  })

/** Fails the test unless `self` fails with ServiceUnavailable (a defect, a success or a hang is wrong). */
const expectUnavailable = <A, E>(what: string, self: Effect.Effect<A, E>) =>
  Effect.map(outcomeOf(self), (outcome) => expect(`${what} ${outcome}`).toBe(`${what} ServiceUnavailable`))

for (const backend of backends) {
  describe.skipIf(backend.skip)(`EventStore during a database outage (${backend.name})`, () => {
    it.scopedLive("every method fails with ServiceUnavailable while cut, nothing is half-written, all work again after", () =>
      Effect.gen(function*() {
        const { store, proxy } = yield* proxiedStore(backend.name)
        const stream = streamIds("outage")
        const s = stream()
        const t = uniqueType("Outage")
        const before = newEvents(t, 2)
        yield* store.append(s, before, "no_stream")

        yield* proxy.cut
        const during = newEvents(t, 3)
        const outcomes = {
          append: yield* outcomeOf(store.append(s, during, 2)),
          readStream: yield* outcomeOf(store.readStream(s)),
          readAll: yield* outcomeOf(store.readAll({ types: [t] })),
          consumerCheckpoint: yield* outcomeOf(store.consumerCheckpoint(`outage-${runToken()}`))
        }
        expect(outcomes).toEqual({
          append: "ServiceUnavailable",
          readStream: "ServiceUnavailable",
          readAll: "ServiceUnavailable",
          consumerCheckpoint: "ServiceUnavailable"
        })

        yield* proxy.restore
        // The breaker may still be open for its cooldown: retry until the database answers again.
        const read = yield* eventually(Effect.either(store.readStream(s)), (r) => r._tag === "Right", "15 seconds")
        expect(read._tag === "Right" && idsOf(read.right)).toEqual(idsOf(before))
        // The append that failed wrote nothing: the stream is still at version 2.
        const after = yield* store.append(s, during, 2)
        expect([after.firstVersion, after.nextExpectedVersion, after.replayed]).toEqual([3, 5, false])
      }), 60_000)

    it.scopedLive("a follower and a consumer running across an outage carry on afterwards, or end with ServiceUnavailable", () =>
      Effect.gen(function*() {
        const { store, proxy } = yield* proxiedStore(backend.name)
        const stream = streamIds("outage")
        const t = uniqueType("Across")
        const delivered = yield* Queue.unbounded<RecordedEvent>()
        const follower = yield* store.follow(START, { types: [t] }).pipe(
          Stream.runForEach((event) => Queue.offer(delivered, event)),
          Effect.exit,
          Effect.forkScoped
        )
        const handled = yield* Ref.make<ReadonlyArray<string>>([])
        const consumer = yield* store.runConsumer({
          name: `across-${runToken()}`,
          types: [t],
          handle: (events) => Ref.update(handled, (ids) => [...ids, ...idsOf(Chunk.toReadonlyArray(events))])
        }).pipe(Effect.exit, Effect.forkScoped)

        const first = newEvent(t, { n: 1 })
        yield* store.append(stream(), [first], "no_stream")
        expect(idsOf(yield* takeDelivered(delivered, 1))).toEqual([first.eventId])
        yield* eventually(Ref.get(handled), (ids) => ids.length >= 1)

        // Long enough for both to read (and fail) during the cut: they poll at least every second.
        yield* proxy.cut
        yield* Effect.sleep("2500 millis")
        yield* proxy.restore
        const second = newEvent(t, { n: 2 })
        const s = stream()
        yield* eventually(Effect.either(store.append(s, [second], "no_stream")), (r) => r._tag === "Right", "15 seconds")

        const [, followerEnded] = yield* eventually(
          Effect.zip(Queue.size(delivered), Fiber.poll(follower)),
          ([size, ended]) => size > 0 || Option.isSome(ended),
          "15 seconds"
        )
        if (Option.isSome(followerEnded)) yield* expectUnavailable("follow", Effect.flatten(followerEnded.value))
        else expect(idsOf(yield* takeDelivered(delivered, 1))).toEqual([second.eventId])

        const [, consumerEnded] = yield* eventually(
          Effect.zip(Ref.get(handled), Fiber.poll(consumer)),
          ([ids, ended]) => ids.length >= 2 || Option.isSome(ended),
          "15 seconds"
        )
        if (Option.isSome(consumerEnded)) yield* expectUnavailable("runConsumer", Effect.flatten(consumerEnded.value))
        else expect(yield* Ref.get(handled)).toEqual([first.eventId, second.eventId])
      }), 60_000)
  })
}
