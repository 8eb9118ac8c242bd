/**
 * Scripts that run atomically in either backend: Lua inside Redis, a synchronous TypeScript twin
 * against the in-memory store. Both replies go through the same `decode`, so callers see one shape.
 *
 * Writing a pair:
 * - KEYS/ARGV: the twin receives the same `keys` (already prefixed, exactly what Lua sees in KEYS)
 *   and `args` (strings, like ARGV). Declare every key the script touches in `numberOfKeys`.
 * - Time: the Lua side reads the server clock with `redis.call('TIME')` (see `LUA_NOW_MS`); the twin
 *   reads `ctx.nowMs`, taken from Effect `Clock` when the call starts (so `TestClock` drives it).
 *   Never pass "now" from the caller as an argument: the two clocks are the authority in each backend.
 * - Replies: return only what Redis can carry back from Lua — integers, strings, nil, arrays.
 *   Lua numbers are truncated to integers and a Lua array stops at its first nil; the memory store
 *   applies the same conversion to the twin's reply (`normalizeReply`), so returning `1.7` or
 *   `[1, null, 2]` gives `1` and `[1]` in both. Lua `true` becomes 1 and `false` nil: return 1/0 instead.
 * - Errors: a script error (Lua `error()`, a failing `redis.call`) is a caller bug and becomes a defect
 *   in both backends; writes made before the error stay, in Redis as in memory (no rollback).
 */

/** What a Lua script can return through Redis. */
export type ScriptReply = null | number | string | ReadonlyArray<ScriptReply>

/**
 * The synchronous view of the memory store a twin runs against. Keys are used as given (the
 * store has already applied the prefix). Semantics follow the Redis commands of the same name;
 * a wrong-type access or a non-integer INCRBY throws like Redis would (and becomes a defect).
 */
export interface MemoryScriptContext {
  /** Clock time at the start of the call, in milliseconds (Lua: `redis.call('TIME')`). */
  readonly nowMs: number
  /** GET: null when missing (Lua: `false`). */
  readonly get: (key: string) => string | null
  /** SET, replacing any value and TTL; with `ttlMs` like SET PX. */
  readonly set: (key: string, value: string, ttlMs?: number) => void
  /** DEL: the number of keys removed. */
  readonly del: (...keys: ReadonlyArray<string>) => number
  /** INCRBY: the new value; a missing key counts as 0 and keeps no TTL. */
  readonly incrBy: (key: string, by: number) => number
  /** PTTL: -2 when missing, -1 when the key has no expiry. */
  readonly pttl: (key: string) => number
  /** PEXPIRE: 1 when the key exists (TTL set), 0 otherwise. A TTL ≤ 0 deletes the key. */
  readonly pexpire: (key: string, ttlMs: number) => number
  /** HGET: null when the key or field is missing. */
  readonly hget: (key: string, field: string) => string | null
  /** HSET: the number of fields that were added (not updated). */
  readonly hset: (key: string, fields: Readonly<Record<string, string>>) => number
  /** HGETALL as a record (Lua gets a flat array `{f1, v1, f2, v2, …}`); empty when missing. */
  readonly hgetall: (key: string) => Readonly<Record<string, string>>
}

export interface RedisScript<A> {
  /** Unique, for logs and diagnostics. */
  readonly name: string
  readonly numberOfKeys: number
  readonly lua: string
  readonly memory: (ctx: MemoryScriptContext, keys: ReadonlyArray<string>, args: ReadonlyArray<string>) => ScriptReply
  readonly decode: (reply: ScriptReply) => A
}

/** Declares a script pair; validates the definition once, at module load. */
export const defineScript = <A>(def: RedisScript<A>): RedisScript<A> => {
  if (def.name.trim() === "") throw new Error("defineScript: name is empty")
  if (!Number.isInteger(def.numberOfKeys) || def.numberOfKeys < 0) {
    throw new Error(`defineScript(${def.name}): numberOfKeys must be a whole number ≥ 0`)
  }
  if (def.lua.trim() === "") throw new Error(`defineScript(${def.name}): lua is empty`)
  return Object.freeze({ ...def })
}

/** A call with a key count other than the script's is a caller bug (a defect in both backends). */
export const scriptCallProblem = (script: RedisScript<unknown>, keys: ReadonlyArray<string>): string | undefined =>
  keys.length === script.numberOfKeys ? undefined : `script ${script.name}: called with ${keys.length} keys, declared ${script.numberOfKeys}`

export const checkScriptCall = (script: RedisScript<unknown>, keys: ReadonlyArray<string>): void => {
  const problem = scriptCallProblem(script, keys)
  if (problem !== undefined) throw new Error(problem)
}

/**
 * Lua prelude giving `now_ms`, the server clock in milliseconds: the Lua counterpart of `ctx.nowMs`.
 * Prepend it to a script body: `lua: LUA_NOW_MS + "..."`.
 */
export const LUA_NOW_MS = "local __t = redis.call('TIME')\nlocal now_ms = tonumber(__t[1]) * 1000 + math.floor(tonumber(__t[2]) / 1000)\n"

/**
 * What Redis makes of a Lua value: numbers truncated toward zero, arrays cut at the first nil.
 * Applied to the memory twin's reply; the Redis reply has already been through it.
 */
export const normalizeReply = (reply: ScriptReply): ScriptReply => {
  if (reply === null || typeof reply === "string") return reply
  if (typeof reply === "number") {
    // Redis's conversion of NaN/±inf is undefined behaviour; a twin that produces one has a bug.
    if (!Number.isFinite(reply)) throw new Error(`script reply: non-finite number ${reply}`)
    return Math.trunc(reply) + 0 // + 0 turns -0 into 0
  }
  const out: Array<ScriptReply> = []
  for (const item of reply) {
    if (item === null) break
    out.push(normalizeReply(item))
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Decoding helpers for `decode`: a reply of an unexpected shape is a bug in the script pair.

export const replyInteger = (reply: ScriptReply | undefined, what = "reply"): number => {
  if (typeof reply === "number") return reply
  if (typeof reply === "string" && /^-?\d+$/.test(reply)) return Number(reply)
  throw new Error(`script ${what}: expected an integer, got ${JSON.stringify(reply) ?? "nothing"}`)
}

/** A bulk string or nil (Lua `false`/nil). */
export const replyString = (reply: ScriptReply | undefined, what = "reply"): string | null => {
  if (reply === null || typeof reply === "string") return reply
  throw new Error(`script ${what}: expected a string or nil, got ${JSON.stringify(reply) ?? "nothing"}`)
}

export const replyArray = (reply: ScriptReply | undefined, what = "reply"): ReadonlyArray<ScriptReply> => {
  if (Array.isArray(reply)) return reply as ReadonlyArray<ScriptReply>
  throw new Error(`script ${what}: expected an array, got ${JSON.stringify(reply) ?? "nothing"}`)
}
