/**
 * The event store over RPC: the same operations and schemas as the HTTP events group, plus
 * `Follow`, which streams events live as their transactions commit.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import {
  Checkpoint,
  EventType,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  StreamId,
  StreamNotFound
} from "../services/events/schema.js"
import { RpcAuthentication } from "./authentication.js"

export const ReadStreamRequest = Schema.Struct({ streamId: StreamId, ...ReadStreamOptions.fields })

export const FollowRequest = Schema.Struct({
  /** Where to start (default: the start of the log); events after it are replayed, then live ones. */
  after: Schema.optional(Checkpoint),
  types: Schema.optional(Schema.Array(EventType))
})

export class EventsRpcs extends RpcGroup.make(
  Rpc.make("ReadStream", { payload: ReadStreamRequest, success: Schema.Array(RecordedEvent), error: Schema.Union(StreamNotFound, ServiceUnavailable) }),
  Rpc.make("ReadAll", { payload: ReadAllOptions, success: ReadAllPage, error: ServiceUnavailable }),
  Rpc.make("Follow", { payload: FollowRequest, success: RecordedEvent, error: ServiceUnavailable, stream: true })
)
  .prefix("Events.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.service("events:read")) {}
