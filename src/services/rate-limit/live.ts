/**
 * `RateLimiter` over the `RedisStore` tag: the Lua scripts in Redis, their twins in the memory
 * store — whichever store the layer set provides, so both backends share one implementation.
 *
 * Keys: `rl:<name>:<identifier>` under the store's prefix. Names cannot contain `:`, so the first
 * `:` after `rl:` ends the name and no two (name, identifier) pairs share a key, whatever the
 * identifier holds.
 */
import { Effect, Layer, Metric } from "effect"
import type { RedisStoreService } from "../redis/memory.js"
import { RedisStore } from "../redis/RedisStore.js"
import { blockedRequests, totalRequests } from "./metrics.js"
import { RateLimiter } from "./RateLimiter.js"
import { type Algorithm, isValidRule, type LimitRule, type RateLimitDecision } from "./schema.js"
import { RATE_LIMIT_SCRIPTS, type ScriptDecision, scriptArgs } from "./scripts.js"

const NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** The key of `identifier`'s state under the limit `name` (a valid name: see `NAME`). */
export const rateLimitKey = (name: string, identifier: string): string => `rl:${name}:${identifier}`

interface ScopeMetrics {
  readonly total: Metric.Metric.Counter<number>
  readonly blocked: Metric.Metric.Counter<number>
}

const invalidName = (name: string): string =>
  `rate limit name ${JSON.stringify(name)}: expected 1–64 letters, digits, '_', '-' or '.'`

const decisionOf = (limit: number, reply: ScriptDecision): RateLimitDecision => ({
  allowed: reply.allowed,
  limit,
  remaining: reply.remaining,
  resetAfterMs: reply.resetAfterMs,
  retryAfterMs: reply.retryAfterMs
})

/** A limiter over `store`; several built over one store (or one Redis prefix) share their limits. */
export const makeRateLimiter = (store: RedisStoreService): RateLimiter["Type"] => {
  // One entry per (algorithm, name): names come from code (the scopes), so this stays small.
  const metrics = new Map<string, ScopeMetrics>()
  const metricsFor = (name: string, algorithm: Algorithm): ScopeMetrics => {
    const memoKey = `${algorithm}:${name}`
    let found = metrics.get(memoKey)
    if (found === undefined) {
      found = {
        total: totalRequests({ scope: name, algorithm }),
        blocked: blockedRequests({ scope: name, algorithm, reason: "limit" })
      }
      metrics.set(memoKey, found)
    }
    return found
  }

  /** A caller bug (bad name, rule or cost) as a message, or undefined. */
  const invalid = (name: string, rule: LimitRule, cost: number): string | undefined => {
    if (!NAME.test(name)) return invalidName(name)
    if (!Object.hasOwn(RATE_LIMIT_SCRIPTS, rule.algorithm) || !isValidRule(rule)) return `rate limit ${name}: invalid rule ${JSON.stringify(rule)}`
    if (!Number.isSafeInteger(cost) || cost < 1) return `rate limit ${name}: cost must be a whole number ≥ 1, got ${cost}`
    return undefined
  }

  const run = (name: string, rule: LimitRule, identifier: string, cost: number, consume: boolean) =>
    store.runScript(RATE_LIMIT_SCRIPTS[rule.algorithm], [rateLimitKey(name, identifier)], scriptArgs(rule.limit, rule.windowMs, cost, consume))

  return RateLimiter.of({
    check: (name, rule, identifier, cost = 1) =>
      Effect.suspend(() => {
        const bug = invalid(name, rule, cost)
        if (bug !== undefined) return Effect.dieMessage(bug)
        const counters = metricsFor(name, rule.algorithm)
        return Effect.flatMap(run(name, rule, identifier, cost, true), (reply) => {
          const decision = decisionOf(rule.limit, reply)
          const counted = Metric.increment(counters.total)
          return Effect.as(decision.allowed ? counted : Effect.zipRight(counted, Metric.increment(counters.blocked)), decision)
        })
      }),
    peek: (name, rule, identifier) =>
      Effect.suspend(() => {
        const bug = invalid(name, rule, 1)
        if (bug !== undefined) return Effect.dieMessage(bug)
        return Effect.map(run(name, rule, identifier, 1, false), (reply) => decisionOf(rule.limit, reply))
      }),
    reset: (name, identifier) =>
      NAME.test(name) ? Effect.asVoid(store.del([rateLimitKey(name, identifier)])) : Effect.dieMessage(invalidName(name))
  })
}

export const RateLimiterLive: Layer.Layer<RateLimiter, never, RedisStore> = Layer.effect(
  RateLimiter,
  Effect.map(RedisStore, makeRateLimiter)
)
