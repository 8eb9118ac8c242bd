/**
 * API key administration over RPC (admin only): the same operations and schemas as the HTTP keys group.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { RecordedEvent } from "../services/events/schema.js"
import {
  ApiKeyInfo,
  CreatedKey,
  CreateKeyRequest,
  KeyId,
  KeyNotFound,
  KeyNotRotatable,
  KeyStatusReport,
  NoSuccessorPending,
  RotateKeyRequest,
  RotationResult,
  RotationSchedule,
  ScheduleRotationRequest
} from "../services/keys/schema.js"
import { RpcAuthentication } from "./authentication.js"

const KeyRequest = Schema.Struct({ keyId: KeyId })

export class KeysRpcs extends RpcGroup.make(
  Rpc.make("Create", { payload: CreateKeyRequest, success: CreatedKey, error: ServiceUnavailable }),
  Rpc.make("List", { success: Schema.Array(ApiKeyInfo), error: ServiceUnavailable }),
  Rpc.make("Status", { success: KeyStatusReport, error: ServiceUnavailable }),
  Rpc.make("Rotate", { payload: RotateKeyRequest, success: RotationResult, error: Schema.Union(KeyNotFound, KeyNotRotatable, ServiceUnavailable) }),
  Rpc.make("ScheduleRotation", {
    payload: ScheduleRotationRequest,
    success: RotationSchedule,
    error: Schema.Union(KeyNotFound, KeyNotRotatable, ServiceUnavailable)
  }),
  Rpc.make("Get", { payload: KeyRequest, success: ApiKeyInfo, error: Schema.Union(KeyNotFound, ServiceUnavailable) }),
  Rpc.make("Revoke", { payload: KeyRequest, success: ApiKeyInfo, error: Schema.Union(KeyNotFound, ServiceUnavailable) }),
  Rpc.make("Audit", { payload: KeyRequest, success: Schema.Array(RecordedEvent), error: Schema.Union(KeyNotFound, ServiceUnavailable) })
)
  .prefix("Keys.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.admin) {}

/** What a key may ask about itself (any working key). */
export class KeySelfRpcs extends RpcGroup.make(
  Rpc.make("Self", { success: ApiKeyInfo, error: ServiceUnavailable }),
  Rpc.make("ClaimSuccessor", { success: CreatedKey, error: Schema.Union(NoSuccessorPending, ServiceUnavailable) })
)
  .prefix("Keys.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.anyKey) {}
