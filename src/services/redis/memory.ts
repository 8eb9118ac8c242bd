/**
 * `RedisStore` in memory, with the Redis backend's semantics: TTLs on Effect `Clock` (lazy expiry
 * on access plus a bounded periodic sweep), Redis glob matching for `scan`, the same prefixing,
 * the same defects for wrong commands (`RedisCommandError`), script twins run synchronously (so
 * atomically), pub/sub through one sliding `PubSub` per channel. It never fails with
 * `ServiceUnavailable`; its breaker exists for parity and stays closed.
 */
import { Chunk, Clock, Effect, Layer, Option, PubSub, Schedule, type Scope, Stream } from "effect"
import { HubConfig } from "../../config.js"
import { makeCircuitBreaker } from "../../resilience/index.js"
import { globMatcher, escapeGlob } from "./glob.js"
import { Keyspace } from "./keyspace.js"
import { RedisStore } from "./RedisStore.js"
import { checkScriptCall, normalizeReply } from "./script.js"
import { DEPENDENCY, REDIS_BREAKER, SCAN_COUNT, SUBSCRIBER_BUFFER, SWEEP_BUDGET, SWEEP_INTERVAL } from "./settings.js"

export type RedisStoreService = RedisStore["Type"]

/** The memory service plus what tests may inspect. */
export interface MemoryRedisStore {
  readonly service: RedisStoreService
  /** Channels (prefixed) with at least one active subscriber: the twin of Redis's PUBSUB CHANNELS. */
  readonly activeChannels: Effect.Effect<ReadonlyArray<string>>
  /** Number of keys held, expired-but-not-yet-swept included. */
  readonly size: Effect.Effect<number>
}

interface Channel {
  readonly pubsub: PubSub.PubSub<string>
  subscribers: number
}

export const makeMemoryRedisStore = (options: { readonly keyPrefix: string }): Effect.Effect<MemoryRedisStore, never, Scope.Scope> =>
  Effect.gen(function*() {
    const prefix = options.keyPrefix
    const keyspace = new Keyspace()
    const channels = new Map<string, Channel>()
    const breaker = yield* makeCircuitBreaker(REDIS_BREAKER)

    const withNow = <A>(f: (now: number) => A): Effect.Effect<A> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => f(now)))

    yield* withNow((now) => keyspace.sweep(now, SWEEP_BUDGET)).pipe(
      Effect.repeat(Schedule.spaced(SWEEP_INTERVAL)),
      Effect.forkScoped
    )

    // Acquire and release are each synchronous, so the subscriber count and the Redis-like
    // "subscribed once per channel" bookkeeping cannot interleave.
    const subscribeScoped = (channel: string) =>
      Effect.gen(function*() {
        const name = prefix + channel
        const entry = yield* Effect.acquireRelease(
          Effect.sync(() => {
            let found = channels.get(name)
            if (found === undefined) {
              found = { pubsub: Effect.runSync(PubSub.sliding<string>(SUBSCRIBER_BUFFER)), subscribers: 0 }
              channels.set(name, found)
            }
            found.subscribers++
            return found
          }),
          (found) =>
            Effect.suspend(() => {
              found.subscribers--
              if (found.subscribers > 0) return Effect.void
              channels.delete(name)
              return PubSub.shutdown(found.pubsub)
            })
        )
        const dequeue = yield* PubSub.subscribe(entry.pubsub)
        return Stream.fromQueue(dequeue)
      })

    const service: RedisStoreService = {
      backend: "memory",
      get: (key) => withNow((now) => Option.fromNullable(keyspace.get(prefix + key, now))),
      mget: (keys) => withNow((now) => keyspace.mget(keys.map((key) => prefix + key), now)),
      set: (key, value, setOptions) =>
        withNow((now) => keyspace.set(prefix + key, value, now, { ttlMs: setOptions?.ttlMs, onlyIfAbsent: setOptions?.onlyIfAbsent })),
      del: (keys) => withNow((now) => keyspace.del(keys.map((key) => prefix + key), now)),
      incrBy: (key, by) => withNow((now) => keyspace.incrBy(prefix + key, by, now)),
      pttl: (key) =>
        withNow((now) => {
          const ttl = keyspace.pttl(prefix + key, now)
          return ttl === -2 ? Option.none() : Option.some(ttl)
        }),
      scan: (pattern) =>
        Stream.suspend(() => {
          const full = escapeGlob(prefix) + pattern
          // SCAN skips matching altogether for "*" (which stringmatch would refuse for an empty key).
          const matches = full === "*" ? () => true : globMatcher(full)
          const snapshot = keyspace.keys()
          return Stream.paginateChunkEffect(0, (offset) =>
            withNow((now) => {
              const batch = snapshot
                .slice(offset, offset + SCAN_COUNT)
                .filter((key) => matches(key) && keyspace.exists(key, now))
                .map((key) => key.slice(prefix.length))
              const next = offset + SCAN_COUNT
              return [Chunk.unsafeFromArray(batch), next < snapshot.length ? Option.some(next) : Option.none<number>()] as const
            }))
        }),
      runScript: (script, keys, args) =>
        withNow((now) => {
          checkScriptCall(script, keys)
          const reply = script.memory(keyspace.scriptContext(now), keys.map((key) => prefix + key), args)
          return script.decode(normalizeReply(reply))
        }),
      publish: (channel, message) =>
        Effect.suspend(() => {
          const found = channels.get(prefix + channel)
          return found === undefined ? Effect.void : Effect.asVoid(PubSub.publish(found.pubsub, message))
        }),
      subscribe: (channel) => Stream.unwrapScoped(subscribeScoped(channel)),
      subscribeScoped,
      ping: Effect.succeed({ latencyMs: 0 }),
      breaker: breaker.snapshot
    }

    return {
      service,
      activeChannels: Effect.sync(() => Array.from(channels.keys())),
      size: Effect.sync(() => keyspace.size)
    }
  })

/** The memory store, prefixed by `settings.redis.keyPrefix`. */
export const RedisStoreMemory: Layer.Layer<RedisStore, never, HubConfig> = Layer.scoped(
  RedisStore,
  Effect.gen(function*() {
    const settings = yield* HubConfig
    const store = yield* makeMemoryRedisStore({ keyPrefix: settings.redis.keyPrefix })
    yield* Effect.logDebug("Redis not configured: using the in-memory store").pipe(Effect.annotateLogs("logger", DEPENDENCY))
    return store.service
  })
)
