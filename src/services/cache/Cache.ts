/**
 * The distributed cache (SPEC concern 7): an in-process LRU (L1) in front of Redis (L2), kept
 * coherent across instances by tag generations and a pub/sub bus.
 *
 * - Values are encoded with their Schema on the way to Redis and decoded on the way back; L1 keeps
 *   the decoded value.
 * - Tags group entries for invalidation (`user:<id>` for everything about a user).
 * - The cache never fails a request: a Redis failure is a miss (and a log line per transition);
 *   only the loader's own errors reach the caller, unless a stale value within the grace period
 *   can answer instead.
 */
import { Context, type Effect, type Option, type Schema } from "effect"
import type { CacheHealth, CacheInvalidated, CacheKind, CacheStats } from "./schema.js"

export interface CacheEntryOptions<A, I> {
  readonly kind: CacheKind
  readonly schema: Schema.Schema<A, I>
  /**
   * Tags the entry belongs to; invalidating one removes it. The same key must always carry the same
   * tags, and a tag never starts with `#` (the cache's own per-key tags do).
   */
  readonly tags?: ReadonlyArray<string>
}

/** The tag of everything cached about a user. */
export const userTag = (userId: string): string => `user:${userId}`

export class Cache extends Context.Tag("luna/Cache")<Cache, {
  /**
   * The cached value, or the loader's (stored for the kind's TTL). Concurrent misses of a key run
   * the loader once per process, and once across instances sharing Redis.
   */
  readonly getOrSet: <A, I, E, R>(key: string, loader: Effect.Effect<A, E, R>, options: CacheEntryOptions<A, I>) => Effect.Effect<A, E, R>
  readonly get: <A, I>(key: string, schema: Schema.Schema<A, I>) => Effect.Effect<Option.Option<A>>
  readonly set: <A, I>(key: string, value: A, options: CacheEntryOptions<A, I>) => Effect.Effect<void>
  readonly delete: (key: string) => Effect.Effect<void>
  /** Removes every entry carrying one of the tags, on every instance. */
  readonly invalidateTags: (tags: ReadonlyArray<string>) => Effect.Effect<InvalidationOutcome>
  readonly invalidateTag: (tag: string) => Effect.Effect<InvalidationOutcome>
  readonly invalidateUser: (userId: string) => Effect.Effect<CacheInvalidated>
  /** Removes every key matching a Redis glob (`*`, `?`, `[abc]`), on every instance; answers how many L1 entries went here. */
  readonly invalidatePattern: (pattern: string) => Effect.Effect<InvalidationOutcome>
  /**
   * Erasure: every entry of the user (their tag, and the keys matching `keyPatterns`) leaves every
   * instance and Redis, then so do the Redis generation keys naming them, so no key is left that
   * names the user.
   */
  readonly purgeUser: (userId: string, keyPatterns: ReadonlyArray<string>) => Effect.Effect<CachePurged>
  readonly health: Effect.Effect<CacheHealth>
  readonly stats: Effect.Effect<CacheStats>
}>() {}

export interface CachePurged extends InvalidationOutcome {
  /** Redis generation keys deleted (0 without Redis). */
  readonly generationKeysRemoved: number
}

export interface InvalidationOutcome {
  /** Entries removed from this instance's memory tier. */
  readonly l1EntriesRemoved: number
  /** Whether Redis and the other instances have it now (false: replayed when Redis recovers). */
  readonly propagated: boolean
}
