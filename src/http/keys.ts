/**
 * API key administration over HTTP (admin only). Handlers are in keys-handlers.ts.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
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
import { Authentication } from "./authentication.js"
import { envelope } from "./envelope.js"

export const KeyPath = Schema.Struct({ keyId: KeyId })

const unavailable = envelope(ServiceUnavailable)
const notFound = envelope(KeyNotFound)
const notRotatable = envelope(KeyNotRotatable)

export class KeysApi extends HttpApiGroup.make("keys")
  .add(
    HttpApiEndpoint.post("create", "/")
      .setPayload(CreateKeyRequest)
      .addSuccess(CreatedKey, { status: 201 })
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Create an API key")
      .annotate(OpenApi.Description, "Creates a key with the given scopes. The key is in the answer only: store it, it is never shown again.")
  )
  .add(
    HttpApiEndpoint.get("list", "/")
      .addSuccess(Schema.Array(ApiKeyInfo))
      .addError(unavailable)
      .annotate(OpenApi.Summary, "List API keys")
  )
  .add(
    HttpApiEndpoint.get("status", "/status")
      .addSuccess(KeyStatusReport)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Key status")
      .annotate(
        OpenApi.Description,
        "Every key's status, time to expiry, last use and rotation schedule, and the working keys that stop within " +
          "the warning window (API_KEY_EXPIRY_WARNING_DAYS)."
      )
  )
  .add(
    HttpApiEndpoint.post("rotate", "/rotate")
      .setPayload(RotateKeyRequest)
      .addSuccess(RotationResult)
      .addError(notFound)
      .addError(notRotatable)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Rotate an API key")
      .annotate(
        OpenApi.Description,
        "Issues a new key with the same name, environment and scopes (shown once). The old key keeps working for " +
          "`overlapSeconds` (default 24 h), then stops; both work during the overlap. Only an active key can be rotated."
      )
  )
  .add(
    HttpApiEndpoint.post("scheduleRotation", "/schedule-rotation")
      .setPayload(ScheduleRotationRequest)
      .addSuccess(RotationSchedule)
      .addError(notFound)
      .addError(notRotatable)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Schedule a rotation")
      .annotate(
        OpenApi.Description,
        "Rotates the key at `at`, and/or every `everySeconds`, with `overlapSeconds` of overlap; the schedule follows " +
          "the key to its successor. With several Hub instances a due rotation runs once. The holder of the old key " +
          "fetches its successor once, during the overlap, with `POST /keys/successor`."
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/:keyId")
      .setPath(KeyPath)
      .addSuccess(ApiKeyInfo)
      .addError(notFound)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Read one API key")
  )
  .add(
    HttpApiEndpoint.post("revoke", "/:keyId/revoke")
      .setPath(KeyPath)
      .addSuccess(ApiKeyInfo)
      .addError(notFound)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Revoke an API key")
      .annotate(OpenApi.Description, "The key stops at once on this instance, within API_KEY_CACHE_SECONDS on the others. Idempotent.")
  )
  .add(
    HttpApiEndpoint.get("audit", "/:keyId/audit")
      .setPath(KeyPath)
      .addSuccess(Schema.Array(RecordedEvent))
      .addError(notFound)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "A key's audit trail")
      .annotate(OpenApi.Description, "Creation, rotations, schedules, revocation and refused uses of the key, oldest first.")
  )
  .middleware(Authentication)
  .annotate(AccessAnnotation, Access.admin)
  .prefix("/admin/keys")
  .annotate(OpenApi.Title, "API keys")
  .annotate(OpenApi.Description, "Service API keys: creation, rotation with overlap, scheduled rotation, revocation, audit. Admin only.")
{}

/** What a key may ask about itself (any working key). */
export class KeySelfApi extends HttpApiGroup.make("keySelf")
  .add(
    HttpApiEndpoint.get("self", "/self")
      .addSuccess(ApiKeyInfo)
      .addError(unavailable)
      .annotate(OpenApi.Summary, "The calling key")
      .annotate(
        OpenApi.Description,
        "The key used for this request: its scopes, expiry and status. A key in `rotating` status stops at " +
          "`overlapEndsAt`; after a scheduled rotation its successor waits at `POST /keys/successor`."
      )
  )
  .add(
    HttpApiEndpoint.post("claimSuccessor", "/successor")
      .addSuccess(CreatedKey)
      .addError(envelope(NoSuccessorPending))
      .addError(unavailable)
      .annotate(OpenApi.Summary, "Claim this key's successor")
      .annotate(
        OpenApi.Description,
        "After a scheduled rotation, the holder of the old key (authenticating with it, during the overlap) receives the " +
          "new key, once. 404 when no successor waits: the key was not rotated on a schedule, or it was already claimed."
      )
  )
  .middleware(Authentication)
  .annotate(AccessAnnotation, Access.anyKey)
  .prefix("/keys")
  .annotate(OpenApi.Title, "Own key")
  .annotate(OpenApi.Description, "Operations any API key may perform on itself.")
{}
