// The two caches bench:cache compares, built alike: a memory tier in front of Redis on loopback,
// with an invalidation bus, the same TTLs, keys and value shapes.
//   - the Hub's `makeCache` over `makeLiveRedisStore` (its own ioredis command and subscriber
//     connections per instance);
//   - bentocache: a `memoryDriver` L1, a `redisDriver` L2 and a `redisBusDriver` bus, each with its
//     own ioredis connection per instance.
// Every instance is released with the scope it was built in (bentocache: `disconnectAll()`, or the
// process stays alive).
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisBusDriver, redisDriver } from "bentocache/drivers/redis";
import { Effect, Option, Schema, type Scope } from "effect";
import { Redis, type RedisOptions } from "ioredis";
import type { HubSettings } from "../../src/config.js";
import type { Cache } from "../../src/services/cache/Cache.js";
import { type CacheTuning, makeCache } from "../../src/services/cache/live.js";
import type { CacheKind } from "../../src/services/cache/schema.js";
import { makeLiveRedisStore } from "../../src/services/redis/live.js";

/** The cached value, the same shape for both caches. */
export const BenchValue = Schema.Struct({ id: Schema.String, n: Schema.Number, tags: Schema.Array(Schema.String) });
export type BenchValue = typeof BenchValue.Type;

export const benchValue = (key: string, n: number): BenchValue => ({ id: key, n, tags: ["bench", "cache"] });

export const VALUE_KIND: CacheKind = "user_stats";
export const TTL_MS = 60_000;
export const GRACE_MS = 300_000;
export const LOCK_MS = 5_000;
/** CACHE_REDIS_TIMEOUT_MS's default. */
export const HUB_REDIS_TIMEOUT_MS = 100;

export type HubCache = Cache["Type"];

export interface MemoryBounds {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export const hubTuning = (bounds: MemoryBounds): CacheTuning => ({
  ttlMs: { user_energy: TTL_MS, transactions: TTL_MS, user_stats: TTL_MS, leaderboard: TTL_MS, narrative: TTL_MS },
  maxEntries: bounds.maxEntries,
  maxBytes: bounds.maxBytes,
  l1TtlMs: 5_000,
  soleInstance: false,
  graceMs: GRACE_MS,
  lockMs: LOCK_MS,
  probeIntervalMs: 1_000,
});

const BUS_WAIT_MS = 3_000;

/**
 * One Hub cache instance: its own RedisStore (command + subscriber connections) under `redis`'s
 * key prefix, and its cache, returned once its bus subscription is up.
 */
export const makeHubCache = (redis: HubSettings["redis"], bounds: MemoryBounds): Effect.Effect<HubCache, Error, Scope.Scope> =>
  Effect.gen(function* () {
    // As CacheLive builds it: the cache's own connections, with the cache's Redis timeout.
    const store = yield* makeLiveRedisStore({ ...redis, timeoutMs: HUB_REDIS_TIMEOUT_MS }, { breaker: { name: "redis-cache" } });
    const cache = yield* makeCache(hubTuning(bounds), Option.some(store));
    const started = performance.now();
    for (;;) {
      const health = yield* cache.health;
      if (health.bus.connected && health.tiers.l2.status === "up") return cache;
      if (performance.now() - started > BUS_WAIT_MS) {
        return yield* Effect.fail(new Error(`Hub cache: bus not connected within ${BUS_WAIT_MS} ms (l2 ${health.tiers.l2.status})`));
      }
      yield* Effect.sleep("20 millis");
    }
  });

export interface BentoTarget {
  readonly bento: BentoCache<Record<string, ReturnType<typeof bentostore>>>;
}

export interface BentoOptions {
  readonly redisUrl: string;
  /** Redis key prefix (bentocache adds `:`). */
  readonly prefix: string;
  /** Store name: the bus channel is `bentocache.notifications:<store>`, so one per run keeps runs apart. */
  readonly store: string;
  readonly maxItems: number;
  readonly maxBytes: number;
  /** bentocache's default (true) keeps JSON strings in L1 and parses on every hit; false keeps objects (no byte bound then). */
  readonly serializeL1: boolean;
  /** The same per-command timeout the Hub's store gives ioredis. */
  readonly commandTimeoutMs: number;
}

const connectionOptions = (options: BentoOptions): RedisOptions => {
  const url = new URL(options.redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 3,
    connectTimeout: 2_000,
  };
};

/** One bentocache instance (own L2 and bus connections), ready: its L2 connection answers. */
export const makeBento = (options: BentoOptions): Effect.Effect<BentoCache<Record<string, ReturnType<typeof bentostore>>>, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const l2Connection = new Redis(connectionOptions(options));
    l2Connection.on("error", () => undefined);
    const memory = options.serializeL1
      ? memoryDriver({ maxItems: options.maxItems, maxSize: options.maxBytes })
      : memoryDriver({ maxItems: options.maxItems, serialize: false });
    const bento = yield* Effect.acquireRelease(
      Effect.sync(
        () =>
          new BentoCache({
            default: options.store,
            prefix: options.prefix,
            ttl: TTL_MS,
            grace: GRACE_MS,
            lockTimeout: LOCK_MS,
            stores: {
              [options.store]: bentostore()
                .useL1Layer(memory)
                .useL2Layer(redisDriver({ connection: l2Connection }))
                .useBus(redisBusDriver({ connection: connectionOptions(options) })),
            },
          }),
      ),
      (bento) =>
        Effect.promise(() => bento.disconnectAll().catch(() => undefined)).pipe(
          Effect.timeout("3 seconds"),
          Effect.ignore,
          Effect.ensuring(Effect.sync(() => l2Connection.disconnect())),
        ),
    );
    // Instantiates the store (drivers and bus subscribe) and waits for the L2 connection.
    bento.use();
    yield* Effect.tryPromise({
      try: () => l2Connection.ping(),
      catch: (error) => new Error(`bentocache: Redis did not answer: ${error instanceof Error ? error.message : String(error)}`),
    }).pipe(Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => new Error("bentocache: Redis did not answer within 3 s") }));
    return bento;
  });

