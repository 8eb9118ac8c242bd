/**
 * The memory store's data: a synchronous keyspace of strings and hashes with millisecond TTLs,
 * following Redis's command semantics (a key expires once `now > expiresAt`, like Redis's
 * `keyIsExpired`; SET clears the TTL, INCRBY keeps it; PEXPIRE ≤ 0 deletes). Every method takes
 * `now` from the caller (Effect `Clock`), and no method yields, so each call — and a whole script
 * twin — is atomic. Keys are full keys: the store applies the prefix before calling in.
 */
import { RedisCommandError, REPLY } from "./errors.js"
import type { MemoryScriptContext } from "./script.js"

type Entry =
  | { readonly kind: "string"; value: string; expiresAt: number | undefined }
  | { readonly kind: "hash"; readonly fields: Map<string, string>; expiresAt: number | undefined }

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

const fail = (command: string, message: string): never => {
  throw new RedisCommandError({ command, message })
}

/** Redis's `string2ll`: optional '-', no leading zeros, no '+' or spaces, within int64. */
const parseInt64 = (raw: string): bigint | undefined => {
  if (!/^(0|-?[1-9][0-9]{0,19})$/.test(raw)) return undefined
  const n = BigInt(raw)
  return n < INT64_MIN || n > INT64_MAX ? undefined : n
}

/** An integer argument as ioredis would send it (`String(n)`), parsed as Redis would. */
const integerArgument = (command: string, value: number): bigint =>
  parseInt64(String(value)) ?? fail(command, REPLY.notInteger)

export class Keyspace {
  private readonly data = new Map<string, Entry>()
  private sweepCursor: Iterator<[string, Entry]> | undefined = undefined

