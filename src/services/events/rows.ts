/**
 * How events come back from SQL and become `RecordedEvent`s. bigint columns are cast to text in
 * the queries (exact in JS as bigint), jsonb arrives parsed, timestamptz as a Date.
 */
import { DateTime } from "effect"
import type { EventMetadata, RecordedEvent, StreamId } from "./schema.js"

/**
 * The select list every event query uses, in this order. The aliases shadow the numeric columns:
 * ORDER BY must name `events.<column>`, or it sorts the text.
 */
export const EVENT_COLUMNS = `position::text AS position, transaction_id::text AS transaction_id, stream_id,
  stream_version::text AS stream_version, event_id::text AS event_id, event_type, data, metadata, created_at`

export interface EventRow {
  readonly position: string
  readonly transaction_id: string
  readonly stream_id: string
  readonly stream_version: string
  readonly event_id: string
  readonly event_type: string
  readonly data: unknown
  readonly metadata: unknown
  readonly created_at: Date
}

export const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  position: BigInt(row.position),
  transactionId: BigInt(row.transaction_id),
  streamId: row.stream_id as StreamId,
  streamVersion: Number(row.stream_version),
  eventId: row.event_id,
  type: row.event_type,
  data: row.data,
  metadata: (row.metadata ?? {}) as EventMetadata,
  createdAt: DateTime.unsafeFromDate(row.created_at)
})
