/**
 * EventStore contract, part 1: append (expected versions, concurrency, idempotency, limits, the
 * caller's transaction), readStream, and the append-only table. Written from the contract
 * (EventStore.ts, schema.ts, migration 0002), not from the implementation.
 *
 * Every test here waits on the database, so the suite runs on real time (`excludeTestServices`).
 * Tests share one database per backend and keep apart by using stream ids of their own.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { describe, expect, layer } from "@effect/vitest"
import { Cause, Data, DateTime, Effect, Either, Runtime } from "effect"
import fc from "fast-check"
import { EventStore } from "../../../src/services/events/EventStore.js"
import {
  type AppendResult,
  ConcurrencyConflict,
  EventIdReused,
  type ExpectedVersion,
  InvalidEvent,
  MAX_EVENT_DATA_BYTES,
  MAX_EVENTS_PER_APPEND,
  type NewEvent,
  type RecordedEvent,
  type StreamId,
  StreamNotFound
} from "../../../src/services/events/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { eventStoreLayer, newEvent, newEvents, streamIds } from "../../support/events.js"

const backends = await backendsUnderTest()

class Abort extends Data.TaggedError("Abort")<{}> {}

const versionsOf = (events: ReadonlyArray<RecordedEvent>) => events.map((e) => e.streamVersion)
/** The versions a stream holds, whatever order they were read in: for gap and duplicate checks (order has its own tests). */
const heldVersions = (events: ReadonlyArray<RecordedEvent>) => versionsOf(events).sort((a, b) => a - b)
const idsOf = (events: ReadonlyArray<{ readonly eventId: string }>) => events.map((e) => e.eventId)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** The Postgres error under a failed raw statement: its SQLSTATE and message. */
const pgErrorOf = (error: SqlError): { readonly code: unknown; readonly message: string } => {
  const cause = error.cause as { readonly code?: unknown; readonly message?: unknown } | undefined
  return { code: cause?.code, message: String(cause?.message ?? error.message) }
}

const readAllOf = (streamId: StreamId) =>
  Effect.flatMap(EventStore, (store) => store.readStream(streamId, { limit: 1000 }))

/** The stream does not exist: readStream says so. */
const expectNoStream = (streamId: StreamId) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    expect(yield* Effect.flip(store.readStream(streamId))).toEqual(new StreamNotFound({ streamId }))
  })

/**
 * Appends one event, retrying on ConcurrencyConflict with the version it reports (optimistic
 * concurrency as a client does it); `any` never conflicts. Dies after `maxAttempts`.
 */
