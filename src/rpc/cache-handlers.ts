import { Effect } from "effect"
import { Cache } from "../services/cache/Cache.js"
import { CacheRpcs } from "./cache.js"

export const CacheRpcLive = CacheRpcs.toLayer(
  Effect.gen(function* () {
    const cache = yield* Cache
    return {
      "Cache.Health": () => cache.health,
      "Cache.Stats": () => cache.stats,
      "Cache.InvalidateUser": ({ userId }) => cache.invalidateUser(userId)
    }
  })
)
