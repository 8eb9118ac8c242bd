/**
 * Errors shared by every concern. Each client-visible error carries its HTTP status as an
 * annotation and a human `message`; the doors turn it into the envelope of SPEC §Errors.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** A dependency (database, redis, …) cannot serve the request now; the client may retry. */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  {
    dependency: Schema.String,
    reason: Schema.String,
    retryAfterSeconds: Schema.Int.pipe(Schema.positive())
  },
  HttpApiSchema.annotations({ status: 503, description: "A dependency is unavailable; retry after `Retry-After` seconds." })
) {
  override get message(): string {
    return `${this.dependency} is unavailable: ${this.reason}`
  }
}
