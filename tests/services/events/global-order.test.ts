/**
 * EventStore contract, part 2: the global order (`readAll`, `follow`) and its gap safety.
 *
 * Global order is (transactionId, position) and readers only hand out events from transactions
 * older than the oldest one still running. On real Postgres that horizon is cluster-wide, so other
 * test files' open transactions can hold events back for a moment: assertions about what became
 * visible wait for it (`eventually`, `takeDelivered`) instead of reading once.
 *
 * Every test waits on the database: real time (`excludeTestServices`). Tests share one database per
 * backend; they run one after another, and keep apart with event types of their own.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, layer } from "@effect/vitest"
import { Data, Deferred, Effect, Exit, Fiber, Queue } from "effect"
import { EventStore } from "../../../src/services/events/EventStore.js"
import {
  type AppendResult,
  type Checkpoint,
  DEFAULT_PAGE_SIZE,
  type NewEvent,
  type RecordedEvent,
  START,
  type StreamId
} from "../../../src/services/events/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { eventually } from "../../support/database.js"
import {
  checkpointOf,
  compareCheckpoints,
  eventStoreLayer,
  isInGlobalOrder,
  newEvent,
  newEvents,
  startFollower,
  streamIds,
  takeDelivered,
  uniqueType
} from "../../support/events.js"

const backends = await backendsUnderTest()

class Abort extends Data.TaggedError("Abort")<{}> {}

const idsOf = (events: ReadonlyArray<{ readonly eventId: string }>) => events.map((e) => e.eventId)

/** Every page of `readAll` from `after`, until the empty page; checks each page's own promises on the way. */
const readAllPages = (options: { readonly after?: Checkpoint; readonly limit: number; readonly types?: ReadonlyArray<string> }) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const pages: Array<ReadonlyArray<RecordedEvent>> = []
    let after = options.after ?? START
    for (let guard = 0; guard < 10_000; guard++) {
      const page = yield* store.readAll({ after, limit: options.limit, ...(options.types ? { types: options.types } : {}) })
      if (page.events.length === 0) {
        expect(page.next).toEqual(after) // nothing new: next is where we asked from
        return { pages, last: after }
      }
      expect(page.events.length).toBeLessThanOrEqual(options.limit)
      expect(isInGlobalOrder(page.events)).toBe(true)
      // The page starts after `after` and the next one starts no earlier than its last event.
      expect(compareCheckpoints(checkpointOf(page.events[0]!), after)).toBe(1)
      expect(compareCheckpoints(page.next, checkpointOf(page.events[page.events.length - 1]!))).toBeGreaterThanOrEqual(0)
      pages.push(page.events)
      after = page.next
    }
    return yield* Effect.die(new Error("readAll never returned an empty page"))
  })

/** Appends sequentially (so global order is append order) and returns what was appended. */
const appendInTurn = (plan: ReadonlyArray<readonly [StreamId, ReadonlyArray<NewEvent>]>) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    for (const [streamId, events] of plan) yield* store.append(streamId, events, "any")
    return plan.flatMap(([, events]) => events)
  })

/** Waits until `readAll({ types })` shows `count` events (the horizon may hold the newest back briefly). */
const visibleOfTypes = (types: ReadonlyArray<string>, count: number) =>
  Effect.flatMap(EventStore, (store) =>
    eventually(store.readAll({ types, limit: 1000 }), (page) => page.events.length >= count).pipe(
      Effect.map((page) => page.events)
    ))

