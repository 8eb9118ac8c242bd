/**
 * The Redis concern: `RedisStore` over ioredis when `REDIS_URL` is set, in memory otherwise.
 * All layers need only `HubConfig`; their connections and fibers live in the layer's scope.
 */
import { Effect, Layer, Option } from "effect"
import { HubConfig } from "../../config.js"
import { RedisStoreLive } from "./live.js"
import { RedisStoreMemory } from "./memory.js"
import type { RedisStore } from "./RedisStore.js"

export { RedisCommandError } from "./errors.js"
export { globMatch } from "./glob.js"
export { makeLiveRedisStore, RedisStoreLive } from "./live.js"
export { makeMemoryRedisStore, type MemoryRedisStore, RedisStoreMemory, type RedisStoreService } from "./memory.js"
export { RedisStore, type SetOptions } from "./RedisStore.js"
export {
  defineScript,
  LUA_NOW_MS,
  type MemoryScriptContext,
  type RedisScript,
  replyArray,
  replyInteger,
  replyString,
  type ScriptReply
} from "./script.js"

/** Redis when `settings.redis.url` is set, the memory store otherwise. */
export const RedisStoreFromConfig: Layer.Layer<RedisStore, never, HubConfig> = Layer.unwrapEffect(
  Effect.map(HubConfig, (settings) => (Option.isSome(settings.redis.url) ? RedisStoreLive : RedisStoreMemory))
)
