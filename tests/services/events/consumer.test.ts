/**
 * EventStore contract, part 3: named consumers (`runConsumer`, `consumerCheckpoint`): every event
 * in global order, at least once; the checkpoint moves only past a batch that succeeded; one active
 * instance per name; resumed from the checkpoint after an interruption or a restart.
 *
 * Consumers wait on the database (and on each other's lock): real time (`excludeTestServices`).
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Chunk, Context, Data, Duration, Effect, Exit, Fiber, Layer, Option, Ref, type Scope } from "effect"
import { EventStore } from "../../../src/services/events/EventStore.js"
import type { Checkpoint, NewEvent, RecordedEvent, StreamId } from "../../../src/services/events/schema.js"
import { backendsUnderTest, type BackendName, runToken } from "../../support/backends.js"
import { eventually, tempDataDir, testDatabaseUrl } from "../../support/database.js"
import {
  checkpointOf,
  compareCheckpoints,
  eventStoreLayer,
  isInGlobalOrder,
  newEvents,
  streamIds,
  uniqueType
} from "../../support/events.js"

const backends = await backendsUnderTest()

class HandlerFailed extends Data.TaggedError("HandlerFailed")<{ readonly call: number }> {}

const idsOf = (events: ReadonlyArray<{ readonly eventId: string }>) => events.map((e) => e.eventId)

/** How long a waiting instance may take to notice the name is free (its own retry interval). */
const TAKEOVER_WAIT: Duration.DurationInput = "15 seconds"

/** What a handler saw: every batch, in call order. */
const makeRecorder = Effect.gen(function*() {
  const batches = yield* Ref.make<ReadonlyArray<ReadonlyArray<RecordedEvent>>>([])
  return {
    handle: (events: Chunk.Chunk<RecordedEvent>) => Ref.update(batches, (all) => [...all, Chunk.toReadonlyArray(events)]),
    batches: Ref.get(batches),
    events: Effect.map(Ref.get(batches), (all) => all.flat()),
    /** Waits until the handler has seen at least `count` events; returns them all. */
    awaitEvents: (count: number, timeout: Duration.DurationInput = "10 seconds"): Effect.Effect<ReadonlyArray<RecordedEvent>> =>
      eventually(Effect.map(Ref.get(batches), (all) => all.flat()), (events) => events.length >= count, timeout)
  }
})

/** Waits until the stored checkpoint of `name` is at or past `target` (stored after the batch's handler returned). */
const awaitCheckpointPast = (name: string, target: Checkpoint) =>
  Effect.flatMap(EventStore, (store) =>
    eventually(
      store.consumerCheckpoint(name),
      (checkpoint) => Option.isSome(checkpoint) && compareCheckpoints(checkpoint.value, target) >= 0
    ))

/** Appends and returns the events as recorded (positions and transaction ids). */
const appendRecorded = (streamId: StreamId, events: ReadonlyArray<NewEvent>) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const result = yield* store.append(streamId, events, "any")
    // Sorted here so that these tests do not depend on readStream's order (append.test.ts checks that).
    const recorded = [...yield* store.readStream(streamId, { fromVersion: result.firstVersion, limit: events.length })]
      .sort((a, b) => a.streamVersion - b.streamVersion)
    expect(idsOf(recorded)).toEqual(idsOf(events))
    return recorded
  })

/** Where the database of a restart test lives: kept across the two store instances, removed with the test's scope. */
const sharedTarget = (backend: BackendName): Effect.Effect<{ readonly databaseUrl: string } | { readonly dataDir: string }, never, Scope.Scope> =>
  backend === "real"
    ? Effect.map(testDatabaseUrl, (databaseUrl) => ({ databaseUrl }))
    : Effect.map(tempDataDir, (dataDir) => ({ dataDir }))

