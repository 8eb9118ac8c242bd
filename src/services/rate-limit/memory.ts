/**
 * `RateLimiter` in this process's memory, for the embedded mode (one process, no Redis): the very
 * steps the Lua scripts mirror (algorithms.ts) over plain numbers, time from the Effect `Clock` of
 * whoever builds it, so it decides exactly as Redis would. Without the memory store's hash
 * emulation and script machinery a check is two `Map` lookups and a few integer operations.
 *
 * States are kept per name, then per identifier (no key string to build and hash per check), each
 * until its TTL, as Redis keeps the key (a stale state reads as empty anyway): dropped when found
 * expired, and swept a few entries at a time as writes go by, so identifiers seen once do not pile up.
 */
import { type Clock, Effect } from "effect"
import { fixedWindowStep, type LimitState, slidingWindowStep, type Step, tokenBucketStep } from "./algorithms.js"
import { countCheck, invalidName, isValidName, makeCallChecker } from "./limiter-common.js"
import type { RateLimiter } from "./RateLimiter.js"
import type { Algorithm, LimitRule, RateLimitDecision } from "./schema.js"

const STEPS: { readonly [A in Algorithm]: Step } = {
  token_bucket: tokenBucketStep,
  sliding_window: slidingWindowStep,
  fixed_window: fixedWindowStep
}

/** Every this many writes, up to SWEEP_BUDGET entries are looked at for expiry. */
const SWEEP_EVERY = 256
const SWEEP_BUDGET = 64

/** A state, updated in place. */
interface Entry extends LimitState {
  s0: number
  s1: number
  s2: number
  expiresAtMs: number
}

/** The limiter, and how many states it holds (what the sweep bounds; for tests). */
export type MemoryRateLimiter = RateLimiter["Type"] & { readonly stateCount: () => number }

export const makeMemoryRateLimiter = (clock: Clock.Clock): MemoryRateLimiter => {
  const byName = new Map<string, Map<string, Entry>>()
  const checkCall = makeCallChecker()
  let writes = 0
  // The sweep walks one name's states at a time, then the next name's.
  let names: Iterator<Map<string, Entry>> = byName.values()
  let sweeping: Map<string, Entry> | undefined = undefined
  let entries: Iterator<[string, Entry]> | undefined = undefined

  const sweep = (nowMs: number) => {
    for (let looked = 0; looked < SWEEP_BUDGET; looked++) {
      if (entries === undefined || sweeping === undefined) {
        const nextName = names.next()
        if (nextName.done === true) {
          names = byName.values()
          return
        }
        sweeping = nextName.value
        entries = sweeping.entries()
      }
      const next = entries.next()
      if (next.done === true) {
        entries = undefined
        continue
      }
      if (next.value[1].expiresAtMs <= nowMs) sweeping.delete(next.value[0])
    }
  }

  const statesOf = (name: string): Map<string, Entry> => {
    let states = byName.get(name)
    if (states === undefined) {
      states = new Map()
      byName.set(name, states)
    }
    return states
  }

  const decide = (name: string, rule: LimitRule, identifier: string, cost: number, consume: boolean): RateLimitDecision => {
    const nowMs = clock.unsafeCurrentTimeMillis()
    const states = statesOf(name)
    let state = states.get(identifier)
    if (state !== undefined && state.expiresAtMs <= nowMs) {
      states.delete(identifier)
      state = undefined
    }
    const result = STEPS[rule.algorithm](state, nowMs, rule.limit, rule.windowMs, cost, consume)
    const next = result.next
    if (next !== undefined) {
      if (state === undefined) {
        states.set(identifier, { s0: next.s0, s1: next.s1, s2: next.s2, expiresAtMs: nowMs + result.ttlMs })
      } else {
        state.s0 = next.s0
        state.s1 = next.s1
        state.s2 = next.s2
        state.expiresAtMs = nowMs + result.ttlMs
      }
      if (++writes % SWEEP_EVERY === 0) sweep(nowMs)
    }
    return {
      allowed: result.allowed,
      limit: rule.limit,
      remaining: result.remaining,
      resetAfterMs: result.resetAfterMs,
      retryAfterMs: result.retryAfterMs
    }
  }

  return {
    stateCount: () => {
      let count = 0
      for (const states of byName.values()) count += states.size
      return count
    },
    check: (name, rule, identifier, cost = 1) => {
      const counters = checkCall(name, rule, cost)
      if (typeof counters === "string") return Effect.dieMessage(counters)
      return Effect.sync(() => {
        const decision = decide(name, rule, identifier, cost, true)
        countCheck(counters, decision.allowed)
        return decision
      })
    },
    peek: (name, rule, identifier) => {
      const counters = checkCall(name, rule, 1)
      return typeof counters === "string" ? Effect.dieMessage(counters) : Effect.sync(() => decide(name, rule, identifier, 1, false))
    },
    reset: (name, identifier) =>
      isValidName(name) ? Effect.sync(() => void byName.get(name)?.delete(identifier)) : Effect.dieMessage(invalidName(name))
  }
}
