import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Cache } from "../services/cache/Cache.js"
import { LunaApi } from "./api.js"

export const CacheHttpLive = HttpApiBuilder.group(LunaApi, "cache", (handlers) =>
  Effect.gen(function* () {
    const cache = yield* Cache
    return handlers
      .handle("health", () => cache.health)
      .handle("stats", () => cache.stats)
      .handle("invalidateUser", ({ path }) => cache.invalidateUser(path.user_id))
  })
)
