/**
 * Verification of a presented key, served from memory: a key's row is trusted for
 * `API_KEY_CACHE_SECONDS` after it was read, then read again. Unknown keys are not remembered, so
 * a key created on another instance works here at once. Status and expiry
 * are recomputed on every call from the cached row and the clock, so a rotation overlap or an
 * expiry ends on time whatever the cache holds; a revocation reaches other instances within the
 * cache time. A malformed key or a bad checksum is refused before any lookup.
 */
import { Effect, Metric, Option } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import { type Principal, refusal, type Unauthorized } from "../auth/schema.js"
import { hashApiKey, parseApiKey } from "./format.js"
import { keyVerifications } from "./metrics.js"
import { effectiveStatus, type KeyTimes } from "./status.js"
import { type KeyRow, timesOf } from "./store.js"

/** Bounds memory whatever keys are presented. */
const MAX_CACHED_KEYS = 10_000

export interface VerifierHooks {
  /** Reads a key by its hash (guarded: fails with ServiceUnavailable, never lets through). */
  readonly load: (keyHash: string) => Effect.Effect<Option.Option<KeyRow>, ServiceUnavailable>
  /** A working key was used (throttling is the hook's business): undefined when there is nothing to do. */
  readonly used: (row: KeyRow, nowMs: number) => Effect.Effect<void> | undefined
  /** A stopped key was presented. */
  readonly refused: (row: KeyRow, status: "expired" | "revoked", nowMs: number) => Effect.Effect<void>
}

type Outcome = "ok" | Unauthorized["reason"]
const outcomeCounters = new Map<Outcome, Metric.Metric.Counter<number>>()
/** Counted synchronously on a counter tagged once per outcome (this is every request's path). */
const count = (outcome: Outcome): void => {
  let counter = outcomeCounters.get(outcome)
  if (counter === undefined) {
    counter = keyVerifications({ outcome })
    outcomeCounters.set(outcome, counter)
  }
  counter.unsafeUpdate(1, [])
}


const refuse = (reason: Unauthorized["reason"]) => {
  count(reason)
  return refusal(reason)
}

type KeyPrincipal = Extract<Principal, { kind: "key" }>

interface Cached {
  readonly row: KeyRow
  /** Built once per load: what a verification of this key answers, and the times it is checked against. */
  readonly principal: KeyPrincipal
  readonly times: KeyTimes
  readonly loadedAtMs: number
}

/**
 * Entries are keyed by the key as presented, so a cached key costs one map lookup and a clock
 * read: no parsing, no hashing. (The key is in this process's memory for each request anyway; the
 * cache keeps it for at most API_KEY_CACHE_SECONDS.)
 */
export const makeVerifier = (cacheTtlMs: number, hooks: VerifierHooks) => {
  const cache = new Map<string, Cached>()

  const remember = (presented: string, row: KeyRow, nowMs: number): Cached => {
    const entry: Cached = {
      row,
      principal: { kind: "key", keyId: row.key_id, env: row.env, scopes: row.scopes },
      times: timesOf(row),
      loadedAtMs: nowMs
    }
    if (cacheTtlMs <= 0) return entry
    cache.delete(presented)
    if (cache.size >= MAX_CACHED_KEYS) {
      const oldest = cache.keys().next()
      if (oldest.done !== true) cache.delete(oldest.value)
    }
    cache.set(presented, entry)
    return entry
  }

  /** The status is recomputed from the clock on every call: an overlap or an expiry ends on time. */
  const answer = (entry: Cached, nowMs: number): Effect.Effect<KeyPrincipal, Unauthorized> => {
    const status = effectiveStatus(entry.times, nowMs)
    if (status === "expired" || status === "revoked") {
      return Effect.zipRight(hooks.refused(entry.row, status, nowMs), Effect.fail(refuse(status)))
    }
    count("ok")
    const used = hooks.used(entry.row, nowMs)
    return used === undefined ? Effect.succeed(entry.principal) : Effect.as(used, entry.principal)
  }

  const load = (presented: string, nowMs: number): Effect.Effect<KeyPrincipal, Unauthorized | ServiceUnavailable> => {
    if (typeof parseApiKey(presented) === "string") return Effect.fail(refuse("malformed"))
    return Effect.flatMap(hooks.load(hashApiKey(presented)), (row) =>
      Option.isNone(row) ? Effect.fail(refuse("unknown")) : answer(remember(presented, row.value, nowMs), nowMs))
  }

  const verify = (presented: string): Effect.Effect<KeyPrincipal, Unauthorized | ServiceUnavailable> =>
    Effect.clockWith((clock) => {
      const nowMs = clock.unsafeCurrentTimeMillis()
      const cached = cache.get(presented)
      return cached !== undefined && nowMs - cached.loadedAtMs < cacheTtlMs ? answer(cached, nowMs) : load(presented, nowMs)
    })

  return {
    verify,
    /** Forget a key at once (this instance changed it). */
    forget: (keyHash: string) =>
      Effect.sync(() => {
        for (const [presented, entry] of cache) if (entry.row.key_hash === keyHash) cache.delete(presented)
      })
  }
}