for (const backend of backends) {
  describe.skipIf(backend.skip)(`EventStore consumers (${backend.name})`, () => {
    layer(eventStoreLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      const stream = streamIds("consume")

      it.effect("consumerCheckpoint is None for a consumer that never ran", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          expect(yield* store.consumerCheckpoint(`never-${runToken()}`)).toEqual(Option.none())
        }))

      it.scoped("processes every event once, in global order, in batches of at most batchSize, live ones too, and stores its checkpoint", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("Consume")
          const name = `projector-${runToken()}`
          const [s1, s2] = [stream(), stream()]
          const stored = [
            ...(yield* appendRecorded(s1, newEvents(t, 4))),
            ...(yield* appendRecorded(s2, newEvents(t, 2))),
            ...(yield* appendRecorded(s1, newEvents(t, 1)))
          ]
          const recorder = yield* makeRecorder
          yield* store.runConsumer({ name, types: [t], batchSize: 3, handle: recorder.handle }).pipe(Effect.forkScoped)
          expect(idsOf(yield* recorder.awaitEvents(stored.length))).toEqual(idsOf(stored))
          yield* awaitCheckpointPast(name, checkpointOf(stored[stored.length - 1]!))

          const live = [...(yield* appendRecorded(s2, newEvents(t, 2))), ...(yield* appendRecorded(s1, newEvents(t, 3)))]
          const all = [...stored, ...live]
          const seen = yield* recorder.awaitEvents(all.length)
          yield* awaitCheckpointPast(name, checkpointOf(live[live.length - 1]!))
          yield* Effect.sleep("300 millis")
          expect(idsOf(yield* recorder.events)).toEqual(idsOf(all))
          expect(isInGlobalOrder(seen)).toBe(true)
          const batches = yield* recorder.batches
          expect(batches.every((batch) => batch.length >= 1 && batch.length <= 3)).toBe(true)
          expect(batches.flat().every((e) => e.type === t)).toBe(true)
        }))

      it.scoped("consumers with different names each process everything and keep their own checkpoint", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("TwoNames")
          const events = yield* appendRecorded(stream(), newEvents(t, 5))
          const [one, two] = [yield* makeRecorder, yield* makeRecorder]
          const [nameOne, nameTwo] = [`one-${runToken()}`, `two-${runToken()}`]
          yield* store.runConsumer({ name: nameOne, types: [t], handle: one.handle }).pipe(Effect.forkScoped)
          yield* store.runConsumer({ name: nameTwo, types: [t], batchSize: 2, handle: two.handle }).pipe(Effect.forkScoped)
          expect(idsOf(yield* one.awaitEvents(5))).toEqual(idsOf(events))
          expect(idsOf(yield* two.awaitEvents(5))).toEqual(idsOf(events))
          yield* awaitCheckpointPast(nameOne, checkpointOf(events[4]!))
          yield* awaitCheckpointPast(nameTwo, checkpointOf(events[4]!))
        }))

      it.scoped("one active instance per name: a second runConsumer waits while the first runs, then takes over from its checkpoint", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("Single")
          const name = `single-${runToken()}`
          const s = stream()
          const [first, second] = [yield* makeRecorder, yield* makeRecorder]
          const firstFiber = yield* store.runConsumer({ name, types: [t], handle: first.handle }).pipe(Effect.forkScoped)
          const before = yield* appendRecorded(s, newEvents(t, 3))
          yield* first.awaitEvents(3)

          yield* store.runConsumer({ name, types: [t], handle: second.handle }).pipe(Effect.forkScoped)
          const during = yield* appendRecorded(s, newEvents(t, 2))
          expect(idsOf(yield* first.awaitEvents(5))).toEqual(idsOf([...before, ...during]))
          yield* Effect.sleep("500 millis")
          expect(yield* second.events).toEqual([])

          // The first's last batch is complete (checkpoint stored): the second must not see it again.
          yield* awaitCheckpointPast(name, checkpointOf(during[1]!))
          yield* Fiber.interrupt(firstFiber)
          const after = yield* appendRecorded(s, newEvents(t, 2))
          yield* second.awaitEvents(2, TAKEOVER_WAIT)
          yield* Effect.sleep("300 millis")
          expect(idsOf(yield* second.events)).toEqual(idsOf(after))
          expect(idsOf(yield* first.events)).toEqual(idsOf([...before, ...during]))
        }), 30_000)

      it.scoped("a failing handler does not move the checkpoint: the failed batch is delivered again", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const t = uniqueType("Failing")
          const name = `failing-${runToken()}`
          const events = yield* appendRecorded(stream(), newEvents(t, 9))
          const calls = yield* Ref.make<ReadonlyArray<{ readonly events: ReadonlyArray<RecordedEvent>; readonly ok: boolean }>>([])
          const failOnCall = 2
          const handle = (batch: Chunk.Chunk<RecordedEvent>) =>
            Ref.modify(calls, (all) => [all.length + 1, [...all, { events: Chunk.toReadonlyArray(batch), ok: all.length + 1 !== failOnCall }]]).pipe(
              Effect.flatMap((call) => (call === failOnCall ? Effect.fail(new HandlerFailed({ call })) : Effect.void))
            )
          const handled = Effect.map(Ref.get(calls), (all) => all.filter((c) => c.ok).flatMap((c) => c.events))
          const consumer = yield* store.runConsumer({ name, types: [t], batchSize: 3, handle }).pipe(Effect.exit, Effect.forkScoped)

          // Either runConsumer ends with the handler's error (the caller restarts it), or it retries by itself.
          yield* eventually(
            Effect.zip(handled, Fiber.poll(consumer)),
            ([done, exit]) => done.length >= events.length || Option.isSome(exit)
          )
          const ended = yield* Fiber.poll(consumer)
          if (Option.isSome(ended)) {
            const exit = Exit.flatten(ended.value)
            expect(Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()).toEqual(
              Option.some(new HandlerFailed({ call: failOnCall }))
            )
            // Stopped by the failure: the checkpoint is before the failed batch.
            const failed = (yield* Ref.get(calls))[failOnCall - 1]!
            const checkpoint = yield* store.consumerCheckpoint(name)
            expect(Option.isSome(checkpoint)).toBe(true)
            expect(compareCheckpoints(Option.getOrThrow(checkpoint), checkpointOf(failed.events[0]!))).toBe(-1)
            yield* store.runConsumer({ name, types: [t], batchSize: 3, handle }).pipe(Effect.forkScoped)
            yield* eventually(handled, (done) => done.length >= events.length)
          }
          yield* awaitCheckpointPast(name, checkpointOf(events[8]!))
          const all = yield* Ref.get(calls)
          // The failed batch came again, first thing on the next call.
          expect(all[failOnCall - 1]?.ok).toBe(false)
          expect(all[failOnCall]?.events[0]?.eventId).toBe(all[failOnCall - 1]?.events[0]?.eventId)
          // Counting only successful calls: every event exactly once, in order.
          expect(idsOf(yield* handled)).toEqual(idsOf(events))
        }), 30_000)
    })

    it.scopedLive("resumes from its checkpoint after a restart: no event of a completed batch is processed twice", () =>
      Effect.gen(function*() {
        const target = yield* sharedTarget(backend.name)
        const t = uniqueType("Restart")
        const name = `restart-${runToken()}`
        const stream = streamIds("restart")
        const s = stream()

        // First Hub instance: processes six events, then stops (its layer is released).
        const firstRun = yield* Effect.gen(function*() {
          const store = yield* EventStore
          const events = yield* appendRecorded(s, newEvents(t, 6))
          const recorder = yield* makeRecorder
          yield* store.runConsumer({ name, types: [t], batchSize: 4, handle: recorder.handle }).pipe(Effect.forkScoped)
          yield* recorder.awaitEvents(6)
          yield* awaitCheckpointPast(name, checkpointOf(events[5]!))
          return { events, seen: yield* recorder.events }
        }).pipe(Effect.scoped, Effect.provide(eventStoreLayer(backend.name, target)))
        expect(idsOf(firstRun.seen)).toEqual(idsOf(firstRun.events))

        // Second instance on the same database: only what came after.
        yield* Effect.gen(function*() {
          const store = yield* EventStore
          expect(Option.isSome(yield* store.consumerCheckpoint(name))).toBe(true)
          const later = yield* appendRecorded(s, newEvents(t, 4))
          const recorder = yield* makeRecorder
          yield* store.runConsumer({ name, types: [t], batchSize: 4, handle: recorder.handle }).pipe(Effect.forkScoped)
          yield* recorder.awaitEvents(4)
          yield* Effect.sleep("300 millis")
          expect(idsOf(yield* recorder.events)).toEqual(idsOf(later))
        }).pipe(Effect.scoped, Effect.provide(eventStoreLayer(backend.name, target)))
      }), 60_000)
  })
}

