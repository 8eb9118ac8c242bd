/**
 * Rate-limiting administration over HTTP (`/admin/rate-limiting`): an identifier's state in every
 * scope, and resets (audited). Admin only. Handlers are in rate-limiting-handlers.ts; the RPC twin
 * is rpc/rate-limiting.ts.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { RateLimitIdentifier, RateLimitReset, RateLimitStatus } from "../services/rate-limit/admin.js"
import { ScopeName } from "../services/rate-limit/scopes.js"
import { Authentication } from "./authentication.js"
import { envelope } from "./envelope.js"

export const IdentifierPath = Schema.Struct({ identifier: RateLimitIdentifier })
export const ResetParams = Schema.Struct({
  scope: Schema.optional(ScopeName).annotations({ description: "Only this scope (default: every scope)." })
})

export class RateLimitingApi extends HttpApiGroup.make("rateLimiting")
  .add(
    HttpApiEndpoint.get("status", "/status/:identifier")
      .setPath(IdentifierPath)
      .addSuccess(RateLimitStatus)
      .addError(envelope(ServiceUnavailable))
      .annotate(OpenApi.Summary, "An identifier's rate limits")
      .annotate(
        OpenApi.Description,
        "Every scope's rule and the identifier's state in it (what is left, when it resets, how long a refused " +
          "check would wait). Reading it spends nothing. The identifier is what the scope counts by: a client IP " +
          "address (GLOBAL_DDOS, AUTH_LOGIN), a user id or `key:<id>` (API_GENERAL), a user id (API_CV_GENERATION)."
      )
  )
  .add(
    HttpApiEndpoint.post("reset", "/reset/:identifier")
      .setPath(IdentifierPath)
      .setUrlParams(ResetParams)
      .addSuccess(RateLimitReset)
      .addError(envelope(ServiceUnavailable))
      .annotate(OpenApi.Summary, "Reset an identifier's rate limits")
      .annotate(
        OpenApi.Description,
        "Forgets the identifier's state in `scope`, or in every scope: its whole allowance is available again at " +
          "once on this instance; another instance that has it blocked in memory lets it through again at the " +
          "latest when that block ends. Recorded as a `RateLimitReset` event in the stream named in `auditStream` " +
          "(the identifier appears there only as a keyed hash)."
      )
  )
  .middleware(Authentication)
  .annotate(AccessAnnotation, Access.admin)
  .prefix("/admin/rate-limiting")
  .annotate(OpenApi.Title, "Rate limiting")
  .annotate(OpenApi.Description, "Rate-limit state and resets. Admin only.")
{}
