import { Effect } from "effect"
import { actorOf, CurrentPrincipal } from "../services/auth/schema.js"
import { RateLimitAdmin } from "../services/rate-limit/admin.js"
import { RateLimitingRpcs } from "./rate-limiting.js"

export const RateLimitingRpcLive = RateLimitingRpcs.toLayer(
  Effect.gen(function* () {
    const admin = yield* RateLimitAdmin
    const actor = Effect.map(CurrentPrincipal, actorOf)
    return {
      "RateLimiting.Status": ({ identifier }) => admin.status(identifier),
      "RateLimiting.Reset": ({ identifier, scope }) => Effect.flatMap(actor, (by) => admin.reset(identifier, scope, by))
    }
  })
)
