/**
 * Appending: validation, idempotency by event id, optimistic concurrency on the stream's version.
 *
 * Concurrent appends to one stream serialise on the stream's row (`FOR UPDATE`), so each version
 * is taken once; the expected version is checked after the lock. The idempotency check comes
 * first, so that retrying a successful append (with its now stale expected version) answers the
 * original result instead of a conflict. "Same content" means same stream, type and data;
 * metadata (request id, actor) may differ between a request and its retry.
 */
import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import { DateTime, Effect, FiberRef, Option } from "effect"
import { currentRequest } from "../logging/request-context.js"
import { canonicalJson } from "./rows.js"
import {
  type AppendResult,
  ConcurrencyConflict,
  EventIdReused,
  type ExpectedVersion,
  InvalidEvent,
  MAX_EVENT_DATA_BYTES,
  MAX_EVENTS_PER_APPEND,
  type NewEvent,
  type StreamId,
  streamTypeOf
} from "./schema.js"

const containsNul = (value: unknown): boolean => {
  if (typeof value === "string") return value.includes("\u0000")
  if (Array.isArray(value)) return value.some(containsNul)
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([key, v]) => key.includes("\u0000") || containsNul(v))
  }
  return false
}

const checkData = (event: NewEvent): Effect.Effect<void, InvalidEvent> => {
  let text: string | undefined
  try {
    text = JSON.stringify(event.data)
  } catch (error) {
    return Effect.fail(new InvalidEvent({ eventId: event.eventId, reason: `data is not JSON-serialisable (${String(error)})` }))
  }
  if (text === undefined) return Effect.fail(new InvalidEvent({ eventId: event.eventId, reason: "data is missing" }))
  // Valid JSON, but Postgres' jsonb cannot hold the NUL character.
  if (containsNul(event.data)) {
    return Effect.fail(new InvalidEvent({ eventId: event.eventId, reason: "data contains a NUL character (\\u0000)" }))
  }
  if (Buffer.byteLength(text) > MAX_EVENT_DATA_BYTES) {
    return Effect.fail(new InvalidEvent({ eventId: event.eventId, reason: `data exceeds ${MAX_EVENT_DATA_BYTES} bytes` }))
  }
  return Effect.void
}

export const validateBatch = (events: ReadonlyArray<NewEvent>): Effect.Effect<void, InvalidEvent> => {
  if (events.length === 0) return Effect.fail(new InvalidEvent({ eventId: "-", reason: "no events to append" }))
  if (events.length > MAX_EVENTS_PER_APPEND) {
    return Effect.fail(new InvalidEvent({ eventId: "-", reason: `more than ${MAX_EVENTS_PER_APPEND} events in one append` }))
  }
  const seen = new Set<string>()
  for (const event of events) {
    const id = event.eventId.toLowerCase()
    if (seen.has(id)) return Effect.fail(new InvalidEvent({ eventId: event.eventId, reason: "event id repeated in the batch" }))
    seen.add(id)
  }
  return Effect.forEach(events, checkData, { discard: true })
}

const conflict = (streamId: StreamId, expected: ExpectedVersion, actual: number) =>
  new ConcurrencyConflict({ streamId, expected: String(expected), actual })

const satisfies = (expected: ExpectedVersion, current: number): boolean => {
  switch (expected) {
    case "any":
      return true
    case "no_stream":
      return current === 0
    case "stream_exists":
      return current > 0
    default:
      return current === expected
  }
}

interface StoredEvent {
  readonly event_id: string
  readonly stream_id: string
  readonly stream_version: string
  readonly position: string
  readonly event_type: string
  readonly data: unknown
}

/** The original result if every id is stored with the same content; a failure if any differs. */
const replayOf = (
  streamId: StreamId,
  events: ReadonlyArray<NewEvent>,
  stored: ReadonlyArray<StoredEvent>
): Effect.Effect<Option.Option<AppendResult>, EventIdReused> => {
  if (stored.length === 0) return Effect.succeed(Option.none())
  const byId = new Map(stored.map((row) => [row.event_id.toLowerCase(), row]))
  for (const event of events) {
    const row = byId.get(event.eventId.toLowerCase())
    const same =
      row !== undefined &&
      row.stream_id === streamId &&
      row.event_type === event.type &&
      canonicalJson(row.data) === canonicalJson(event.data)
    if (!same) {
      // A partial match (some ids new, some stored) is a different request too.
      const culprit = row ?? stored[0]!
      return Effect.fail(new EventIdReused({ eventId: row === undefined ? culprit.event_id : event.eventId, streamId: culprit.stream_id }))
    }
  }
  const ordered = [...stored].sort((a, b) => Number(a.stream_version) - Number(b.stream_version))
  return Effect.succeed(
    Option.some({
      streamId,
      firstVersion: Number(ordered[0]!.stream_version),
      nextExpectedVersion: Number(ordered[ordered.length - 1]!.stream_version),
      positions: ordered.map((row) => BigInt(row.position)),
      replayed: true
    })
  )
}

/** Metadata as stored: the caller's, plus the current request id when there is one. */
const metadataOf = (event: NewEvent, requestId: string | undefined): Record<string, unknown> =>
  requestId !== undefined && event.metadata?.requestId === undefined
    ? { ...event.metadata, requestId }
    : { ...event.metadata }

/**
 * The statements of one append, to run inside a transaction (the caller's or its own). Fails with
 * the domain errors; SQL failures are left to the caller's guard.
 */
export const appendStatements = (
  streamId: StreamId,
  events: ReadonlyArray<NewEvent>,
  expected: ExpectedVersion
): Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | SqlError, PgClient.PgClient | SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const ids = events.map((e) => e.eventId)
    const stored = yield* sql<StoredEvent>`
      SELECT event_id::text AS event_id, stream_id, stream_version::text AS stream_version,
             position::text AS position, event_type, data
      FROM events WHERE event_id IN ${sql.in(ids)}`
    const replay = yield* replayOf(streamId, events, stored)
    if (Option.isSome(replay)) return replay.value

    yield* sql`INSERT INTO streams (stream_id, stream_type, version)
               VALUES (${streamId}, ${streamTypeOf(streamId)}, 0) ON CONFLICT (stream_id) DO NOTHING`
    const [locked] = yield* sql<{ readonly version: string }>`
      SELECT version::text AS version FROM streams WHERE stream_id = ${streamId} FOR UPDATE`
    const current = Number(locked?.version ?? 0)
    if (!satisfies(expected, current)) return yield* conflict(streamId, expected, current)

    const requestId = (yield* FiberRef.get(currentRequest))?.requestId
    const withTime = events.some((e) => e.createdAt !== undefined)
    const now = new Date()
    const rows = events.map((event, i) => ({
      stream_id: streamId,
      stream_version: current + i + 1,
      event_id: event.eventId,
      event_type: event.type,
      // JSON text, cast by Postgres: the driver's own encoding of arrays, strings and null is not JSON.
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(metadataOf(event, requestId)),
      ...(withTime ? { created_at: event.createdAt === undefined ? now : DateTime.toDateUtc(event.createdAt) } : {})
    }))
    const inserted = yield* sql<{ readonly position: string }>`
      INSERT INTO events ${sql.insert(rows)} RETURNING position::text AS position`
    const next = current + events.length
    yield* sql`UPDATE streams SET version = ${next}, updated_at = now() WHERE stream_id = ${streamId}`
    return {
      streamId,
      firstVersion: current + 1,
      nextExpectedVersion: next,
      positions: inserted.map((row) => BigInt(row.position)),
      replayed: false
    }
  })
