/**
 * The API keys contract, shared by the service, the HTTP and RPC doors and clients.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { FreeText } from "../guardian/schema.js"
import { KEY_ENVS } from "./format.js"

export const KeyEnv = Schema.Literal(...KEY_ENVS).annotations({ description: "The environment a key belongs to." })

/**
 * What a key may do. `admin` reaches everything (including `/admin/*`); `service` reaches every
 * user's routes; the per-concern scopes narrow a service key to one concern.
 */
export const SCOPES = [
  "admin",
  "service",
  "energy:read",
  "energy:write",
  "events:read",
  "gdpr:manage",
  "narrative:analyze"
] as const
export const Scope = Schema.Literal(...SCOPES)
export type Scope = typeof Scope.Type

export const KeyId = Schema.UUID.annotations({ description: "An API key's id (not the key itself)." })

/** Stored statuses; `expired` is also reached by time (past `expiresAt`, or past a rotation's overlap). */
export const KeyStatus = Schema.Literal("active", "rotating", "revoked", "expired")
export type KeyStatus = typeof KeyStatus.Type

export const KeyName = FreeText({ maxLength: 100, minLength: 1 })

export const MAX_KEY_LIFETIME_DAYS = 3650
export const MAX_OVERLAP_SECONDS = 30 * 24 * 3600
export const DEFAULT_OVERLAP_SECONDS = 24 * 3600
/** Shortest period of a recurring scheduled rotation. */
export const MIN_ROTATION_INTERVAL_SECONDS = 3600

const Scopes = Schema.Array(Scope).pipe(
  Schema.minItems(1),
  Schema.maxItems(SCOPES.length),
  Schema.filter((scopes) => new Set(scopes).size === scopes.length, { message: () => "scopes must not repeat" })
)

export const ApiKeyInfo = Schema.Struct({
  id: KeyId,
  name: Schema.String,
  env: KeyEnv,
  scopes: Schema.Array(Scope),
  /** The key's first characters, to tell keys apart; the key itself is never stored. */
  displayPrefix: Schema.String,
  status: KeyStatus,
  createdAt: Schema.DateTimeUtc,
  expiresAt: Schema.DateTimeUtc,
  lastUsedAt: Schema.NullOr(Schema.DateTimeUtc),
  /** Rotation: the key that replaces this one, and the end of the overlap during which both work. */
  replacedBy: Schema.NullOr(KeyId),
  overlapEndsAt: Schema.NullOr(Schema.DateTimeUtc),
  rotatedFrom: Schema.NullOr(KeyId),
  revokedAt: Schema.NullOr(Schema.DateTimeUtc)
}).annotations({ identifier: "ApiKeyInfo" })
export type ApiKeyInfo = typeof ApiKeyInfo.Type

export const CreateKeyRequest = Schema.Struct({
  name: KeyName,
  env: KeyEnv,
  scopes: Scopes,
  expiresInDays: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_KEY_LIFETIME_DAYS))).annotations({
    description: "Lifetime in days (default: the API_KEY_TTL_DAYS setting)."
  })
}).annotations({ identifier: "CreateKeyRequest" })
export type CreateKeyRequest = typeof CreateKeyRequest.Type

/** A new key: `key` is shown this once and never again. */
export const CreatedKey = Schema.Struct({
  key: Schema.String.annotations({ description: "The key. Shown once: store it now." }),
  info: ApiKeyInfo
}).annotations({ identifier: "CreatedKey" })
export type CreatedKey = typeof CreatedKey.Type

export const OverlapSeconds = Schema.Int.pipe(Schema.between(0, MAX_OVERLAP_SECONDS)).annotations({
  description: `How long the old key keeps working after the rotation, in seconds (default ${DEFAULT_OVERLAP_SECONDS}).`
})

export const RotateKeyRequest = Schema.Struct({
  keyId: KeyId,
  overlapSeconds: Schema.optional(OverlapSeconds)
}).annotations({ identifier: "RotateKeyRequest" })
export type RotateKeyRequest = typeof RotateKeyRequest.Type

export const RotationResult = Schema.Struct({
  /** The new key, shown once, with the same name, env and scopes. */
  current: CreatedKey,
  /** The old key, now `rotating` until `overlapEndsAt`. */
  previous: ApiKeyInfo
}).annotations({ identifier: "RotationResult" })
export type RotationResult = typeof RotationResult.Type

export const ScheduleRotationRequest = Schema.Struct({
  keyId: KeyId,
  at: Schema.optional(Schema.DateTimeUtc).annotations({ description: "When to rotate (default: now + everySeconds)." }),
  everySeconds: Schema.optional(Schema.Int.pipe(Schema.between(MIN_ROTATION_INTERVAL_SECONDS, MAX_KEY_LIFETIME_DAYS * 86400))).annotations({
    description: "Rotate again at this interval, each time the then-current key of the chain."
  }),
  overlapSeconds: Schema.optional(OverlapSeconds)
}).pipe(
  Schema.filter((request) => request.at !== undefined || request.everySeconds !== undefined, {
    message: () => "give at, everySeconds, or both"
  })
).annotations({ identifier: "ScheduleRotationRequest" })
export type ScheduleRotationRequest = typeof ScheduleRotationRequest.Type

export const RotationSchedule = Schema.Struct({
  keyId: KeyId,
  nextRunAt: Schema.DateTimeUtc,
  everySeconds: Schema.NullOr(Schema.Int),
  overlapSeconds: Schema.Int
}).annotations({ identifier: "RotationSchedule" })
export type RotationSchedule = typeof RotationSchedule.Type

export const KeyStatusEntry = Schema.Struct({
  ...ApiKeyInfo.fields,
  /** Seconds until the key stops working (expiry, or the end of its rotation overlap); 0 once stopped. */
  secondsToExpiry: Schema.Int,
  expiringSoon: Schema.Boolean,
  schedule: Schema.NullOr(RotationSchedule)
}).annotations({ identifier: "KeyStatusEntry" })
export type KeyStatusEntry = typeof KeyStatusEntry.Type

export const KeyStatusReport = Schema.Struct({
  asOf: Schema.DateTimeUtc,
  warningWindowDays: Schema.Int,
  keys: Schema.Array(KeyStatusEntry),
  /** Working keys that stop within the warning window. */
  expiringSoon: Schema.Array(KeyStatusEntry)
}).annotations({ identifier: "KeyStatusReport" })
export type KeyStatusReport = typeof KeyStatusReport.Type

// ---------------------------------------------------------------------------------------------
// Errors

export class KeyNotFound extends Schema.TaggedError<KeyNotFound>()(
  "KeyNotFound",
  { keyId: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "No API key has this id." })
) {
  override get message(): string {
    return `API key ${this.keyId} does not exist`
  }
}

export class KeyNotRotatable extends Schema.TaggedError<KeyNotRotatable>()(
  "KeyNotRotatable",
  { keyId: Schema.String, status: KeyStatus },
  HttpApiSchema.annotations({ status: 409, description: "Only an active key can be rotated (not a revoked, expired or already rotating one)." })
) {
  override get message(): string {
    return `API key ${this.keyId} is ${this.status}: only an active key can be rotated`
  }
}

export class NoSuccessorPending extends Schema.TaggedError<NoSuccessorPending>()(
  "NoSuccessorPending",
  { keyId: Schema.String },
  HttpApiSchema.annotations({
    status: 404,
    description: "No successor waits for this key: it was not rotated on a schedule, or its successor was already claimed."
  })
) {
  override get message(): string {
    return `No successor is waiting to be claimed for API key ${this.keyId}`
  }
}
