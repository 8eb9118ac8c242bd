/**
 * Reading one stream, and reading everything in global order.
 *
 * `readAll` hands out only events written by transactions older than the oldest one still running
 * (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`): every such transaction has ended,
 * so no event can later appear before the checkpoint. Positions alone are not enough: they are
 * taken at insert, and a transaction that inserted first may commit last.
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect } from "effect"
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from "./rows.js"
import {
  DEFAULT_PAGE_SIZE,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type RecordedEvent,
  START,
  type StreamId,
  StreamNotFound
} from "./schema.js"

export const readStreamStatements = (
  streamId: StreamId,
  options: ReadStreamOptions = {}
): Effect.Effect<ReadonlyArray<RecordedEvent>, StreamNotFound | SqlError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const limit = options.limit ?? DEFAULT_PAGE_SIZE
    const columns = sql.unsafe(EVENT_COLUMNS)
    const rows =
      options.direction === "backward"
        ? yield* sql<EventRow>`
            SELECT ${columns} FROM events
            WHERE stream_id = ${streamId}
              ${options.fromVersion === undefined ? sql`` : sql`AND stream_version <= ${options.fromVersion}`}
            ORDER BY events.stream_version DESC LIMIT ${limit}`
        : yield* sql<EventRow>`
            SELECT ${columns} FROM events
            WHERE stream_id = ${streamId} AND stream_version >= ${options.fromVersion ?? 0}
            ORDER BY events.stream_version ASC LIMIT ${limit}`
    if (rows.length === 0) {
      const exists = yield* sql`SELECT 1 FROM streams WHERE stream_id = ${streamId} AND version > 0`
      if (exists.length === 0) return yield* new StreamNotFound({ streamId })
    }
    return rows.map(toRecordedEvent)
  })

export const readAllStatements = (
  options: ReadAllOptions = {}
): Effect.Effect<ReadAllPage, SqlError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const after = options.after ?? START
    const limit = options.limit ?? DEFAULT_PAGE_SIZE
    const types = options.types !== undefined && options.types.length > 0 ? options.types : undefined
    const rows = yield* sql<EventRow>`
      SELECT ${sql.unsafe(EVENT_COLUMNS)} FROM events
      WHERE (transaction_id, position) > (${after.transactionId.toString()}::xid8, ${after.position.toString()}::bigint)
        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${types === undefined ? sql`` : sql`AND event_type IN ${sql.in(types)}`}
      ORDER BY events.transaction_id, events.position
      LIMIT ${limit}`
    const events = rows.map(toRecordedEvent)
    const last = events[events.length - 1]
    return {
      events,
      next: last === undefined ? after : { transactionId: last.transactionId, position: last.position }
    }
  })
