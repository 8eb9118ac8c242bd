/**
 * `RateLimiter` over the `RedisStore` tag: the Lua scripts in Redis, their twins in the memory
 * store — whichever store the layer set provides, so both backends share one implementation.
 *
 * Keys: `rl:<name>:<identifier>` under the store's prefix (see limiter-common.ts).
 *
 * Checks of one limit made at the same moment go to the store together. A check made while
 * nothing of its limit is on its way to the store goes at once, alone. Otherwise (there is load)
 * it opens a batch, lets the other fibers run once (`yieldNow`), then sends every check that joined
 * meanwhile (up to MAX_BATCH) in one script call, which decides them in order, atomically, at one
 * instant: one round trip and one script run for many checks instead of one each. The opener sends
 * uninterruptibly, since the others wait on it (the call is bounded by the store's command timeout).
 */
import { Effect, Exit, Layer } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { RedisStoreService } from "../redis/memory.js"
import { RedisStore } from "../redis/RedisStore.js"
import { countCheck, invalidName, isValidName, makeCallChecker, rateLimitKey } from "./limiter-common.js"
import { makeMemoryRateLimiter } from "./memory.js"
import { RateLimiter } from "./RateLimiter.js"
import type { LimitRule, RateLimitDecision } from "./schema.js"
import { batchArgs, type DecisionReply, MAX_BATCH, rateLimitScript } from "./scripts.js"

interface Joined {
  readonly key: string
  /** Above 0: a check of that cost; below 0: a peek. */
  readonly signedCost: number
  /** Absent for the batch's opener, which gets its decision as its own result. */
  readonly resume: ((answer: Effect.Effect<RateLimitDecision, ServiceUnavailable>) => void) | undefined
}

interface Batch {
  readonly name: string
  readonly rule: LimitRule
  readonly joined: Array<Joined>
}

const decisionOf = (limit: number, [allowed, remaining, resetAfterMs, retryAfterMs]: DecisionReply): RateLimitDecision => ({
  allowed: allowed === 1,
  limit,
  remaining,
  resetAfterMs,
  retryAfterMs
})

/** A limiter over `store`; several built over one store (or one Redis prefix) share their limits. */
export const makeRateLimiter = (store: RedisStoreService): RateLimiter["Type"] => {
  const checkCall = makeCallChecker()
  // The batch each limit name is filling, if any; a check under another rule (a caller bug, see
  // `RateLimiter`) opens a batch of its own rather than join one decided under the wrong rule.
  const open = new Map<string, Batch>()
  // Store calls on their way, per limit name: none means no load to batch with.
  const inFlight = new Map<string, number>()

  /** Sends a batch; every joined check gets its decision, or the call's failure. */
  const send = (batch: Batch): Effect.Effect<RateLimitDecision, ServiceUnavailable> => {
    if (open.get(batch.name) === batch) open.delete(batch.name)
    const { joined, rule } = batch
    const keys: Array<string> = []
    const costs: Array<number> = []
    for (const check of joined) {
      keys.push(check.key)
      costs.push(check.signedCost)
    }
    const decided = store.runScript(rateLimitScript(rule.algorithm, joined.length), keys, batchArgs(rule.limit, rule.windowMs, costs))
    inFlight.set(batch.name, (inFlight.get(batch.name) ?? 0) + 1)
    return Effect.flatMap(Effect.exit(decided), (exit) => {
      const left = inFlight.get(batch.name)! - 1
      if (left === 0) inFlight.delete(batch.name)
      else inFlight.set(batch.name, left)
      if (Exit.isFailure(exit)) {
        const failed = Exit.failCause(exit.cause)
        for (let i = 1; i < joined.length; i++) joined[i]!.resume!(failed)
        return failed
      }
      const replies = exit.value
      for (let i = 1; i < joined.length; i++) joined[i]!.resume!(Effect.succeed(decisionOf(rule.limit, replies[i]!)))
      return Effect.succeed(decisionOf(rule.limit, replies[0]!))
    })
  }

  const decide = (name: string, rule: LimitRule, identifier: string, signedCost: number): Effect.Effect<RateLimitDecision, ServiceUnavailable> =>
    Effect.suspend(() => {
      const key = rateLimitKey(name, identifier)
      const joining = open.get(name)
      if (joining !== undefined && joining.rule === rule && joining.joined.length < MAX_BATCH) {
        return Effect.async<RateLimitDecision, ServiceUnavailable>((resume) => void joining.joined.push({ key, signedCost, resume }))
      }
      const batch: Batch = { name, rule, joined: [{ key, signedCost, resume: undefined }] }
      if (!inFlight.has(name)) return Effect.uninterruptible(send(batch))
      open.set(name, batch)
      return Effect.uninterruptible(Effect.zipRight(Effect.yieldNow(), Effect.suspend(() => send(batch))))
    })

  return RateLimiter.of({
    // The call is checked when the effect is made (that is pure); the store call runs when it runs.
    check: (name, rule, identifier, cost = 1) => {
      const counters = checkCall(name, rule, cost)
      if (typeof counters === "string") return Effect.dieMessage(counters)
      return Effect.map(decide(name, rule, identifier, cost), (decision) => {
        countCheck(counters, decision.allowed)
        return decision
      })
    },
    peek: (name, rule, identifier) => {
      const counters = checkCall(name, rule, 1)
      return typeof counters === "string" ? Effect.dieMessage(counters) : decide(name, rule, identifier, -1)
    },
    reset: (name, identifier) =>
      isValidName(name) ? Effect.asVoid(store.del([rateLimitKey(name, identifier)])) : Effect.dieMessage(invalidName(name))
  })
}

/**
 * The limiter for `store`: over the memory store (the embedded mode, one process), the in-process
 * limiter, which decides the same without the store's script emulation; the scripts otherwise.
 */
export const limiterOver = (store: RedisStoreService): Effect.Effect<RateLimiter["Type"]> =>
  store.backend === "memory" ? Effect.map(Effect.clock, makeMemoryRateLimiter) : Effect.succeed(makeRateLimiter(store))

export const RateLimiterLive: Layer.Layer<RateLimiter, never, RedisStore> = Layer.effect(
  RateLimiter,
  Effect.flatMap(RedisStore, limiterOver)
)