// ---------------------------------------------------------------------------------------------
// Redis housekeeping on an admin connection of our own.

export const adminConnection = (redisUrl: string): Effect.Effect<Redis, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, enableOfflineQueue: false });
      admin.on("error", () => undefined);
      yield* Effect.tryPromise({
        try: () => admin.connect().then(() => admin.ping()),
        catch: (error) => new Error(`Redis at ${redisUrl} did not answer: ${error instanceof Error ? error.message : String(error)}`),
      }).pipe(Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => new Error(`Redis at ${redisUrl} did not answer within 3 s`) }));
      return admin;
    }),
    (admin) => Effect.promise(() => admin.quit().catch(() => admin.disconnect())).pipe(Effect.timeout("2 seconds"), Effect.ignore),
  );

const escapeGlob = (literal: string): string => literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Deletes every key starting with `prefix` (SCAN + UNLINK; never FLUSHDB: the server is shared). */
export const deleteKeysWithPrefix = (admin: Redis, prefix: string): Promise<number> =>
  new Promise((resolve, reject) => {
    let deleted = 0;
    const stream = admin.scanStream({ match: `${escapeGlob(prefix)}*`, count: 1_000 });
    stream.on("data", (keys: Array<string>) => {
      if (keys.length === 0) return;
      stream.pause();
      admin.unlink(...keys).then((n) => {
        deleted += n;
        stream.resume();
      }, reject);
    });
    stream.on("end", () => resolve(deleted));
    stream.on("error", reject);
  });

/** How many keys start with `prefix` (for the report after cleanup). */
export const countKeysWithPrefix = (admin: Redis, prefix: string): Promise<number> =>
  new Promise((resolve, reject) => {
    let count = 0;
    const stream = admin.scanStream({ match: `${escapeGlob(prefix)}*`, count: 1_000 });
    stream.on("data", (keys: Array<string>) => (count += keys.length));
    stream.on("end", () => resolve(count));
    stream.on("error", reject);
  });
