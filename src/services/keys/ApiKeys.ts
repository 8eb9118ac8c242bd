/**
 * API keys: creation (shown once), listing, revocation, rotation with an overlap, scheduled
 * rotation, the status report, the audit trail, and verification of a presented key.
 *
 * Every change is recorded in the event store (stream `apikey:<id>`) in the same transaction as the
 * key's row. Verification is served from memory for `API_KEY_CACHE_SECONDS`: a revocation made on
 * another instance takes effect here within that time (on this instance, at once).
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { RecordedEvent } from "../events/schema.js"
import type { Principal, Unauthorized } from "../auth/schema.js"
import type {
  ApiKeyInfo,
  CreatedKey,
  CreateKeyRequest,
  KeyNotFound,
  KeyNotRotatable,
  KeyStatusReport,
  NoSuccessorPending,
  RotateKeyRequest,
  RotationResult,
  RotationSchedule,
  ScheduleRotationRequest
} from "./schema.js"

/** Who asked (an audit actor such as `key:<id>`, `cli`, `scheduler`). */
export type Actor = string

export class ApiKeys extends Context.Tag("luna/ApiKeys")<ApiKeys, {
  readonly create: (request: CreateKeyRequest, actor: Actor) => Effect.Effect<CreatedKey, ServiceUnavailable>
  readonly list: Effect.Effect<ReadonlyArray<ApiKeyInfo>, ServiceUnavailable>
  readonly get: (keyId: string) => Effect.Effect<ApiKeyInfo, KeyNotFound | ServiceUnavailable>
  /** Idempotent: revoking a revoked key answers it as it is. */
  readonly revoke: (keyId: string, actor: Actor) => Effect.Effect<ApiKeyInfo, KeyNotFound | ServiceUnavailable>
  readonly rotate: (request: RotateKeyRequest, actor: Actor) => Effect.Effect<RotationResult, KeyNotFound | KeyNotRotatable | ServiceUnavailable>
  readonly scheduleRotation: (
    request: ScheduleRotationRequest,
    actor: Actor
  ) => Effect.Effect<RotationSchedule, KeyNotFound | KeyNotRotatable | ServiceUnavailable>
  readonly status: Effect.Effect<KeyStatusReport, ServiceUnavailable>
  readonly audit: (keyId: string) => Effect.Effect<ReadonlyArray<RecordedEvent>, KeyNotFound | ServiceUnavailable>
  /** The holder of a key rotated on a schedule takes its successor, once. */
  readonly claimSuccessor: (keyId: string) => Effect.Effect<CreatedKey, NoSuccessorPending | ServiceUnavailable>
  /** Checks a presented key: format and checksum first (no I/O), then the stored hash and status. */
  readonly verify: (presented: string) => Effect.Effect<Extract<Principal, { kind: "key" }>, Unauthorized | ServiceUnavailable>
  /** Rotates every key whose scheduled rotation is due (also run periodically by the layer); answers how many. */
  readonly runDueRotations: Effect.Effect<number, ServiceUnavailable>
}>() {}