for (const backend of backends) {
  describe.skipIf(backend.skip)(`EventStore readAll and follow (${backend.name})`, () => {
    layer(eventStoreLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      const stream = streamIds("order")

      it.effect("readAll pages in global order: pages never overlap or skip; past the end, an empty page whose next is after", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("Paging")
          const [a, b, c] = [stream(), stream(), stream()]
          const appended = yield* appendInTurn([
            [a, newEvents(t, 3)], [b, newEvents(t, 1)], [c, newEvents(t, 2)],
            [a, newEvents(t, 1)], [b, newEvents(t, 4)], [c, newEvents(t, 1)],
            [a, newEvents(t, 2)], [c, newEvents(t, 3)], [b, newEvents(t, 1)]
          ])
          const visible = yield* visibleOfTypes([t], appended.length)
          // Sequential appends: global order is append order; a batch shares its transaction id.
          expect(idsOf(visible)).toEqual(idsOf(appended))

          // The whole log (this database holds only this file's events), then the same in pages of 4.
          const whole = yield* store.readAll({ limit: 1000 })
          expect(isInGlobalOrder(whole.events)).toBe(true)
          const { pages, last } = yield* readAllPages({ limit: 4 })
          expect(idsOf(pages.flat())).toEqual(idsOf(whole.events))
          expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true)
          // Without options: from the start, one default page.
          expect(idsOf((yield* store.readAll()).events)).toEqual(idsOf(whole.events).slice(0, DEFAULT_PAGE_SIZE))

          // Reading again from the last checkpoint: nothing new, next unchanged; then a new event, and only it.
          expect(yield* store.readAll({ after: last })).toEqual({ events: [], next: last })
          const late = newEvent(t, { late: true })
          yield* store.append(a, [late], "any")
          const fresh = yield* eventually(store.readAll({ after: last }), (page) => page.events.length > 0)
          expect(idsOf(fresh.events)).toEqual([late.eventId])
          expect(yield* store.readAll({ after: fresh.next })).toEqual({ events: [], next: fresh.next })
        }))

      it.effect("readAll without a limit returns DEFAULT_PAGE_SIZE events", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("Default")
          const appended = yield* appendInTurn([[stream(), newEvents(t, DEFAULT_PAGE_SIZE + 20)]])
          yield* visibleOfTypes([t], appended.length)
          const first = yield* store.readAll({ types: [t] })
          expect(idsOf(first.events)).toEqual(idsOf(appended).slice(0, DEFAULT_PAGE_SIZE))
          const second = yield* store.readAll({ types: [t], after: first.next })
          expect(idsOf(second.events)).toEqual(idsOf(appended).slice(DEFAULT_PAGE_SIZE))
        }))

      it.effect("readAll filters by type, in global order, and pages through the filtered log", () =>
        Effect.gen(function*() {
          const [x, y, z] = [uniqueType("X"), uniqueType("Y"), uniqueType("Z")]
          const [s1, s2] = [stream(), stream()]
          const mixed = (n: number) => [newEvent(x, { n }), newEvent(y, { n }), newEvent(z, { n })]
          const appended = yield* appendInTurn([[s1, mixed(1)], [s2, mixed(2)], [s1, mixed(3)], [s2, [newEvent(y, { n: 4 })]]])
          const wanted = appended.filter((e) => e.type === x || e.type === z)
          expect(idsOf(yield* visibleOfTypes([x, z], wanted.length))).toEqual(idsOf(wanted))
          const { pages } = yield* readAllPages({ types: [x, z], limit: 2 })
          expect(idsOf(pages.flat())).toEqual(idsOf(wanted))
          expect(pages.flat().every((e) => e.type === x || e.type === z)).toBe(true)
        }))

      it.effect("readAll after a checkpoint returns exactly the later events", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("After")
          const appended = yield* appendInTurn([[stream(), newEvents(t, 2)], [stream(), newEvents(t, 3)]])
          const visible = yield* visibleOfTypes([t], appended.length)
          for (let k = 0; k < visible.length; k++) {
            const page = yield* store.readAll({ types: [t], after: checkpointOf(visible[k]!) })
            expect(idsOf(page.events)).toEqual(idsOf(visible.slice(k + 1)))
          }
        }))

      it.scoped("follow delivers the stored events after its checkpoint, then live ones as they commit, each once and in order", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("Follow")
          const [s1, s2] = [stream(), stream()]
          const stored = yield* appendInTurn([[s1, newEvents(t, 3)], [s2, newEvents(t, 2)]])
          // batchSize 2 < what is stored: the follower has to page.
          const delivered = yield* startFollower(START, { types: [t], batchSize: 2 })
          const backlog = yield* takeDelivered(delivered, stored.length)
          expect(idsOf(backlog)).toEqual(idsOf(stored))

          const live1 = newEvents(t, 2)
          yield* store.append(s2, live1, 2)
          expect(idsOf(yield* takeDelivered(delivered, 2))).toEqual(idsOf(live1))
          const live2 = newEvents(t, 3)
          yield* store.append(s1, live2, 3)
          const tail = yield* takeDelivered(delivered, 3)
          expect(idsOf(tail)).toEqual(idsOf(live2))
          expect(isInGlobalOrder([...backlog, ...tail])).toBe(true)
          // Nothing twice, nothing else.
          yield* Effect.sleep("300 millis")
          expect(yield* Queue.size(delivered)).toBe(0)
        }))

      it.scoped("follow from a checkpoint starts right after it (no type filter)", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("FollowFrom")
          const appended = yield* appendInTurn([[stream(), newEvents(t, 2)], [stream(), newEvents(t, 2)]])
          const visible = yield* visibleOfTypes([t], appended.length)
          // This file's tests run one at a time: after the second event, the log holds only ours.
          const delivered = yield* startFollower(checkpointOf(visible[1]!))
          expect(idsOf(yield* takeDelivered(delivered, 2))).toEqual(idsOf(appended.slice(2)))
          const live = newEvent(t)
          yield* store.append(stream(), [live], "no_stream")
          expect(idsOf(yield* takeDelivered(delivered, 1))).toEqual([live.eventId])
        }))

      it.scoped("follow delivers an event appended in the caller's transaction once it commits, and never a rolled-back one", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const sql = yield* SqlClient
          const t = uniqueType("FollowTx")
          const delivered = yield* startFollower(START, { types: [t] })
          const marker = newEvent(t, { marker: true })
          yield* store.append(stream(), [marker], "no_stream")
          expect(idsOf(yield* takeDelivered(delivered, 1))).toEqual([marker.eventId])

          const rolledBack = newEvent(t, { kept: false })
          const failed = yield* Effect.flip(sql.withTransaction(
            store.append(stream(), [rolledBack], "no_stream").pipe(Effect.zipRight(new Abort()))
          ))
          expect(failed).toEqual(new Abort())
          const committed = newEvent(t, { kept: true })
          // The commit comes a while after the append: a wake-up sent at append time alone would come too early.
          yield* sql.withTransaction(
            store.append(stream(), [committed], "no_stream").pipe(Effect.zipRight(Effect.sleep("200 millis")))
          )
          expect(idsOf(yield* takeDelivered(delivered, 1))).toEqual([committed.eventId])
          yield* Effect.sleep("300 millis")
          expect(yield* Queue.size(delivered)).toBe(0)
        }))
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Gap safety. Real Postgres only: PGlite serialises transactions (one backend behind the socket),
// so while transaction A is open, B cannot even begin, and the scenario (B commits while A, which
// took the smaller position, is still open) cannot be set up there.

