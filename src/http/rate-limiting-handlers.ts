import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { actorOf } from "../services/auth/schema.js"
import { RateLimitAdmin } from "../services/rate-limit/admin.js"
import { LunaApi } from "./api.js"
import { requestPrincipal } from "./authentication.js"

export const RateLimitingHttpLive = HttpApiBuilder.group(LunaApi, "rateLimiting", (handlers) =>
  Effect.gen(function* () {
    const admin = yield* RateLimitAdmin
    const actor = Effect.map(requestPrincipal, actorOf)
    return handlers
      .handle("status", ({ path }) => admin.status(path.identifier))
      .handle("reset", ({ path, urlParams }) => Effect.flatMap(actor, (by) => admin.reset(path.identifier, urlParams.scope, by)))
  })
)
