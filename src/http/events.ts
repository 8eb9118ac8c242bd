/**
 * Event store endpoints: the HTTP contract. Handlers are in events-handlers.ts.
 * Admin only; bigint fields (positions, transaction ids) travel as strings.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import {
  CheckpointString,
  DEFAULT_PAGE_SIZE,
  Direction,
  EventType,
  ReadAllPage,
  RecordedEvent,
  StreamId,
  StreamNotFound
} from "../services/events/schema.js"
import { Authentication } from "./authentication.js"
import { envelope } from "./envelope.js"

/** Most event types one `type` filter may list. */
export const MAX_TYPES_PER_FILTER = 100

/**
 * A checkpoint the database can compare: transaction ids are `xid8` (unsigned 64-bit), positions
 * `bigint` (signed 64-bit). Beyond that Postgres fails the query, which would be a 500, not a 400.
 */
const Limit = Schema.compose(Schema.NumberFromString, Schema.Int.pipe(Schema.between(1, 1000)))

const isEventType = Schema.is(EventType)

/** `type=a,b`: event types separated by commas, checked as a whole so a bad one names `type`. */
const EventTypeList = Schema.transform(
  Schema.String.pipe(
    Schema.filter(
      (text) => {
        const types = text.split(",")
        return types.length <= MAX_TYPES_PER_FILTER && types.every(isEventType)
      },
      { message: () => `a comma-separated list of at most ${MAX_TYPES_PER_FILTER} event types (letters, digits, _ and ., at most 100 each)` }
    )
  ),
  Schema.Array(Schema.String),
  { strict: true, decode: (text) => text.split(","), encode: (types) => types.join(",") }
)

export const ReadAllParams = Schema.Struct({
  after: Schema.optional(CheckpointString).annotations({
    description: "Checkpoint `<transactionId>:<position>` to read after: the `next` of the previous page (default: the start)."
  }),
  limit: Schema.optional(Limit).annotations({ description: `Events per page, 1 to 1000 (default ${DEFAULT_PAGE_SIZE}).` }),
  type: Schema.optional(EventTypeList).annotations({ description: "Only these event types, comma-separated (default: all)." })
})

export const StreamPath = Schema.Struct({ streamId: StreamId })

export const ReadStreamParams = Schema.Struct({
  fromVersion: Schema.optional(Schema.compose(Schema.NumberFromString, Schema.NonNegativeInt)).annotations({
    description: "Forward: the first version returned (default: the first); backward: the last (default: the stream's end)."
  }),
  limit: Schema.optional(Limit).annotations({ description: `Most events returned, 1 to 1000 (default ${DEFAULT_PAGE_SIZE}).` }),
  direction: Schema.optional(Direction).annotations({ description: "`forward` (default) or `backward`." })
})

const BIGINTS_AS_STRINGS = "Positions and transaction ids are 64-bit: they are encoded as decimal strings."
const WHO = "Needs a key with the `events:read` scope (or `service`, or `admin`)."

export class EventsApi extends HttpApiGroup.make("events")
  .add(
    HttpApiEndpoint.get("readAll", "/")
      .setUrlParams(ReadAllParams)
      .addSuccess(ReadAllPage)
      .addError(envelope(ServiceUnavailable))
      .annotate(OpenApi.Summary, "Read all events in global order")
      .annotate(
        OpenApi.Description,
        "One page of events after `after`, in global order (writing transaction, then position), only from " +
          "transactions that can no longer be overtaken, so paging with `next` never skips a late commit nor repeats " +
          "an event. An empty page answers `next` equal to `after`: poll again later, or use the `Events.Follow` RPC " +
          `to receive events live. ${BIGINTS_AS_STRINGS} ${WHO}`
      )
  )
  .add(
    HttpApiEndpoint.get("readStream", "/streams/:streamId")
      .setPath(StreamPath)
      .setUrlParams(ReadStreamParams)
      .addSuccess(Schema.Array(RecordedEvent))
      .addError(envelope(StreamNotFound))
      .addError(envelope(ServiceUnavailable))
      .annotate(OpenApi.Summary, "Read one stream")
      .annotate(
        OpenApi.Description,
        "The events of one stream (`<type>:<id>`, e.g. `energy:u-123`; the `:` may be sent as is or as `%3A`), by " +
          `version, forward or backward. 404 when nothing was ever appended to it. ${BIGINTS_AS_STRINGS} ${WHO}`
      )
  )
  .middleware(Authentication)
  // Services that integrate follow the log (journey 7); the path keeps its historical /admin prefix.
  .annotate(AccessAnnotation, Access.service("events:read"))
  .prefix("/admin/events")
  .annotate(OpenApi.Title, "Events")
  .annotate(OpenApi.Description, "The unified event store: every fact the Hub records, readable by stream or in global order.")
{}