  /** The entry if present and not expired; an expired one is removed on the way (lazy expiry). */
  private live(key: string, now: number): Entry | undefined {
    const entry = this.data.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt !== undefined && now > entry.expiresAt) {
      this.data.delete(key)
      return undefined
    }
    return entry
  }

  private stringEntry(command: string, key: string, now: number) {
    const entry = this.live(key, now)
    if (entry === undefined) return undefined
    return entry.kind === "string" ? entry : fail(command, REPLY.wrongType)
  }

  private hashEntry(command: string, key: string, now: number) {
    const entry = this.live(key, now)
    if (entry === undefined) return undefined
    return entry.kind === "hash" ? entry : fail(command, REPLY.wrongType)
  }

  get(key: string, now: number): string | null {
    return this.stringEntry("get", key, now)?.value ?? null
  }

  /** MGET: each key's string value, null when missing or not a string (MGET never fails on a type). */
  mget(keys: ReadonlyArray<string>, now: number): Array<string | null> {
    return keys.map((key) => {
      const entry = this.live(key, now)
      return entry?.kind === "string" ? entry.value : null
    })
  }

  /** SET [PX ttl] [NX]: false when NX and the key exists. */
  set(key: string, value: string, now: number, options: { readonly ttlMs?: number | undefined; readonly onlyIfAbsent?: boolean | undefined } = {}): boolean {
    let expiresAt: number | undefined = undefined
    if (options.ttlMs !== undefined) {
      const ttl = integerArgument("set", options.ttlMs)
      if (ttl <= 0n) fail("set", REPLY.invalidExpire("set"))
      expiresAt = now + Number(ttl)
    }
    if (options.onlyIfAbsent === true && this.live(key, now) !== undefined) return false
    this.data.set(key, { kind: "string", value, expiresAt })
    return true
  }

  del(keys: ReadonlyArray<string>, now: number): number {
    let removed = 0
    for (const key of keys) {
      if (this.live(key, now) !== undefined) {
        this.data.delete(key)
        removed++
      }
    }
    return removed
  }

  incrBy(key: string, by: number, now: number): number {
    const increment = integerArgument("incrby", by)
    const entry = this.stringEntry("incrby", key, now)
    const current = entry === undefined ? 0n : parseInt64(entry.value) ?? fail("incrby", REPLY.notInteger)
    const next = current + increment
    if (next < INT64_MIN || next > INT64_MAX) fail("incrby", REPLY.overflow)
    if (entry === undefined) this.data.set(key, { kind: "string", value: next.toString(), expiresAt: undefined })
    else entry.value = next.toString()
    return Number(next)
  }

  /** PTTL: -2 missing, -1 no expiry, else the milliseconds left (0 at the expiry instant itself). */
  pttl(key: string, now: number): number {
    const entry = this.live(key, now)
    if (entry === undefined) return -2
    if (entry.expiresAt === undefined) return -1
    return Math.max(0, entry.expiresAt - now)
  }

  pexpire(key: string, ttlMs: number, now: number): number {
    const ttl = integerArgument("pexpire", ttlMs)
    const entry = this.live(key, now)
    if (entry === undefined) return 0
    if (ttl <= 0n) this.data.delete(key)
    else entry.expiresAt = now + Number(ttl)
    return 1
  }

  hget(key: string, field: string, now: number): string | null {
    return this.hashEntry("hget", key, now)?.fields.get(field) ?? null
  }

  hset(key: string, fields: Readonly<Record<string, string>>, now: number): number {
    const pairs = Object.entries(fields)
    if (pairs.length === 0) fail("hset", "ERR wrong number of arguments for 'hset' command")
    let entry = this.hashEntry("hset", key, now)
    if (entry === undefined) {
      entry = { kind: "hash", fields: new Map(), expiresAt: undefined }
      this.data.set(key, entry)
    }
    let added = 0
    for (const [field, value] of pairs) {
      if (!entry.fields.has(field)) added++
      entry.fields.set(field, value)
    }
    return added
  }

  hgetall(key: string, now: number): Readonly<Record<string, string>> {
    const entry = this.hashEntry("hgetall", key, now)
    return entry === undefined ? {} : Object.fromEntries(entry.fields)
  }

  /** The keys present now, in insertion order; a scan re-checks each one as it goes. */
  keys(): ReadonlyArray<string> {
    return Array.from(this.data.keys())
  }

  exists(key: string, now: number): boolean {
    return this.live(key, now) !== undefined
  }

  /** Removes expired keys, examining at most `budget` entries; resumes where it stopped next time. */
  sweep(now: number, budget: number): number {
    let removed = 0
    for (let examined = 0; examined < budget; examined++) {
      this.sweepCursor ??= this.data.entries()
      const next = this.sweepCursor.next()
      if (next.done === true) {
        this.sweepCursor = undefined
        break
      }
      const [key, entry] = next.value
      if (entry.expiresAt !== undefined && now > entry.expiresAt) {
        this.data.delete(key)
        removed++
      }
    }
    return removed
  }

  get size(): number {
    return this.data.size
  }

  /** The synchronous view a script twin runs against, frozen at `nowMs`. */
  scriptContext(nowMs: number): MemoryScriptContext {
    return new ScriptContextAt(this, nowMs)
  }
}

/**
 * A script twin's view of the keyspace at one instant. A class, not an object literal of arrow
 * functions: those were built (and, under tsx, named) on every script call, a third of a memory
 * rate-limit check.
 */
class ScriptContextAt implements MemoryScriptContext {
  constructor(private readonly keyspace: Keyspace, readonly nowMs: number) {}
  get(key: string) {
    return this.keyspace.get(key, this.nowMs)
  }
  set(key: string, value: string, ttlMs?: number) {
    this.keyspace.set(key, value, this.nowMs, { ttlMs })
  }
  del(...keys: ReadonlyArray<string>) {
    return this.keyspace.del(keys, this.nowMs)
  }
  incrBy(key: string, by: number) {
    return this.keyspace.incrBy(key, by, this.nowMs)
  }
  pttl(key: string) {
    return this.keyspace.pttl(key, this.nowMs)
  }
  pexpire(key: string, ttlMs: number) {
    return this.keyspace.pexpire(key, ttlMs, this.nowMs)
  }
  hget(key: string, field: string) {
    return this.keyspace.hget(key, field, this.nowMs)
  }
  hset(key: string, fields: Readonly<Record<string, string>>) {
    return this.keyspace.hset(key, fields, this.nowMs)
  }
  hgetall(key: string) {
    return this.keyspace.hgetall(key, this.nowMs)
  }
}