const real = backends.find((b) => b.name === "real")!

describe.skipIf(real.skip)("EventStore gap safety (real Postgres only)", () => {
  layer(eventStoreLayer("real"), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
    const stream = streamIds("gap")

    /**
     * A follower (and a marker proving it is live) started before both transactions; A appends
     * first (smaller position, older transaction) and stays open; B appends and commits.
     */
    const scenario = (outcome: "commit" | "abort") =>
      Effect.gen(function*() {
        const store = yield* EventStore
        const sql = yield* SqlClient
        const t = uniqueType("Gap")
        const delivered = yield* startFollower(START, { types: [t] })
        const marker = newEvent(t, { marker: true })
        yield* store.append(stream(), [marker], "no_stream")
        const [markerRecorded] = yield* takeDelivered(delivered, 1)
        expect(markerRecorded?.eventId).toBe(marker.eventId)

        const eventA = newEvent(t, { tx: "A" })
        const eventB = newEvent(t, { tx: "B" })
        const appendedInA = yield* Deferred.make<AppendResult>()
        const finishA = yield* Deferred.make<"commit" | "abort">()
        const transactionA = yield* sql.withTransaction(Effect.gen(function*() {
          yield* Deferred.succeed(appendedInA, yield* store.append(stream(), [eventA], "no_stream"))
          if ((yield* Deferred.await(finishA)) === "abort") return yield* new Abort()
        })).pipe(Effect.exit, Effect.forkScoped)
        const inA = yield* Deferred.await(appendedInA).pipe(Effect.timeout("10 seconds"), Effect.orDie)

        const inB = yield* store.append(stream(), [eventB], "no_stream")
        // B took a larger position than A and committed first: `position > last` would hand out B and then skip A.
        expect(inB.positions[0]! > inA.positions[0]!).toBe(true)

        yield* Effect.sleep("300 millis")
        expect(yield* Queue.size(delivered)).toBe(0)
        // readAll holds B back too while the older transaction A is open.
        expect((yield* store.readAll({ types: [t], after: checkpointOf(markerRecorded!) })).events).toEqual([])

        yield* Deferred.succeed(finishA, outcome)
        const exitA = yield* Fiber.join(transactionA)
        expect(Exit.isSuccess(exitA)).toBe(outcome === "commit")
        return { delivered, eventA, eventB }
      })

    it.scoped("a follower delivers nothing while an older transaction is open, then A before B once A commits", () =>
      Effect.gen(function*() {
        const { delivered, eventA, eventB } = yield* scenario("commit")
        const both = yield* takeDelivered(delivered, 2)
        expect(idsOf(both)).toEqual([eventA.eventId, eventB.eventId])
        expect(isInGlobalOrder(both)).toBe(true)
        yield* Effect.sleep("300 millis")
        expect(yield* Queue.size(delivered)).toBe(0)
      }))

    it.scoped("a follower delivers B once the older transaction A aborts (with no later wake-up), and never A", () =>
      Effect.gen(function*() {
        const { delivered, eventB } = yield* scenario("abort")
        expect(idsOf(yield* takeDelivered(delivered, 1))).toEqual([eventB.eventId])
        yield* Effect.sleep("300 millis")
        expect(yield* Queue.size(delivered)).toBe(0)
      }))
  })
})
