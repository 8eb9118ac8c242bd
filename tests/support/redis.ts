/**
 * A `RedisStore` per test suite:
 * - "real": the ioredis store on TEST_REDIS_URL under a unique prefix `luna_t_<token>:`, whose keys
 *   are deleted when the scope closes (never FLUSHDB: other suites share the server);
 * - "embedded": the memory store.
 * Plus `RedisTestProbe` (what the server sees, for assertions) and a TCP proxy that can be cut,
 * frozen and restored, to put between the live store and Redis.
 */
import { Redis } from "ioredis"
import { Context, Effect, Layer, Logger, type Scope } from "effect"
import { HubConfig, type HubSettings, loadSettings } from "../../src/config.js"
import { type LiveTuning, makeLiveRedisStore } from "../../src/services/redis/live.js"
import { makeMemoryRedisStore, type RedisStoreService } from "../../src/services/redis/memory.js"
import { RedisStore } from "../../src/services/redis/RedisStore.js"
import { type BackendName, runToken, TEST_REDIS_URL } from "./backends.js"
import { type TcpProxy, tcpProxy } from "./tcp-proxy.js"

export interface RedisTestProbe {
  readonly backend: BackendName
  readonly prefix: string
  /**
   * Server-side subscriptions to `channel` (bare name): PUBSUB NUMSUB on Redis, 1/0 for the memory
   * store's channel table. The store shares one subscriber connection, so this is 0 or 1.
   */
  readonly serverSubscriptions: (channel: string) => Effect.Effect<number>
}
export const RedisTestProbe = Context.GenericTag<RedisTestProbe>("test/RedisTestProbe")

export interface TestRedisOptions {
  /** Defaults to `luna_t_<runToken()>:`. */
  readonly prefix?: string
  /** Extra settings as environment variables (e.g. `{ REDIS_TIMEOUT: "0.3" }`). */
  readonly env?: Readonly<Record<string, string>>
  /** Real: point at this URL instead of TEST_REDIS_URL (e.g. a proxy). Keys are still cleaned up through TEST_REDIS_URL. */
  readonly url?: string
  readonly tuning?: LiveTuning
  /** The store logs nothing unless a logger is given. */
  readonly logger?: Logger.Logger<unknown, unknown>
}

export interface TestRedis {
  readonly store: RedisStoreService
  readonly probe: RedisTestProbe
  readonly settings: HubSettings
}

/** An admin connection to TEST_REDIS_URL for cleanup and probing; closed with the scope. */
const adminConnection = Effect.acquireRelease(
  Effect.sync(() => {
    const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 })
    admin.on("error", () => {})
    return admin
  }),
  (admin) => Effect.promise(() => admin.quit().catch(() => admin.disconnect()))
)

const escapeGlob = (literal: string): string => literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`)

/** Deletes every key under `prefix` (SCAN + UNLINK); what the real backend does at scope close. */
export const deleteKeysWithPrefix = (admin: Redis, prefix: string): Promise<number> =>
  new Promise((resolve, reject) => {
    let deleted = 0
    const stream = admin.scanStream({ match: `${escapeGlob(prefix)}*`, count: 500 })
    stream.on("data", (keys: Array<string>) => {
      if (keys.length === 0) return
      stream.pause()
      admin.unlink(...keys).then((n) => {
        deleted += n
        stream.resume()
      }, reject)
    })
    stream.on("end", () => resolve(deleted))
    stream.on("error", reject)
  })

export const makeTestRedis = (backend: BackendName, options: TestRedisOptions = {}): Effect.Effect<TestRedis, never, Scope.Scope> =>
  Effect.gen(function*() {
    const prefix = options.prefix ?? `luna_t_${runToken()}:`
    const env: Record<string, string> = { REDIS_KEY_PREFIX: prefix, ...options.env }
    if (backend === "real") env.REDIS_URL = options.url ?? TEST_REDIS_URL
    const settings = yield* Effect.orDie(loadSettings(env))
    const logging = options.logger === undefined
      ? Logger.remove(Logger.defaultLogger)
      : Logger.replace(Logger.defaultLogger, options.logger)

    if (backend === "embedded") {
      const memory = yield* makeMemoryRedisStore({ keyPrefix: prefix })
      return {
        store: memory.service,
        settings,
        probe: {
          backend,
          prefix,
          serverSubscriptions: (channel) =>
            Effect.map(memory.activeChannels, (names) => (names.includes(prefix + channel) ? 1 : 0))
        }
      }
    }

    const admin = yield* adminConnection
    // Registered before the store, so it runs after the store has closed: nothing writes any more.
    yield* Effect.addFinalizer(() =>
      Effect.promise(() => deleteKeysWithPrefix(admin, prefix)).pipe(
        Effect.timeout("5 seconds"),
        Effect.catchAllCause(() => Effect.void)
      )
    )
    const store = yield* makeLiveRedisStore(settings.redis, options.tuning).pipe(Effect.provide(logging))
    return {
      store,
      settings,
      probe: {
        backend,
        prefix,
        serverSubscriptions: (channel) =>
          Effect.promise(() => admin.call("PUBSUB", "NUMSUB", prefix + channel)).pipe(
            Effect.map((reply) => (Array.isArray(reply) ? Number(reply[1]) : 0))
          )
      }
    }
  })

/** `RedisStore` (+ `RedisTestProbe`, `HubConfig`) for a suite; the real backend cleans its keys up. */
export const redisLayer = (
  backend: BackendName,
  options: TestRedisOptions = {}
): Layer.Layer<RedisStore | RedisTestProbe | HubConfig> =>
  Layer.scopedContext(
    Effect.map(makeTestRedis(backend, options), ({ probe, settings, store }) =>
      Context.make(RedisStore, store).pipe(Context.add(RedisTestProbe, probe), Context.add(HubConfig, settings)))
  )

// ---------------------------------------------------------------------------------------------
// A TCP proxy that can be cut (connections reset, new ones refused), frozen (bytes held back,
// sockets kept: a hung server) and restored.

export interface RedisProxy extends TcpProxy {
  readonly url: string
}

/** A proxy to TEST_REDIS_URL on a free loopback port; it starts cut when `startCut` is set. */
export const redisProxy = (options: { readonly startCut?: boolean } = {}): Effect.Effect<RedisProxy, never, Scope.Scope> => {
  const upstream = new URL(TEST_REDIS_URL)
  return Effect.map(tcpProxy({ host: upstream.hostname, port: Number(upstream.port || 6379) }, options), (proxy) => ({
    ...proxy,
    url: `redis://127.0.0.1:${proxy.port}`
  }))
}
