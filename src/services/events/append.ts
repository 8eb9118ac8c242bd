/**
 * Appending: validation, idempotency by event id, optimistic concurrency on the stream's version.
 *
 * The work is one statement, `luna_append_events` (migration 0004). Concurrent appends to one
 * stream serialise on the stream's row (the upsert's ON CONFLICT arbiter locks it), so each
 * version is taken once; the expected version is checked against the locked row. Idempotency is
 * checked only when the statement refuses (see `appendStatement`), which keeps it off the common path.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Context, Data, DateTime, Effect, FiberRef, Option } from "effect"
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

/** An event's data serialised once, checked, and reused for the statement's payload. */
const serialiseData = (event: NewEvent): string | InvalidEvent => {
  let text: string | undefined
  try {
    text = JSON.stringify(event.data)
  } catch (error) {
    return new InvalidEvent({ eventId: event.eventId, reason: `data is not JSON-serialisable (${String(error)})` })
  }
  if (text === undefined) return new InvalidEvent({ eventId: event.eventId, reason: "data is missing" })
  // Valid JSON, but Postgres' jsonb cannot hold the NUL character. JSON.stringify writes it as the
  // escape \u0000, so only a text containing that sequence needs the full walk.
  if (text.includes("\\u0000") && containsNul(event.data)) {
    return new InvalidEvent({ eventId: event.eventId, reason: "data contains a NUL character (\\u0000)" })
  }
  if (text.length > MAX_EVENT_DATA_BYTES / 3 && Buffer.byteLength(text) > MAX_EVENT_DATA_BYTES) {
    return new InvalidEvent({ eventId: event.eventId, reason: `data exceeds ${MAX_EVENT_DATA_BYTES} bytes` })
  }
  return text
}

/** A batch that passed validation, with each event's data serialised (same order). */
export interface ValidBatch {
  readonly events: ReadonlyArray<NewEvent>
  readonly dataTexts: ReadonlyArray<string>
}

export const validateBatch = (events: ReadonlyArray<NewEvent>): ValidBatch | InvalidEvent => {
  if (events.length === 0) return new InvalidEvent({ eventId: "-", reason: "no events to append" })
  if (events.length > MAX_EVENTS_PER_APPEND) {
    return new InvalidEvent({ eventId: "-", reason: `more than ${MAX_EVENTS_PER_APPEND} events in one append` })
  }
  if (events.length > 1) {
    const seen = new Set<string>()
    for (const event of events) {
      const id = event.eventId.toLowerCase()
      if (seen.has(id)) return new InvalidEvent({ eventId: event.eventId, reason: "event id repeated in the batch" })
      seen.add(id)
    }
  }
  const dataTexts: Array<string> = []
  for (const event of events) {
    const text = serialiseData(event)
    if (typeof text !== "string") return text
    dataTexts.push(text)
  }
  return { events, dataTexts }
}

const conflict = (streamId: StreamId, expected: ExpectedVersion, actual: number) =>
  new ConcurrencyConflict({ streamId, expected: String(expected), actual })

/** Metadata as stored: the caller's, plus the current request id when there is one. */
const metadataOf = (event: NewEvent, requestId: string | undefined): Record<string, unknown> =>
  requestId !== undefined && event.metadata?.requestId === undefined
    ? { ...event.metadata, requestId }
    : { ...event.metadata }

interface AppendOutcome {
  readonly status: "appended" | "replayed" | "reused" | "absent"
  readonly firstVersion?: number
  readonly nextExpectedVersion?: number
  readonly positions?: ReadonlyArray<string>
  readonly eventId?: string
  readonly streamId?: string
}

/** SQLSTATEs raised by luna_append_events (migration 0004); either rolls the statement back. */
const VERSION_CONFLICT = "LU409"
const EVENT_ID_STORED = "LU208"

type Refusal =
  | { readonly _tag: "VersionConflict"; readonly actual: number }
  | { readonly _tag: "EventIdStored" }

const refusalOf = (error: SqlError): Option.Option<Refusal> => {
  switch (sqlStateOf(error)) {
    case VERSION_CONFLICT: {
      const detail = (error.cause as { readonly detail?: unknown } | undefined)?.detail
      return Option.some({ _tag: "VersionConflict", actual: Number(detail ?? 0) })
    }
    case EVENT_ID_STORED:
      return Option.some({ _tag: "EventIdStored" })
    default:
      return Option.none()
  }
}

const resultOf = (streamId: StreamId, outcome: AppendOutcome, replayed: boolean): AppendResult => ({
  streamId,
  firstVersion: outcome.firstVersion ?? 0,
  nextExpectedVersion: outcome.nextExpectedVersion ?? 0,
  positions: (outcome.positions ?? []).map((p) => BigInt(p)),
  replayed
})

/**
 * Set inside `EventStore.transaction`: the unit of work owns its transaction, so appends in it run
 * without a savepoint or an in-transaction NOTIFY, and record here that the store must announce
 * them once the transaction has committed.
 */
export interface ManagedTransaction {
  appended: boolean
}

export const managedTransaction: FiberRef.FiberRef<ManagedTransaction | undefined> = FiberRef.unsafeMake<
  ManagedTransaction | undefined
>(undefined)

/** An event id was stored when the insert ran, but absent when the replay check looked. */
export class AppendRaced extends Data.TaggedError("AppendRaced")<{}> {}

