/**
 * The event store's contract, shared by the service, the HTTP and RPC doors and clients.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** `<type>:<id>`, e.g. `energy:u-123`, `apikey:7f…`; the part before `:` is the stream type. */
export const StreamId = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{0,39}:[A-Za-z0-9._:@-]{1,200}$/, {
    message: () => "a stream id of the form <type>:<id> (type: lowercase letters, digits, _; id: letters, digits, . _ : @ -)"
  }),
  Schema.brand("StreamId")
)
export type StreamId = typeof StreamId.Type

export const streamTypeOf = (streamId: StreamId): string => streamId.slice(0, streamId.indexOf(":"))

export const EventType = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z][A-Za-z0-9_.]{0,99}$/, { message: () => "an event type (letters, digits, _ and ., at most 100)" })
)

export const EventId = Schema.UUID

/** Free-form JSON metadata, with the fields the Hub itself sets. */
export const EventMetadata = Schema.Struct(
  {
    requestId: Schema.optional(Schema.String),
    actor: Schema.optional(Schema.String),
    causationId: Schema.optional(Schema.String),
    correlationId: Schema.optional(Schema.String)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
export type EventMetadata = typeof EventMetadata.Type

/** Largest `data` of one event once serialised: bigger facts belong in a table, not an event. */
export const MAX_EVENT_DATA_BYTES = 64 * 1024
/** Largest batch appended at once. */
export const MAX_EVENTS_PER_APPEND = 1000

export const NewEvent = Schema.Struct({
  eventId: EventId,
  type: EventType,
  data: Schema.Unknown,
  metadata: Schema.optional(EventMetadata),
  /** When the fact happened, if not now (imports keep the original time). */
  createdAt: Schema.optional(Schema.DateTimeUtc)
})
export type NewEvent = typeof NewEvent.Type

/** A number (the stream's current version: 0 = no stream), or a condition. */
export const ExpectedVersion = Schema.Union(
  Schema.NonNegativeInt,
  Schema.Literal("any", "no_stream", "stream_exists")
)
export type ExpectedVersion = typeof ExpectedVersion.Type

/** Global order: events sort by the writing transaction, then by position. */
export const Checkpoint = Schema.Struct({
  /** xid8: unsigned 64-bit. */
  transactionId: Schema.BigInt.pipe(Schema.betweenBigInt(0n, 2n ** 64n - 1n)),
  /** bigint identity: signed 64-bit, never negative. */
  position: Schema.BigInt.pipe(Schema.betweenBigInt(0n, 2n ** 63n - 1n))
}).annotations({ identifier: "Checkpoint" })
export type Checkpoint = typeof Checkpoint.Type

export const START: Checkpoint = { transactionId: 0n, position: 0n }

/** `<transactionId>:<position>`, the form used in URLs and by the import/export tools. */
export const CheckpointString = Schema.transform(
  Schema.String.pipe(Schema.pattern(/^\d{1,20}:\d{1,20}$/, { message: () => "a checkpoint <transactionId>:<position>" })),
  Schema.typeSchema(Checkpoint),
  {
    strict: true,
    decode: (text) => {
      const [transactionId = "0", position = "0"] = text.split(":")
      return { transactionId: BigInt(transactionId), position: BigInt(position) }
    },
    encode: (checkpoint) => `${checkpoint.transactionId}:${checkpoint.position}`
  }
)

export const RecordedEvent = Schema.Struct({
  position: Schema.BigInt,
  transactionId: Schema.BigInt,
  streamId: StreamId,
  streamVersion: Schema.Int,
  eventId: EventId,
  type: EventType,
  data: Schema.Unknown,
  metadata: EventMetadata,
  createdAt: Schema.DateTimeUtc
}).annotations({ identifier: "RecordedEvent" })
export type RecordedEvent = typeof RecordedEvent.Type

export const AppendResult = Schema.Struct({
  streamId: StreamId,
  /** Version of the first appended event (1 for a new stream). */
  firstVersion: Schema.Int,
  /** The stream's version after the append: the next `expectedVersion`. */
  nextExpectedVersion: Schema.Int,
  positions: Schema.Array(Schema.BigInt),
  /** True when every event id was already stored with the same content: nothing was written. */
  replayed: Schema.Boolean
}).annotations({ identifier: "AppendResult" })
export type AppendResult = typeof AppendResult.Type

export const Direction = Schema.Literal("forward", "backward")

export const ReadStreamOptions = Schema.Struct({
  /** Forward: the first version returned; backward: the last (default: the end). */
  fromVersion: Schema.optional(Schema.NonNegativeInt),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000))),
  direction: Schema.optional(Direction)
})
export type ReadStreamOptions = typeof ReadStreamOptions.Type

export const ReadAllOptions = Schema.Struct({
  after: Schema.optional(Checkpoint),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000))),
  types: Schema.optional(Schema.Array(EventType))
})
export type ReadAllOptions = typeof ReadAllOptions.Type

export const ReadAllPage = Schema.Struct({
  events: Schema.Array(RecordedEvent),
  /** Where the next page starts; equal to `after` when nothing new was visible. */
  next: Checkpoint
}).annotations({ identifier: "ReadAllPage" })
export type ReadAllPage = typeof ReadAllPage.Type

export const DEFAULT_PAGE_SIZE = 100

// ---------------------------------------------------------------------------------------------
// Errors

export class ConcurrencyConflict extends Schema.TaggedError<ConcurrencyConflict>()(
  "ConcurrencyConflict",
  {
    streamId: Schema.String,
    expected: Schema.String,
    /** The stream's current version; 0 when it does not exist. */
    actual: Schema.Int
  },
  HttpApiSchema.annotations({ status: 409, description: "The stream is not at the expected version." })
) {
  override get message(): string {
    return `Stream ${this.streamId} is at version ${this.actual}, expected ${this.expected}`
  }
}

export class EventIdReused extends Schema.TaggedError<EventIdReused>()(
  "EventIdReused",
  { eventId: Schema.String, streamId: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "An event id already stored with different content." })
) {
  override get message(): string {
    return `Event ${this.eventId} is already stored with different content (stream ${this.streamId})`
  }
}

export class InvalidEvent extends Schema.TaggedError<InvalidEvent>()(
  "InvalidEvent",
  { eventId: Schema.String, reason: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "An event that cannot be stored as given." })
) {
  override get message(): string {
    return `Event ${this.eventId}: ${this.reason}`
  }
}

export class StreamNotFound extends Schema.TaggedError<StreamNotFound>()(
  "StreamNotFound",
  { streamId: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "No event was ever appended to this stream." })
) {
  override get message(): string {
    return `Stream ${this.streamId} does not exist`
  }
}
