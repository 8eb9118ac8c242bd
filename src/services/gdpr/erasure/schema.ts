/**
 * Erasure's contract: a request's status and, once done, its certificate. Nothing here names the
 * user: the certificate holds a keyed hash of their id (GDPR_ANONYMIZATION_SALT).
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

export const RequestStatus = Schema.Literal("pending", "running", "completed", "failed")

export const ErasureCertificate = Schema.Struct({
  requestId: Schema.UUID,
  /** HMAC-SHA256 of the user id under GDPR_ANONYMIZATION_SALT (hex). */
  userHash: Schema.String,
  completedAt: Schema.DateTimeUtc,
  /** Rows erased or pseudonymised per table, and what was purged outside Postgres. */
  counts: Schema.Record({ key: Schema.String, value: Schema.Int })
}).annotations({ identifier: "ErasureCertificate" })
export type ErasureCertificate = typeof ErasureCertificate.Type

export const ErasureStatus = Schema.Struct({
  requestId: Schema.UUID,
  status: RequestStatus,
  requestedAt: Schema.DateTimeUtc,
  /** Where to ask again while it runs. */
  statusUrl: Schema.String,
  certificate: Schema.NullOr(ErasureCertificate)
}).annotations({ identifier: "ErasureStatus" })
export type ErasureStatus = typeof ErasureStatus.Type

export const GdprRequestId = Schema.UUID

export class GdprRequestNotFound extends Schema.TaggedError<GdprRequestNotFound>()(
  "GdprRequestNotFound",
  { requestId: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "No erasure request has this id." })
) {
  override get message(): string {
    return `No erasure request ${this.requestId}`
  }
}
