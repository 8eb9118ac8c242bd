/**
 * Key-value primitives that later concerns (cache, rate limiting, bus) build on: Redis when
 * `REDIS_URL` is set, an in-memory store with the same semantics otherwise. Keys and channels
 * are namespaced by `REDIS_KEY_PREFIX` inside the implementation; callers pass bare names.
 */
import { Context, type Effect, type Option, type Scope, type Stream } from "effect"
import type { BreakerSnapshot } from "../../resilience/index.js"
import type { ServiceUnavailable } from "../common/errors.js"
import type { RedisScript } from "./script.js"

export interface SetOptions {
  readonly ttlMs?: number
  /** SET NX: only when the key does not exist. */
  readonly onlyIfAbsent?: boolean
}

export class RedisStore extends Context.Tag("luna/RedisStore")<RedisStore, {
  readonly backend: "redis" | "memory"
  readonly get: (key: string) => Effect.Effect<Option.Option<string>, ServiceUnavailable>
  /** Several keys in one round trip: null for a missing key (or one holding something else than a string). */
  readonly mget: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string | null>, ServiceUnavailable>
  /** Resolves to false when `onlyIfAbsent` was set and the key existed. */
  readonly set: (key: string, value: string, options?: SetOptions) => Effect.Effect<boolean, ServiceUnavailable>
  readonly del: (keys: ReadonlyArray<string>) => Effect.Effect<number, ServiceUnavailable>
  readonly incrBy: (key: string, by: number) => Effect.Effect<number, ServiceUnavailable>
  /** Remaining time to live: None when the key is missing; Some(-1) when it has no expiry. */
  readonly pttl: (key: string) => Effect.Effect<Option.Option<number>, ServiceUnavailable>
  /** Keys matching a Redis glob (`*`, `?`, `[abc]`, `\` escapes), returned without the prefix; like SCAN, a key may repeat. */
  readonly scan: (pattern: string) => Stream.Stream<string, ServiceUnavailable>
  /** Runs a script atomically: Lua in Redis, its TypeScript twin in memory. */
  readonly runScript: <A>(script: RedisScript<A>, keys: ReadonlyArray<string>, args: ReadonlyArray<string>) => Effect.Effect<A, ServiceUnavailable>
  readonly publish: (channel: string, message: string) => Effect.Effect<void, ServiceUnavailable>
  /** Messages published on the channel after the subscription is active (scoped to the stream). */
  readonly subscribe: (channel: string) => Stream.Stream<string, ServiceUnavailable>
  /**
   * The same subscription as a scoped resource: when this succeeds the channel is subscribed, and
   * every message published from then on is in the stream; closing the scope unsubscribes. For
   * callers that must not miss what is published right after they subscribe (`subscribe` gives no
   * signal of when it became active).
   */
  readonly subscribeScoped: (channel: string) => Effect.Effect<Stream.Stream<string>, ServiceUnavailable, Scope.Scope>
  readonly ping: Effect.Effect<{ readonly latencyMs: number }, ServiceUnavailable>
  readonly breaker: Effect.Effect<BreakerSnapshot>
}>() {}