const appendRetrying = (
  streamId: StreamId,
  events: ReadonlyArray<NewEvent>,
  mode: "any" | "exact",
  maxAttempts = 200
): Effect.Effect<AppendResult, never, EventStore> =>
  Effect.gen(function*() {
    const store = yield* EventStore
    let expected: ExpectedVersion = mode === "any" ? "any" : 0
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const result: Either.Either<AppendResult, unknown> = yield* Effect.either(store.append(streamId, events, expected))
      if (Either.isRight(result)) return result.right
      const error: unknown = result.left
      if (!(error instanceof ConcurrencyConflict)) return yield* Effect.die(error)
      expect(error.actual).not.toBe(expected) // a conflict names a version other than the one expected
      expected = error.actual
    }
    return yield* Effect.die(new Error(`no append after ${maxAttempts} attempts`))
  })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`EventStore append and readStream (${backend.name})`, () => {
    layer(eventStoreLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      const stream = streamIds("account")
      const TYPE = "Test.Happened"

      // --- append and read back ------------------------------------------------------------------

      it.effect("appends a new stream and reads back what was recorded", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const before = DateTime.unsafeNow()
          const batch = [
            newEvent("Account.Opened", { plan: "free", limits: [1, 2, 3] }, {
              metadata: { requestId: "req-1", actor: "user:u-1", custom: { nested: true } }
            }),
            newEvent("Account.Credited", { amount: 5 }),
            newEvent("Account.Debited", { amount: 2 })
          ]
          const result = yield* store.append(s, batch, "no_stream")
          expect(result.streamId).toBe(s)
          expect(result.firstVersion).toBe(1)
          expect(result.nextExpectedVersion).toBe(3)
          expect(result.replayed).toBe(false)
          expect(result.positions).toHaveLength(3)
          expect([...result.positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(result.positions)
          expect(new Set(result.positions).size).toBe(3)

          const events = yield* store.readStream(s)
          const after = DateTime.unsafeNow()
          expect(versionsOf(events)).toEqual([1, 2, 3])
          expect(idsOf(events)).toEqual(idsOf(batch))
          expect(events.map((e) => e.type)).toEqual(["Account.Opened", "Account.Credited", "Account.Debited"])
          expect(events.map((e) => e.data)).toEqual(batch.map((e) => e.data))
          expect(events.map((e) => e.position)).toEqual(result.positions)
          expect(events.every((e) => e.streamId === s)).toBe(true)
          expect(events[0]?.metadata).toEqual({ requestId: "req-1", actor: "user:u-1", custom: { nested: true } })
          expect(events[1]?.metadata).toEqual({})
          // One append = one transaction: one transaction id for the whole batch.
          expect(new Set(events.map((e) => e.transactionId)).size).toBe(1)
          // Without createdAt, the event is stamped now (the database's clock and ours agree within seconds).
          for (const e of events) {
            expect(DateTime.toEpochMillis(e.createdAt)).toBeGreaterThanOrEqual(DateTime.toEpochMillis(before) - 5_000)
            expect(DateTime.toEpochMillis(e.createdAt)).toBeLessThanOrEqual(DateTime.toEpochMillis(after) + 5_000)
          }
        }))

      it.effect("round-trips any JSON value as data: objects, arrays, strings (even JSON-looking ones), numbers, booleans, null", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const values: ReadonlyArray<unknown> = [
            { text: "énergie ☀️ \"quoted\" \\ back", big: 9007199254740991, small: -0.125, flag: false, none: null },
            {},
            [1, "two", { three: [3] }],
            [],
            "just a string",
            "123", // a string, not the number it spells
            "{\"looks\":\"like json\"}",
            42,
            true,
            null
          ]
          // One stream per value, and any failure (typed or defect) recorded: the assertion lists every value that breaks.
          const outcomes = yield* Effect.forEach(values, (data) => {
            const s = stream()
            return store.append(s, [newEvent(TYPE, data)], "no_stream").pipe(
              Effect.zipRight(store.readStream(s)),
              Effect.map((events) => ({ data: events[0]?.data })),
              Effect.catchAllCause((cause) => Effect.succeed({ failed: Cause.pretty(cause).split("\n")[0] }))
            )
          })
          expect(outcomes).toEqual(values.map((data) => ({ data })))
        }))

      it.effect("honours createdAt given on the event (imports keep the original time)", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const original = DateTime.unsafeMake("2021-03-04T05:06:07.891Z")
          yield* store.append(s, [newEvent(TYPE, {}, { createdAt: original }), newEvent(TYPE)], "no_stream")
          const [imported, fresh] = yield* store.readStream(s)
          expect(DateTime.toEpochMillis(imported!.createdAt)).toBe(DateTime.toEpochMillis(original))
          expect(DateTime.toEpochMillis(fresh!.createdAt)).toBeGreaterThan(DateTime.toEpochMillis(original))
        }))

      // --- expected versions ----------------------------------------------------------------------

      it.effect("expected version any: appends at whatever version the stream is", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const first = yield* store.append(s, newEvents(TYPE, 2), "any")
          expect([first.firstVersion, first.nextExpectedVersion]).toEqual([1, 2])
          const second = yield* store.append(s, newEvents(TYPE, 1), "any")
          expect([second.firstVersion, second.nextExpectedVersion]).toEqual([3, 3])
          expect(versionsOf(yield* store.readStream(s))).toEqual([1, 2, 3])
        }))

      it.effect("no_stream on an existing stream is a conflict naming its version; nothing is written", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          yield* store.append(s, newEvents(TYPE, 2), "no_stream")
          const late = newEvents(TYPE, 1)
          expect(yield* Effect.flip(store.append(s, late, "no_stream"))).toEqual(
            new ConcurrencyConflict({ streamId: s, expected: "no_stream", actual: 2 })
          )
          expect(versionsOf(yield* store.readStream(s))).toEqual([1, 2])
          // The rejected event id was not stored: it appends normally afterwards.
          expect((yield* store.append(s, late, 2)).replayed).toBe(false)
        }))

      it.effect("stream_exists on a missing stream is a conflict with actual 0; on an existing one it appends", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          expect(yield* Effect.flip(store.append(s, newEvents(TYPE, 1), "stream_exists"))).toEqual(
            new ConcurrencyConflict({ streamId: s, expected: "stream_exists", actual: 0 })
          )
          yield* expectNoStream(s)
          yield* store.append(s, newEvents(TYPE, 1), "no_stream")
          const result = yield* store.append(s, newEvents(TYPE, 2), "stream_exists")
          expect([result.firstVersion, result.nextExpectedVersion]).toEqual([2, 3])
        }))

      it.effect("a number appends only when the stream is at exactly that version (0 = no stream)", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          expect(yield* Effect.flip(store.append(s, newEvents(TYPE, 1), 3))).toEqual(
            new ConcurrencyConflict({ streamId: s, expected: "3", actual: 0 })
          )
          yield* expectNoStream(s)
          const created = yield* store.append(s, newEvents(TYPE, 1), 0)
          expect([created.firstVersion, created.nextExpectedVersion]).toEqual([1, 1])
          expect(yield* Effect.flip(store.append(s, newEvents(TYPE, 1), 0))).toEqual(
            new ConcurrencyConflict({ streamId: s, expected: "0", actual: 1 })
          )
          const next = yield* store.append(s, newEvents(TYPE, 2), created.nextExpectedVersion)
          expect([next.firstVersion, next.nextExpectedVersion]).toEqual([2, 3])
          // A stale version (behind) and a version from the future (ahead) both conflict.
          expect(yield* Effect.flip(store.append(s, newEvents(TYPE, 1), 1))).toEqual(
            new ConcurrencyConflict({ streamId: s, expected: "1", actual: 3 })
          )
          expect(yield* Effect.flip(store.append(s, newEvents(TYPE, 1), 4))).toEqual(
            new ConcurrencyConflict({ streamId: s, expected: "4", actual: 3 })
          )
          expect(versionsOf(yield* store.readStream(s))).toEqual([1, 2, 3])
        }))

      // --- concurrency ------------------------------------------------------------------------------

      it.effect("50 concurrent appends at the same expected version: one succeeds, 49 conflict", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          yield* store.append(s, newEvents(TYPE, 1), "no_stream")
          const attempts = range(1, 50).map((i) => newEvent(TYPE, { writer: i }))
          const results = yield* Effect.forEach(attempts, (e) => Effect.either(store.append(s, [e], 1)), {
            concurrency: "unbounded"
          })
          const winners = results.filter(Either.isRight).map((r) => r.right)
          const losers = results.filter(Either.isLeft).map((r) => r.left)
          expect(winners).toHaveLength(1)
          expect(winners[0]).toMatchObject({ firstVersion: 2, nextExpectedVersion: 2, replayed: false })
          expect(losers).toHaveLength(49)
          for (const loser of losers) {
            expect(loser).toEqual(new ConcurrencyConflict({ streamId: s, expected: "1", actual: 2 }))
          }
          const events = yield* store.readStream(s)
          expect(versionsOf(events)).toEqual([1, 2])
          expect(events[1]?.position).toBe(winners[0]?.positions[0])
        }), 30_000)

      it.effect("50 concurrent no_stream appends creating the same stream: one creates it, 49 conflict", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const attempts = range(1, 50).map((i) => newEvent(TYPE, { writer: i }))
          const results = yield* Effect.forEach(attempts, (e) => Effect.either(store.append(s, [e], "no_stream")), {
            concurrency: "unbounded"
          })
          const winners = results.filter(Either.isRight).map((r) => r.right)
          expect(winners).toHaveLength(1)
          expect(winners[0]).toMatchObject({ firstVersion: 1, nextExpectedVersion: 1 })
          for (const loser of results.filter(Either.isLeft).map((r) => r.left)) {
            expect(loser).toEqual(new ConcurrencyConflict({ streamId: s, expected: "no_stream", actual: 1 }))
          }
          expect(versionsOf(yield* store.readStream(s))).toEqual([1])
        }), 30_000)

      it.effect("50 writers retrying on conflict take every version exactly once: no gap, no duplicate", () =>
        Effect.gen(function*() {
          const s = stream()
          const writers = range(1, 50).map((i) => newEvent(TYPE, { writer: i }))
          const results = yield* Effect.forEach(writers, (e) => appendRetrying(s, [e], "exact"), { concurrency: "unbounded" })
          expect(results.map((r) => r.firstVersion).sort((a, b) => a - b)).toEqual(range(1, 50))
          const events = yield* readAllOf(s)
          expect(heldVersions(events)).toEqual(range(1, 50))
          // Each writer's result names the version its event holds.
          const versionById = new Map(events.map((e) => [e.eventId, e.streamVersion]))
          writers.forEach((e, i) => expect(versionById.get(e.eventId)).toBe(results[i]?.firstVersion))
        }), 60_000)

      it.effect("50 concurrent appends with any all succeed: versions 1..50 without gap or duplicate", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const writers = range(1, 50).map((i) => newEvent(TYPE, { writer: i }))
          const results = yield* Effect.forEach(writers, (e) => store.append(s, [e], "any"), { concurrency: "unbounded" })
          expect(results.map((r) => r.firstVersion).sort((a, b) => a - b)).toEqual(range(1, 50))
          expect(heldVersions(yield* readAllOf(s))).toEqual(range(1, 50))
        }), 30_000)

      // --- idempotency ------------------------------------------------------------------------------

      it.effect("a retried append (same ids, same content) is replayed: same result, nothing written", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          // Keys out of jsonb's order: a retry must not depend on how Postgres reorders them.
          const e1 = newEvent(TYPE, { zeta: 1, alpha: { b: 2, a: 1 }, list: [3, 1, 2] }, { metadata: { actor: "user:u-1" } })
          const e2 = newEvent("Test.Other", { note: "plain" })
          const first = yield* store.append(s, [e1, e2], "no_stream")
          // The very same request again (its response was lost): same expected version, now stale.
          const retry = yield* store.append(s, [e1, e2], "no_stream")
          expect(retry).toEqual({ ...first, replayed: true })
          // Same content written with keys in another order, and under another expected version.
          const reordered = { ...e1, data: { list: [3, 1, 2], alpha: { a: 1, b: 2 }, zeta: 1 } }
          expect((yield* store.append(s, [reordered, e2], "any")).replayed).toBe(true)
          expect((yield* store.append(s, [reordered, e2], 2)).replayed).toBe(true)
          // A retry through a door carries a new request id: metadata is not part of the content.
          const retriedWithNewRequest = [{ ...e1, metadata: { actor: "user:u-1", requestId: "req-retry" } }, e2]
          expect((yield* store.append(s, retriedWithNewRequest, "no_stream")).replayed).toBe(true)
          // The stream moved on since: a late retry is still a replay, not a conflict.
          yield* store.append(s, newEvents(TYPE, 1), 2)
          expect(yield* store.append(s, [e1, e2], "no_stream")).toEqual({ ...first, replayed: true })
          const events = yield* store.readStream(s)
          expect(versionsOf(events)).toEqual([1, 2, 3])
          expect(idsOf(events).slice(0, 2)).toEqual([e1.eventId, e2.eventId])
        }))

      it.effect("20 concurrent sends of one new append (a client retrying before the answer): one appends, 19 replay it", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const batch = [newEvent(TYPE, { n: 1 }), newEvent(TYPE, { n: 2 })]
          const results = yield* Effect.forEach(range(1, 20), () => store.append(s, batch, "no_stream"), {
            concurrency: "unbounded"
          })
          const [original, ...others] = [...results].sort((a, b) => Number(a.replayed) - Number(b.replayed))
          expect(original).toMatchObject({ firstVersion: 1, nextExpectedVersion: 2, replayed: false })
          expect(others).toHaveLength(19)
          for (const other of others) expect(other).toEqual({ ...original, replayed: true })
          expect(idsOf(yield* store.readStream(s))).toEqual(idsOf(batch))
        }), 30_000)

      it.effect("a stored id with other content is EventIdReused even when the expected version is stale too", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const stored = newEvent(TYPE, { amount: 5 })
          yield* store.append(s, [stored, newEvent(TYPE, { amount: 1 })], "no_stream")
          const error = yield* Effect.flip(store.append(s, [{ ...stored, data: { amount: 7 } }], "no_stream"))
          expect(error).toMatchObject({ _tag: "EventIdReused", eventId: stored.eventId })
          // Fresh ids at a stale version: a plain conflict.
          expect(yield* Effect.flip(store.append(s, newEvents(TYPE, 1), 1))).toEqual(
            new ConcurrencyConflict({ streamId: s, expected: "1", actual: 2 })
          )
        }))

      it.effect("an event id already stored with other content is EventIdReused; nothing of the batch is written", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const other = stream()
          const stored = newEvent(TYPE, { amount: 5 })
          yield* store.append(s, [stored], "no_stream")
          const fresh = newEvent(TYPE, { fresh: true })
          const cases: ReadonlyArray<readonly [StreamId, NewEvent]> = [
            [s, { ...stored, data: { amount: 6 } }], // other data
            [s, { ...stored, type: "Test.Renamed" }], // other type
            [other, stored] // same event, other stream
          ]
          for (const [target, reused] of cases) {
            const error = yield* Effect.flip(store.append(target, [fresh, reused], "any"))
            expect(error).toBeInstanceOf(EventIdReused)
            expect(error).toMatchObject({ _tag: "EventIdReused", eventId: stored.eventId })
          }
          const events = yield* store.readStream(s)
          expect(idsOf(events)).toEqual([stored.eventId])
          expect(events[0]?.data).toEqual({ amount: 5 })
          yield* expectNoStream(other)
          // `fresh` was rolled back with its batch: it appends normally now.
          expect((yield* store.append(s, [fresh], 1)).replayed).toBe(false)
        }))

      // --- invalid input ----------------------------------------------------------------------------

      it.effect("rejects an empty batch and one above MAX_EVENTS_PER_APPEND; accepts exactly the maximum", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          expect(yield* Effect.flip(store.append(s, [], "any"))).toBeInstanceOf(InvalidEvent)
          expect(yield* Effect.flip(store.append(s, newEvents(TYPE, MAX_EVENTS_PER_APPEND + 1), "any"))).toBeInstanceOf(
            InvalidEvent
          )
          yield* expectNoStream(s)
          const full = yield* store.append(s, newEvents(TYPE, MAX_EVENTS_PER_APPEND), "no_stream")
          expect([full.firstVersion, full.nextExpectedVersion, full.positions.length]).toEqual([1, 1000, 1000])
          expect(heldVersions(yield* readAllOf(s))).toEqual(range(1, 1000))
        }), 30_000)

      it.effect("rejects data that is not JSON-serialisable or not storable as jsonb, naming the event; nothing of the batch is written", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const circular: Record<string, unknown> = { name: "loop" }
          circular.self = circular
          // The last is valid JSON that Postgres cannot store in jsonb (22P05): the caller's mistake, not a bug.
          const notJson: ReadonlyArray<unknown> = [{ amount: 10n }, circular, () => 1, undefined, { text: "nul \u0000 inside" }]
          for (const data of notJson) {
            const bad: NewEvent = { ...newEvent(TYPE), data }
            const error = yield* Effect.flip(store.append(s, [newEvent(TYPE), bad], "any"))
            expect(error).toBeInstanceOf(InvalidEvent)
            expect(error).toMatchObject({ eventId: bad.eventId })
          }
          yield* expectNoStream(s)
        }))

      it.effect("rejects data above 64 KiB once serialised, counted in UTF-8 bytes; accepts exactly 64 KiB", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          // JSON.stringify({ text }) is the text plus 11 characters: {"text":""}.
          const exactly = newEvent(TYPE, { text: "x".repeat(MAX_EVENT_DATA_BYTES - 11) })
          const oneOver = newEvent(TYPE, { text: "x".repeat(MAX_EVENT_DATA_BYTES - 10) })
          // 40,011 characters but 80,011 bytes: a limit counted in UTF-16 units would let it through.
          const multiByte = newEvent(TYPE, { text: "é".repeat(40_000) })
          for (const bad of [oneOver, multiByte]) {
            const error = yield* Effect.flip(store.append(s, [bad], "any"))
            expect(error).toBeInstanceOf(InvalidEvent)
            expect(error).toMatchObject({ eventId: bad.eventId })
          }
          yield* expectNoStream(s)
          yield* store.append(s, [exactly], "no_stream")
          const [stored] = yield* store.readStream(s)
          expect(stored?.data).toEqual(exactly.data)
        }))

      it.effect("rejects a batch that repeats an event id, writing nothing", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          const e = newEvent(TYPE, { n: 1 })
          const error = yield* Effect.flip(store.append(s, [e, newEvent(TYPE), e], "any"))
          expect(["InvalidEvent", "EventIdReused"]).toContain(error._tag)
          yield* expectNoStream(s)
        }))

      // --- the caller's transaction --------------------------------------------------------------------

      it.effect("joins the caller's transaction: a rollback keeps neither the domain row nor the event, a commit both", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const sql = yield* SqlClient
          yield* sql`CREATE TABLE IF NOT EXISTS event_test_domain (id text PRIMARY KEY)`
          const s = stream()
          const domainRows = sql<{ id: string }>`SELECT id FROM event_test_domain WHERE id = ${s}`

          const failed = yield* Effect.flip(sql.withTransaction(Effect.gen(function*() {
            yield* sql`INSERT INTO event_test_domain (id) VALUES (${s})`
            yield* store.append(s, [newEvent(TYPE, { attempt: 1 })], "no_stream")
            return yield* new Abort()
          })))
          expect(failed).toEqual(new Abort())
          expect(yield* domainRows).toEqual([])
          yield* expectNoStream(s)

          const e = newEvent(TYPE, { attempt: 2 })
          const [result, transactionId] = yield* sql.withTransaction(Effect.gen(function*() {
            yield* sql`INSERT INTO event_test_domain (id) VALUES (${s})`
            const result = yield* store.append(s, [e], "no_stream")
            const [row] = yield* sql<{ xid: string }>`SELECT pg_current_xact_id()::text AS xid`
            return [result, BigInt(row!.xid)] as const
          }))
          // The version the rolled-back append took is free again.
          expect(result.firstVersion).toBe(1)
          expect(yield* domainRows).toEqual([{ id: s }])
          const events = yield* store.readStream(s)
          expect(idsOf(events)).toEqual([e.eventId])
          expect(events[0]?.transactionId).toBe(transactionId)
        }))

      it.effect("a typed failure inside the caller's transaction leaves that transaction usable", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const sql = yield* SqlClient
          yield* sql`CREATE TABLE IF NOT EXISTS event_test_domain (id text PRIMARY KEY)`
          const s = stream()
          const missing = stream()
          const stored = newEvent(TYPE, { n: 1 })
          yield* store.append(s, [stored], "no_stream")
          const next = newEvent(TYPE, { n: 2 })
          yield* sql.withTransaction(Effect.gen(function*() {
            expect(yield* Effect.flip(store.append(s, [newEvent(TYPE)], "no_stream"))).toBeInstanceOf(ConcurrencyConflict)
            expect(yield* Effect.flip(store.append(s, [{ ...stored, data: { n: 9 } }], "any"))).toBeInstanceOf(EventIdReused)
            expect(yield* Effect.flip(store.append(s, [newEvent(TYPE, 1n)], "any"))).toBeInstanceOf(InvalidEvent)
            expect(yield* Effect.flip(store.append(missing, [newEvent(TYPE)], "stream_exists"))).toEqual(
              new ConcurrencyConflict({ streamId: missing, expected: "stream_exists", actual: 0 })
            )
            // The caller carries on: its own statements and a good append still work and commit.
            yield* sql`INSERT INTO event_test_domain (id) VALUES (${s})`
            yield* store.append(s, [next], 1)
          }))
          expect(yield* sql`SELECT id FROM event_test_domain WHERE id = ${s}`).toEqual([{ id: s }])
          expect(idsOf(yield* store.readStream(s))).toEqual([stored.eventId, next.eventId])
          // The refused append left no stream behind.
          yield* expectNoStream(missing)
          expect((yield* store.append(missing, [newEvent(TYPE)], "no_stream")).firstVersion).toBe(1)
        }))

      // --- readStream -------------------------------------------------------------------------------

      it.effect("readStream fails with StreamNotFound for a stream never appended to", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          expect(yield* Effect.flip(store.readStream(s))).toEqual(new StreamNotFound({ streamId: s }))
          expect(yield* Effect.flip(store.readStream(s, { direction: "backward" }))).toEqual(new StreamNotFound({ streamId: s }))
        }))

      it.effect("readStream pages forward and backward", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const s = stream()
          yield* store.append(s, newEvents(TYPE, 4), "no_stream")
          yield* store.append(s, newEvents(TYPE, 6), 4)
          const page = (options: Parameters<typeof store.readStream>[1]) => Effect.map(store.readStream(s, options), versionsOf)

          expect(yield* page(undefined)).toEqual(range(1, 10))
          expect(yield* page({ direction: "backward" })).toEqual(range(1, 10).reverse())

          // Forward: fromVersion is the first version returned.
          const forward: Array<Array<number>> = []
          for (let from = 1; ; ) {
            const versions = yield* page({ fromVersion: from, limit: 3 })
            if (versions.length === 0) break
            forward.push(versions)
            from = versions[versions.length - 1]! + 1
          }
          expect(forward).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]])
          expect(yield* page({ fromVersion: 0, limit: 2 })).toEqual([1, 2])
          expect(yield* page({ fromVersion: 11 })).toEqual([])

          // Backward: fromVersion is the last version returned (default: the end).
          const backward: Array<Array<number>> = [yield* page({ direction: "backward", limit: 3 })]
          for (;;) {
            const last = backward[backward.length - 1]!
            const versions = yield* page({ direction: "backward", fromVersion: last[last.length - 1]! - 1, limit: 3 })
            if (versions.length === 0) break
            backward.push(versions)
            if (versions[versions.length - 1] === 1) break
          }
          expect(backward).toEqual([[10, 9, 8], [7, 6, 5], [4, 3, 2], [1]])
          expect(yield* page({ direction: "backward", fromVersion: 100, limit: 2 })).toEqual([10, 9])
          // Version 0 is before the first event: nothing (not "the end").
          expect(yield* page({ direction: "backward", fromVersion: 0 })).toEqual([])
        }))

      // --- append-only -------------------------------------------------------------------------------

      it.effect("events are append-only: UPDATE, DELETE and TRUNCATE fail", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const sql = yield* SqlClient
          const s = stream()
          yield* store.append(s, newEvents(TYPE, 2), "no_stream")
          const refused = [
            sql`UPDATE events SET data = '{"tampered":true}'::jsonb WHERE stream_id = ${s}`,
            sql`DELETE FROM events WHERE stream_id = ${s}`,
            sql`TRUNCATE events CASCADE`
          ]
          for (const statement of refused) {
            const error = pgErrorOf(yield* Effect.flip(statement))
            expect(error.code).toBe("42501")
            expect(error.message).toMatch(/append-only/)
          }
          const events = yield* store.readStream(s)
          expect(events.map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }])
        }))

      it.effect("the erasure hook (SET LOCAL luna.event_erasure = 'on') allows UPDATE and DELETE in that transaction only", () =>
        Effect.gen(function*() {
          const store = yield* EventStore
          const sql = yield* SqlClient
          const s = stream()
          const [kept, erased] = newEvents(TYPE, 2, (i) => ({ email: `person${i}@example.org` }))
          yield* store.append(s, [kept!, erased!], "no_stream")
          yield* sql.withTransaction(Effect.gen(function*() {
            yield* sql`SET LOCAL luna.event_erasure = 'on'`
            yield* sql`UPDATE events SET data = '{"erased":true}'::jsonb WHERE event_id = ${kept!.eventId}`
            yield* sql`DELETE FROM events WHERE event_id = ${erased!.eventId}`
          }))
          const events = yield* store.readStream(s)
          expect(events.map((e) => [e.eventId, e.data])).toEqual([[kept!.eventId, { erased: true }]])
          // The setting ended with its transaction, on whichever pooled connection ran it.
          const later = yield* Effect.forEach(
            range(1, 4),
            () => Effect.flip(sql`UPDATE events SET data = '{}'::jsonb WHERE stream_id = ${s}`),
            { concurrency: 4 }
          )
          for (const error of later) expect(pgErrorOf(error).message).toMatch(/append-only/)
        }))

      // --- property ----------------------------------------------------------------------------------

      it.effect("property: under random concurrent interleavings a stream folds to versions 1..n in append order", () =>
        Effect.gen(function*() {
          const runtime = yield* Effect.runtime<EventStore>()
          const writer = fc.record({
            mode: fc.constantFrom("any" as const, "exact" as const),
            batches: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
            delayMs: fc.integer({ min: 0, max: 4 })
          })
          const property = fc.asyncProperty(fc.array(writer, { minLength: 2, maxLength: 6 }), (writers) =>
            Runtime.runPromise(runtime)(Effect.gen(function*() {
              const s = stream("prop")
              const planned = writers.map((w) => w.batches.map((size) => newEvents(TYPE, size)))
              const results = yield* Effect.forEach(writers, (w, i) =>
                Effect.forEach(planned[i]!, (batch) =>
                  Effect.sleep(w.delayMs).pipe(Effect.zipRight(appendRetrying(s, batch, w.mode))), { concurrency: 1 }), {
                concurrency: "unbounded"
              })
              const events = yield* readAllOf(s)
              // Folding in order: each event is exactly the next version.
              const folded = events.reduce((version, e) => {
                expect(e.streamVersion).toBe(version + 1)
                return e.streamVersion
              }, 0)
              const total = planned.flat(2).length
              expect(folded).toBe(total)
              // Each batch is contiguous and in order, at the versions its result names; a writer's
              // batches keep the order it appended them in.
              const at = (version: number) => events[version - 1]!
              planned.forEach((batches, w) => {
                batches.forEach((batch, b) => {
                  const result: AppendResult = results[w]![b]!
                  expect(result.nextExpectedVersion - result.firstVersion + 1).toBe(batch.length)
                  batch.forEach((e, k) => expect(at(result.firstVersion + k).eventId).toBe(e.eventId))
                  if (b > 0) expect(result.firstVersion).toBeGreaterThan(results[w]![b - 1]!.nextExpectedVersion)
                })
              })
            })))
          yield* Effect.promise(() => fc.assert(property, { numRuns: 15 }))
        }), 60_000)
    })
  })
}
