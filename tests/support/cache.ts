/**
 * Cache instances for tests: memory only, or memory in front of a shared key-value store (the
 * memory store in embedded runs, real Redis in real runs). Several instances built together share
 * the store (and, with Redis, the key prefix) as several Hub processes would.
 */
import { Effect, Layer, Logger, Option, type Scope, Stream } from "effect"
import { HubConfig } from "../../src/config.js"
import { Cache } from "../../src/services/cache/Cache.js"
import { cacheTuning, type CacheTuning, makeCache } from "../../src/services/cache/live.js"
import type { RedisStoreService } from "../../src/services/redis/memory.js"
import { type BackendName, runToken } from "./backends.js"
import { makeTestRedis, type TestRedisOptions } from "./redis.js"

export type CacheSetup = "memory only" | "memory + store"

export const testCacheTuning = (overrides: Partial<CacheTuning> = {}): CacheTuning => ({
  ttlMs: { user_energy: 60_000, transactions: 60_000, user_stats: 60_000, leaderboard: 60_000, narrative: 60_000 },
  maxEntries: 1_000,
  maxBytes: 1024 * 1024,
  l1TtlMs: 5_000,
  graceMs: 30_000,
  lockMs: 2_000,
  probeIntervalMs: 1_000,
  soleInstance: true,
  ...overrides
})

export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ message }) => {
    lines.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
  })
  return { lines, logger }
}

export interface TestCachesOptions {
  /** The timeout of the caches' Redis calls (the real backend builds their stores with it, as `CacheLive` does). */
  readonly l2TimeoutMs?: number
  readonly count?: number
  readonly tuning?: Partial<CacheTuning>
  /** Real backend: connect through this URL (a proxy) instead of TEST_REDIS_URL. */
  readonly redis?: TestRedisOptions
  /** Per instance: wrap the store (e.g. to make one deaf to the bus). */
  readonly wrapStore?: (index: number, store: RedisStoreService) => RedisStoreService
  readonly logger?: Logger.Logger<unknown, unknown>
  /** Share a store's keys with caches built by another call (real backend). */
  readonly prefix?: string
}

/** `count` caches; with a store they share it (one memory store, or one Redis prefix with a connection each). */
export const makeTestCaches = (backend: BackendName, setup: CacheSetup, options: TestCachesOptions = {}) =>
  Effect.gen(function*() {
    const count = options.count ?? 1
    const tuning = testCacheTuning(options.tuning)
    const logging = options.logger === undefined
      ? Logger.remove(Logger.defaultLogger)
      : Logger.replace(Logger.defaultLogger, options.logger)
    const prefix = options.prefix ?? `luna_t_${runToken()}:`
    const stores: Array<Option.Option<RedisStoreService>> = []
    const shared = setup === "memory + store" && backend === "embedded"
      ? yield* makeTestRedis("embedded", { prefix })
      : undefined
    for (let i = 0; i < count; i++) {
      if (setup === "memory only") stores.push(Option.none())
      else {
        const env = { REDIS_TIMEOUT: String((options.l2TimeoutMs ?? 1_000) / 1000), ...options.redis?.env }
        const store = shared?.store ?? (yield* makeTestRedis("real", { prefix, ...options.redis, env })).store
        stores.push(Option.some(options.wrapStore?.(i, store) ?? store))
      }
    }
    return yield* Effect.forEach(stores, (store, i) =>
      makeCache({ ...tuning, instanceId: `instance-${i}` }, store).pipe(Effect.provide(logging)))
  })

/** A store whose subscriptions never deliver: an instance that misses every bus message. */
export const deafToBus = (store: RedisStoreService): RedisStoreService => ({
  ...store,
  subscribe: () => Stream.never,
  subscribeScoped: () => Effect.succeed(Stream.never) as Effect.Effect<Stream.Stream<string>, never, Scope.Scope>
})

/**
 * The Hub's `Cache` for a suite: over the memory store embedded, over real Redis (a unique prefix,
 * or `prefix` to share one between runtimes) in real runs.
 */
export const cacheLayer = (backend: BackendName, options: { readonly prefix?: string } = {}): Layer.Layer<Cache, never, HubConfig> =>
  backend === "embedded"
    ? Layer.scoped(Cache, Effect.flatMap(HubConfig, (settings) => makeCache(cacheTuning(settings), Option.none())))
    : Layer.scoped(
      Cache,
      Effect.gen(function*() {
        const settings = yield* HubConfig
        const env = { REDIS_TIMEOUT: String(settings.cache.l2TimeoutMs / 1000) }
        const { store } = yield* makeTestRedis("real", options.prefix === undefined ? { env } : { prefix: options.prefix, env })
        return yield* makeCache(cacheTuning(settings), Option.some(store))
      })
    )
