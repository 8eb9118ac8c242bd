/**
 * Appending: validation, idempotency by event id, optimistic concurrency on the stream's version.
 *
 * The work is one statement, `luna_append_events` (migration 0003). Concurrent appends to one
 * stream serialise on the stream's row (`FOR UPDATE`), so each version is taken once; the
 * expected version is checked after the lock. The idempotency check comes first, so that retrying
 * a successful append (with its now stale expected version) answers the original result instead
 * of a conflict. "Same content" means same stream, type and data (jsonb equality); metadata
 * (request id, actor) may differ between a request and its retry.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import { DateTime, Effect, FiberRef, Option } from "effect"
import { currentRequest } from "../logging/request-context.js"
import { sqlStateOf } from "../database/failures.js"
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

/** Metadata as stored: the caller's, plus the current request id when there is one. */
const metadataOf = (event: NewEvent, requestId: string | undefined): Record<string, unknown> =>
  requestId !== undefined && event.metadata?.requestId === undefined
    ? { ...event.metadata, requestId }
    : { ...event.metadata }

interface AppendOutcome {
  readonly status: "appended" | "replayed" | "reused"
  readonly firstVersion?: number
  readonly nextExpectedVersion?: number
  readonly positions?: ReadonlyArray<string>
  readonly eventId?: string
  readonly streamId?: string
}

/** SQLSTATE raised by luna_append_events when the stream is not at the expected version. */
const VERSION_CONFLICT = "LU409"

const conflictOf = (error: SqlError, streamId: StreamId, expected: ExpectedVersion): Option.Option<ConcurrencyConflict> => {
  if (sqlStateOf(error) !== VERSION_CONFLICT) return Option.none()
  const detail = (error.cause as { readonly detail?: unknown } | undefined)?.detail
  return Option.some(conflict(streamId, expected, Number(detail ?? 0)))
}

/**
 * One append as one statement (`luna_append_events`, migration 0003): one round trip. Inside a
 * caller's transaction it runs in a savepoint, so a conflict leaves the caller's transaction usable.
 * SQL failures other than the version conflict are left to the caller's guard.
 */
export const appendStatement = (
  streamId: StreamId,
  events: ReadonlyArray<NewEvent>,
  expected: ExpectedVersion,
  options: { readonly notifyChannel: string | null }
): Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | SqlError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const requestId = (yield* FiberRef.get(currentRequest))?.requestId
    const payload = JSON.stringify(
      events.map((event) => ({
        eventId: event.eventId,
        type: event.type,
        data: event.data,
        metadata: metadataOf(event, requestId),
        ...(event.createdAt === undefined ? {} : { createdAt: DateTime.formatIso(event.createdAt) })
      }))
    )
    const statement = sql<{ readonly result: AppendOutcome }>`
      SELECT luna_append_events(${streamId}, ${streamTypeOf(streamId)}, ${String(expected)}, ${payload}::jsonb, ${options.notifyChannel}) AS result`
    const inCallerTransaction = Option.isSome(yield* Effect.serviceOption(SqlClient.TransactionConnection))
    const run: Effect.Effect<ReadonlyArray<{ readonly result: AppendOutcome }>, SqlError> = inCallerTransaction
      ? sql.withTransaction(statement)
      : statement
    const rows = yield* Effect.catchAll(run, (error): Effect.Effect<never, ConcurrencyConflict | SqlError> =>
      Effect.fail(Option.getOrElse(conflictOf(error, streamId, expected), (): ConcurrencyConflict | SqlError => error))
    )
    const outcome = rows[0]!.result
    if (outcome.status === "reused") {
      return yield* new EventIdReused({ eventId: outcome.eventId ?? "-", streamId: outcome.streamId ?? streamId })
    }
    return {
      streamId,
      firstVersion: outcome.firstVersion ?? 0,
      nextExpectedVersion: outcome.nextExpectedVersion ?? 0,
      positions: (outcome.positions ?? []).map((p) => BigInt(p)),
      replayed: outcome.status === "replayed"
    }
  })
