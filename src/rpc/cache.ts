/**
 * The distributed cache over RPC: the same operations, schemas and policy as the HTTP cache group
 * (`/monitoring/cache`). The user HTTP carries in the path is the payload's `userId` here.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { CacheHealth, CacheInvalidated, CacheStats } from "../services/cache/schema.js"
import { UserId } from "../services/guardian/schema.js"
import { RpcAuthentication } from "./authentication.js"

export const InvalidateUserPayload = Schema.Struct({ userId: UserId })

/** Service or admin keys only; the cache never fails because of Redis, so only the middleware's errors remain. */
export class CacheRpcs extends RpcGroup.make(
  Rpc.make("Health", { success: CacheHealth }),
  Rpc.make("Stats", { success: CacheStats }),
  Rpc.make("InvalidateUser", { payload: InvalidateUserPayload, success: CacheInvalidated })
)
  .prefix("Cache.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.service()) {}