/**
 * One append as one statement (`luna_append_events`, migration 0004): one round trip on the
 * common path. Inside a caller's transaction it runs in a savepoint, so a refusal leaves the
 * caller's transaction usable. A refusal (version conflict, or an event id already stored) is
 * then explained by `luna_event_replay`: a retry of a stored append answers its original result
 * (even with its now stale expected version), an id stored with other content is EventIdReused,
 * and only then is a version conflict a ConcurrencyConflict. "Same content" means same stream,
 * type and data (jsonb equality); metadata (request id, actor) may differ between a request and
 * its retry. `AppendRaced`: an id was stored when the insert ran but not when the replay check
 * looked (a repeatable-read caller's snapshot); the caller may retry once.
 * SQL failures other than the refusals are left to the caller's guard.
 */
export const appendStatement = (
  sql: PgClient.PgClient,
  streamId: StreamId,
  batch: ValidBatch,
  expected: ExpectedVersion,
  options: { readonly notifyChannel: string | null }
): Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | AppendRaced | SqlError> =>
  // Written as a pipeline rather than a generator: this is the hot path of every append.
  Effect.contextWithEffect((context: Context.Context<never>) =>
    Effect.flatMap(FiberRef.get(currentRequest), (request) => {
      const payload = payloadOf(batch, request?.requestId)
      const inCallerTransaction = Option.isSome(Context.getOption(context, SqlClient.TransactionConnection))
      if (inCallerTransaction) {
        return Effect.flatMap(FiberRef.get(managedTransaction), (managed) =>
          managed === undefined
            ? explainedAppend(sql, streamId, payload, expected, options.notifyChannel, true)
            : managedAppend(sql, streamId, payload, expected, managed))
      }
      return explainedAppend(sql, streamId, payload, expected, null, false)
    })
  )

/**
 * The statement, with refusals explained. In a caller's transaction it runs in a savepoint, so a
 * refusal leaves that transaction usable, and NOTIFY goes with its commit.
 */
const explainedAppend = (
  sql: PgClient.PgClient,
  streamId: StreamId,
  payload: string,
  expected: ExpectedVersion,
  notifyChannel: string | null,
  savepoint: boolean
): Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | AppendRaced | SqlError> => {
  const statement = sql<{ readonly result: AppendOutcome }>`
    SELECT luna_append_events(${streamId}, ${streamTypeOf(streamId)}, ${String(expected)}, ${payload}::jsonb, ${notifyChannel}) AS result`
  return (savepoint ? sql.withTransaction(statement) : statement).pipe(
    Effect.map((rows) => resultOf(streamId, rows[0]!.result, false)),
    Effect.catchAll((error) =>
      Option.match(refusalOf(error), {
        onNone: () => Effect.fail(error),
        onSome: (refusal) => explainRefusal(sql, streamId, payload, expected, refusal)
      })
    )
  )
}

/**
 * Inside `EventStore.transaction`: the statement alone, no savepoint. A refusal aborts the unit of
 * work, so it is reported as it is (the unit of work owns its idempotency; no replay check).
 */
const managedAppend = (
  sql: PgClient.PgClient,
  streamId: StreamId,
  payload: string,
  expected: ExpectedVersion,
  managed: ManagedTransaction
): Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | SqlError> =>
  sql<{ readonly result: AppendOutcome }>`
    SELECT luna_append_events(${streamId}, ${streamTypeOf(streamId)}, ${String(expected)}, ${payload}::jsonb, ${null}) AS result`.pipe(
    Effect.map((rows) => {
      managed.appended = true
      return resultOf(streamId, rows[0]!.result, false)
    }),
    Effect.catchAll((error): Effect.Effect<never, ConcurrencyConflict | EventIdReused | SqlError> => {
      const refusal = Option.getOrUndefined(refusalOf(error))
      if (refusal === undefined) return Effect.fail(error)
      return Effect.fail(
        refusal._tag === "VersionConflict" ? conflict(streamId, expected, refusal.actual) : new EventIdReused({ eventId: "-", streamId })
      )
    })
  )

/** Builds the statement's payload around the data texts validation produced: data is serialised once. */
export const payloadOf = (batch: ValidBatch, requestId: string | undefined): string =>
  `[${
    batch.events.map((event, i) =>
      `{"eventId":${JSON.stringify(event.eventId)},"type":${JSON.stringify(event.type)},"data":${batch.dataTexts[i]},"metadata":${
        JSON.stringify(metadataOf(event, requestId))
      }${event.createdAt === undefined ? "" : `,"createdAt":"${DateTime.formatIso(event.createdAt)}"`}}`
    ).join(",")
  }]`

/** A refused append: the original result of a replay, EventIdReused, or the conflict itself. */
const explainRefusal = (
  sql: PgClient.PgClient,
  streamId: StreamId,
  payload: string,
  expected: ExpectedVersion,
  refusal: Refusal
): Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | AppendRaced | SqlError> =>
  Effect.flatMap(
    sql<{ readonly result: AppendOutcome }>`SELECT luna_event_replay(${streamId}, ${payload}::jsonb) AS result`,
    ([replay]): Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | AppendRaced> => {
      const outcome = replay!.result
      switch (outcome.status) {
        case "replayed":
          return Effect.succeed(resultOf(streamId, outcome, true))
        case "reused":
          return Effect.fail(new EventIdReused({ eventId: outcome.eventId ?? "-", streamId: outcome.streamId ?? streamId }))
        default:
          return Effect.fail(refusal._tag === "VersionConflict" ? conflict(streamId, expected, refusal.actual) : new AppendRaced())
      }
    }
  )
