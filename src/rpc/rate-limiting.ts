/**
 * Rate-limiting administration over RPC: the same operations, schemas and policy (admin) as the
 * HTTP group `/admin/rate-limiting`.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { RateLimitIdentifier, RateLimitReset, RateLimitStatus } from "../services/rate-limit/admin.js"
import { ScopeName } from "../services/rate-limit/scopes.js"
import { RpcAuthentication } from "./authentication.js"

export class RateLimitingRpcs extends RpcGroup.make(
  Rpc.make("Status", { payload: Schema.Struct({ identifier: RateLimitIdentifier }), success: RateLimitStatus, error: ServiceUnavailable }),
  Rpc.make("Reset", {
    payload: Schema.Struct({ identifier: RateLimitIdentifier, scope: Schema.optional(ScopeName) }),
    success: RateLimitReset,
    error: ServiceUnavailable
  })
)
  .prefix("RateLimiting.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.admin) {}
