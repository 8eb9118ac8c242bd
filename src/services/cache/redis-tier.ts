/**
 * L2: the Redis tier, over `RedisStore`. Entries live at `cache:v:<key>` as an envelope (the
 * Schema-encoded value, its tags' generations when it was loaded, its fresh and stale times); tag
 * generations at `cache:t:<tag>` (INCR on invalidation); stampede locks at `cache:l:<key>`.
 *
 * An entry is valid while every tag generation it recorded is still the current one: invalidating
 * a tag never has to find the tag's entries. A generation key outlives every entry written before
 * it moved (its TTL is renewed on each move to `tagTtlMs` ≥ the longest entry life), so an expired
 * generation key can only make entries look invalid, never valid again.
 */
import { Chunk, Effect, Option, Schema, Stream } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { RedisStoreService } from "../redis/memory.js"
import { defineScript, type RedisScript, replyInteger } from "../redis/script.js"
import { CacheKind } from "./schema.js"

export const BUS_CHANNEL = "cache:bus"
export const valueKey = (key: string): string => `cache:v:${key}`
export const lockKey = (key: string): string => `cache:l:${key}`
export const tagKey = (tag: string): string => `cache:t:${tag}`
export const VALUE_PATTERN_PREFIX = "cache:v:"

export interface RedisRead {
  /** The stored envelope, if any (not yet checked against the generations). */
  readonly envelope: Option.Option<Envelope>
  /** The current generations of the tags asked for, in their order. */
  readonly generations: ReadonlyArray<string>
}

/** A Redis entry: the value encoded with the caller's Schema, and what decides whether it may answer. */
export interface Envelope {
  readonly k: CacheKind
  /** Tag → generation when the value was loaded. */
  readonly g: Readonly<Record<string, string>>
  /** Fresh until, stale until (the cache's clock, ms). */
  readonly f: number
  readonly s: number
  /** The value, encoded with the caller's Schema (decoded with it on the way out). */
  readonly v: unknown
  /** Length of the stored JSON (what the memory tier counts as the entry's bytes). */
  readonly bytes: number
}

const isRecordOfStrings = (value: unknown): value is Record<string, string> =>
  typeof value === "object" && value !== null && !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === "string")

/**
 * The envelope, or None for anything else (garbage, another version's shape). Checked by hand: this
 * runs on every Redis hit, and the value inside is decoded by its own Schema anyway.
 */
export const parseEnvelope = (text: string): Option.Option<Envelope> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return Option.none()
  }
  if (typeof parsed !== "object" || parsed === null) return Option.none()
  const { f, g, k, s, v } = parsed as Record<string, unknown>
  if (typeof f !== "number" || typeof s !== "number" || !isCacheKind(k) || !isRecordOfStrings(g) || v === undefined) {
    return Option.none()
  }
  return Option.some({ k, g, f, s, v, bytes: text.length })
}

const isCacheKind = Schema.is(CacheKind)

/** The envelope's JSON, written by hand around the already-encoded value (no second stringify of it). */
export const envelopeJson = (
  valueJson: string,
  kind: CacheKind,
  tags: ReadonlyArray<string>,
  generations: ReadonlyArray<string>,
  freshUntil: number,
  staleUntil: number
): string => {
  const g: Record<string, string> = {}
  tags.forEach((tag, i) => (g[tag] = generations[i] ?? "0"))
  return `{"k":"${kind}","g":${JSON.stringify(g)},"f":${freshUntil},"s":${staleUntil},"v":${valueJson}}`
}

/** Whether the generations the entry recorded are those of now, for exactly the tags asked for. */
export const generationsMatch = (
  envelope: Envelope,
  tags: ReadonlyArray<string>,
  current: ReadonlyArray<string>
): boolean => {
  const recorded = Object.keys(envelope.g)
  if (recorded.length !== tags.length) return false
  return tags.every((tag, i) => envelope.g[tag] === current[i])
}

// ---------------------------------------------------------------------------------------------
// Scripts. Their key count varies with the number of tags, so one definition per count (same Lua).

