// The limiters bench:ratelimit compares, built alike on the same Redis (127.0.0.1:6379) and in
// memory:
//   - the Hub's `makeRateLimiter` over `makeLiveRedisStore(settings.redis)` (its own ioredis
//     connection per instance, as `RateLimiterLive` gets it from `RedisStoreLive`) or over
//     `makeMemoryRedisStore`;
//   - rate-limiter-flexible: `RateLimiterRedis` over an ioredis client of its own (`storeClient`;
//     `useRedisPackage` stays off, that option is for the `redis` package) and `RateLimiterMemory`,
//     with the same points (limit) and duration (window).
// Every Redis connection is closed with the scope it was opened in.
import { Effect, type Scope } from "effect";
import { Redis, type RedisOptions } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { HubSettings } from "../../src/config.js";
import { limiterOver, makeRateLimiter } from "../../src/services/rate-limit/live.js";
import type { RateLimiter } from "../../src/services/rate-limit/RateLimiter.js";
import { type Algorithm, ALGORITHMS, type LimitRule } from "../../src/services/rate-limit/schema.js";
import { makeMemoryRedisStore } from "../../src/services/redis/memory.js";
import { makeLiveRedisStore } from "../../src/services/redis/live.js";

export type HubLimiter = RateLimiter["Type"];
export { ALGORITHMS, type Algorithm, type LimitRule };

/** A limit and its window, as both libraries take them (rlf: points, duration in seconds). */
export interface Limit {
  readonly limit: number;
  readonly windowSeconds: number;
}

export const hubRule = (algorithm: Algorithm, limit: Limit): LimitRule => ({
  algorithm,
  limit: limit.limit,
  windowMs: limit.windowSeconds * 1000,
});

/** The limit name (a key part and a metric label) of an algorithm's checks in one phase family. */
export const hubName = (family: string, algorithm: Algorithm): string => `bench.${family}.${algorithm}`;

/** One Hub limiter over its own Redis connection (`settings.keyPrefix` shared by all of them). */
export const makeHubRedisLimiter = (redis: HubSettings["redis"]): Effect.Effect<HubLimiter, never, Scope.Scope> =>
  Effect.map(makeLiveRedisStore(redis), makeRateLimiter);

/** The Hub's limiter in the embedded mode (over `RedisStoreMemory`: the in-process limiter). */
export const makeHubMemoryLimiter = (keyPrefix: string): Effect.Effect<HubLimiter, never, Scope.Scope> =>
  // As `RateLimiterLive` and `RateLimitsLive` build it over the memory store: the in-process limiter.
  Effect.flatMap(makeMemoryRedisStore({ keyPrefix }), (memory) => limiterOver(memory.service));

export interface RlfConnectionOptions {
  readonly redisUrl: string;
  /** The Hub store's per-command timeout (`REDIS_TIMEOUT`), given to ioredis alike. */
  readonly commandTimeoutMs: number;
  /**
   * true: the Hub store's connection options that matter for throughput (auto-pipelining, no
   * offline queue, the same command timeout); false: ioredis as rate-limiter-flexible's README
   * builds it (`new Redis({ enableOfflineQueue: false })`, no auto-pipelining).
   */
  readonly likeHub: boolean;
}

const rlfConnectionOptions = (options: RlfConnectionOptions): RedisOptions => ({
  lazyConnect: true,
  enableOfflineQueue: false,
  connectTimeout: 2_000,
  ...(options.likeHub ? { enableAutoPipelining: true, commandTimeout: options.commandTimeoutMs, maxRetriesPerRequest: 3 } : {}),
});

/** An ioredis connection for rate-limiter-flexible, connected (it has no offline queue). */
export const rlfConnection = (options: RlfConnectionOptions): Effect.Effect<Redis, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const connection = new Redis(options.redisUrl, rlfConnectionOptions(options));
      connection.on("error", () => undefined);
      yield* Effect.tryPromise({
        try: () => connection.connect(),
        catch: (error) => new Error(`rate-limiter-flexible: Redis did not answer: ${error instanceof Error ? error.message : String(error)}`),
      }).pipe(Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => new Error("rate-limiter-flexible: Redis did not answer within 3 s") }));
      return connection;
    }),
    (connection) => Effect.promise(() => connection.quit().catch(() => undefined)).pipe(Effect.timeout("2 seconds"), Effect.ignore, Effect.ensuring(Effect.sync(() => connection.disconnect()))),
  );

/** `RateLimiterRedis` on `client`; limiters with the same `keyPrefix` share their counts. */
export const makeRlfRedis = (client: Redis, keyPrefix: string, limit: Limit): RateLimiterRedis =>
  new RateLimiterRedis({ storeClient: client, keyPrefix, points: limit.limit, duration: limit.windowSeconds });

export const makeRlfMemory = (keyPrefix: string, limit: Limit): RateLimiterMemory =>
  new RateLimiterMemory({ keyPrefix, points: limit.limit, duration: limit.windowSeconds });