// ---------------------------------------------------------------------------------------------
// Two Hub instances on one database. Real Postgres only: embedded mode is one process per data
// directory (the directory is locked), so a second embedded instance cannot exist.

const real = backends.find((b) => b.name === "real")!

describe.skipIf(real.skip)("EventStore consumers across Hub instances (real Postgres only)", () => {
  it.scopedLive("one active instance per name across two instances on one database, then takeover from the checkpoint", () =>
    Effect.gen(function*() {
      const databaseUrl = yield* testDatabaseUrl
      const instanceA = yield* Layer.build(eventStoreLayer("real", { databaseUrl }))
      const instanceB = yield* Layer.build(eventStoreLayer("real", { databaseUrl }))
      const storeA = Context.get(instanceA, EventStore)
      const storeB = Context.get(instanceB, EventStore)
      const t = uniqueType("Instances")
      const name = `instances-${runToken()}`
      const s = streamIds("instances")()
      const [onA, onB] = [yield* makeRecorder, yield* makeRecorder]
      const append = (count: number) => appendRecorded(s, newEvents(t, count)).pipe(Effect.provideService(EventStore, storeA))

      const fiberA = yield* storeA.runConsumer({ name, types: [t], handle: onA.handle }).pipe(Effect.forkScoped)
      const before = yield* append(3)
      yield* onA.awaitEvents(3)
      yield* storeB.runConsumer({ name, types: [t], handle: onB.handle }).pipe(Effect.forkScoped)
      const during = yield* append(2)
      expect(idsOf(yield* onA.awaitEvents(5))).toEqual(idsOf([...before, ...during]))
      yield* Effect.sleep("500 millis")
      expect(yield* onB.events).toEqual([])

      yield* awaitCheckpointPast(name, checkpointOf(during[1]!)).pipe(Effect.provideService(EventStore, storeB))
      yield* Fiber.interrupt(fiberA)
      const after = yield* append(2)
      yield* onB.awaitEvents(2, TAKEOVER_WAIT)
      yield* Effect.sleep("300 millis")
      expect(idsOf(yield* onB.events)).toEqual(idsOf(after))
    }), 60_000)
})