const memo = <A>(make: (n: number) => RedisScript<A>) => {
  const made = new Map<number, RedisScript<A>>()
  return (n: number): RedisScript<A> => {
    let script = made.get(n)
    if (script === undefined) {
      script = make(n)
      made.set(n, script)
    }
    return script
  }
}

/** KEYS: tag generations; ARGV: their TTL in ms → how many moved. */
const bumpScript = memo((tags) =>
  defineScript({
    name: `cache_bump_${tags}`,
    numberOfKeys: tags,
    lua: `for i = 1, #KEYS do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return #KEYS`,
    memory: (ctx, keys, args) => {
      for (const key of keys) {
        ctx.incrBy(key, 1)
        ctx.pexpire(key, Number(args[0]))
      }
      return keys.length
    },
    decode: (reply) => replyInteger(reply, "bumped tags")
  })
)

/** KEYS: lock; ARGV: token → 1 when the lock was ours and is gone. */
const unlockScript = defineScript({
  name: "cache_unlock",
  numberOfKeys: 1,
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  memory: (ctx, keys, args) => (ctx.get(keys[0]!) === args[0] ? ctx.del(keys[0]!) : 0),
  decode: (reply) => replyInteger(reply, "unlock") === 1
})

type Call<A> = Effect.Effect<A, ServiceUnavailable>

export interface RedisTier {
  readonly read: (key: string, tags: ReadonlyArray<string>) => Call<RedisRead>
  readonly write: (key: string, envelope: string, ttlMs: number) => Call<void>
  readonly remove: (keys: ReadonlyArray<string>) => Call<number>
  readonly bump: (tags: ReadonlyArray<string>, tagTtlMs: number) => Call<number>
  readonly tryLock: (key: string, token: string, ttlMs: number) => Call<boolean>
  readonly unlock: (key: string, token: string) => Call<boolean>
  /** Cache keys (without the `cache:v:` part) matching a glob; like SCAN, a key may repeat. */
  readonly scanKeys: (pattern: string) => Stream.Stream<string, ServiceUnavailable>
  readonly publish: (message: string) => Call<void>
  /** Deletes the generation keys of the tags matching a glob; answers how many went. */
  readonly removeTags: (tagPattern: string) => Call<number>
}

export const makeRedisTier = (store: RedisStoreService): RedisTier => ({
  // One MGET: the entry and the current generations of its tags, read at the same instant.
  read: (key, tags) =>
    Effect.map(store.mget([valueKey(key), ...tags.map(tagKey)]), ([value, ...generations]): RedisRead => ({
      // A malformed envelope (garbage, or another version's shape) reads as absent.
      envelope: value === null || value === undefined ? Option.none() : parseEnvelope(value),
      generations: generations.map((generation) => generation ?? "0")
    })),
  write: (key, envelope, ttlMs) => Effect.asVoid(store.set(valueKey(key), envelope, { ttlMs: Math.max(1, Math.ceil(ttlMs)) })),
  remove: (keys) => store.del(keys.map(valueKey)),
  bump: (tags, tagTtlMs) =>
    tags.length === 0 ? Effect.succeed(0) : store.runScript(bumpScript(tags.length), tags.map(tagKey), [String(tagTtlMs)]),
  tryLock: (key, token, ttlMs) => store.set(lockKey(key), token, { ttlMs, onlyIfAbsent: true }),
  unlock: (key, token) => store.runScript(unlockScript, [lockKey(key)], [token]),
  scanKeys: (pattern) => Stream.map(store.scan(VALUE_PATTERN_PREFIX + pattern), (key) => key.slice(VALUE_PATTERN_PREFIX.length)),
  publish: (message) => store.publish(BUS_CHANNEL, message),
  removeTags: (tagPattern) =>
    store.scan(tagKey(tagPattern)).pipe(
      Stream.grouped(REMOVE_TAGS_CHUNK),
      Stream.mapEffect((chunk) => store.del(Chunk.toReadonlyArray(chunk))),
      Stream.runSum
    )
})

const REMOVE_TAGS_CHUNK = 500
