/**
 * The three algorithms, each one atomic script: Lua in Redis (time from Redis `TIME`, so every
 * instance agrees), and a TypeScript twin for the memory store (time from Effect `Clock`) doing the
 * same integer arithmetic step for step (the steps themselves are in algorithms.ts, shared with the
 * in-process limiter).
 *
 * Every script takes one key (the identifier's hash, `rl:<name>:<identifier>`) and
 * ARGV = [limit, windowMs, cost, consume], and answers [allowed 1/0, remaining, resetAfterMs,
 * retryAfterMs] (see `RateLimitDecision`).
 * - `consume` = "1" for a check; "0" for a peek: the same decision for `cost`, nothing written, and
 *   `remaining` is what is left before any cost.
 * - A refused check writes nothing: the state is exactly as before it.
 * - A cost above the limit is always refused (nothing consumed); its retryAfterMs is one window
 *   since no wait would make it pass.
 * - The window algorithms set a key's expiry on the first write in a window only: it is the same
 *   instant (the window's end, or the next one's) for every write in it. The twins set it on every
 *   write, to the same instant.
 * - State is one hash per identifier, whatever the algorithm (each algorithm its own fields): the
 *   window algorithms keep the window index inside the hash instead of in the key name, because the
 *   window comes from the server clock, which the caller does not know, and a script must declare
 *   every key it touches. A key expires once its state would read as empty, and a stale state read
 *   before that (a window index gone by, a bucket refilled) reads as empty too, so expiry timing
 *   never changes a decision.
 *
 * Arithmetic: integers only, every intermediate value below 2 × (limit + 1) × (windowMs + 1) ≤ 2^53
 * (`isValidRule`), so every sum and product is exact in a double; divisions are `floor(a / b)` of
 * non-negative integers below 2^53, which IEEE division followed by floor gets exactly, in Lua's
 * `math.floor` as in JavaScript's `Math.floor`; `ceil(a / b)` is written `floor((a + b − 1) / b)`.
 * Lua's `%` and JavaScript's `%` differ on negatives, so neither is used. Stored counts above the
 * limit (the rule was lowered) are read as the limit.
 */
import { LUA_NOW_MS, type MemoryScriptContext, defineScript, replyArray, replyInteger, type RedisScript, type ScriptReply } from "../redis/script.js"
import { fixedWindowStep, slidingWindowStep, type Step, tokenBucketStep } from "./algorithms.js"
import type { Algorithm } from "./schema.js"

/** What a script answers; the service adds the limit. */
export interface ScriptDecision {
  readonly allowed: boolean
  readonly remaining: number
  readonly resetAfterMs: number
  readonly retryAfterMs: number
}

/** One algorithm's source: a Lua function reading `now_ms` from a prelude, and its twin with `nowMs` given. */
export interface AlgorithmSource {
  /**
   * Defines `local function decide(key, limit, window_ms, cost, consume)`, answering the decision
   * as a table; `now_ms` must be defined before it. Calls PEXPIRE once, as `EXPIRE_CALL`.
   */
  readonly luaFunction: string
  readonly twin: (ctx: MemoryScriptContext, nowMs: number, key: string, args: ReadonlyArray<string>) => ScriptReply
}

/** The one TTL write of every body (tests building a variant of the script look for it). */
export const EXPIRE_CALL = "redis.call('PEXPIRE', key, ttl_ms)"

/** An algorithm's body as the function every script calls, once per key. */
const luaFunction = (body: string): string => `local function decide(key, limit, window_ms, cost, consume)${body}end
`

interface Args {
  readonly limit: number
  readonly windowMs: number
  readonly cost: number
  readonly consume: boolean
}

const parseArgs = (args: ReadonlyArray<string>): Args => ({
  limit: Number(args[0]),
  windowMs: Number(args[1]),
  cost: Number(args[2]),
  consume: args[3] === "1"
})

/**
 * A twin: the algorithm's step (algorithms.ts, the same arithmetic as the Lua) over the hash the Lua
 * keeps, whose `fields` hold the step's state in order; present when the first field is, as the
 * Lua's `if st[1]` reads it.
 */
const twinOf = (step: Step, fields: readonly [string, string] | readonly [string, string, string]): AlgorithmSource["twin"] =>
  (ctx, nowMs, key, rawArgs) => {
    const { consume, cost, limit, windowMs } = parseArgs(rawArgs)
    const first = ctx.hget(key, fields[0])
    const state = first === null ? undefined : {
      s0: Number(first),
      s1: Number(ctx.hget(key, fields[1])),
      s2: fields.length === 3 ? Number(ctx.hget(key, fields[2])) : 0
    }
    const result = step(state, nowMs, limit, windowMs, cost, consume)
    if (result.next !== undefined) {
      const values = [result.next.s0, result.next.s1, result.next.s2]
      ctx.hset(key, Object.fromEntries(fields.map((name, i) => [name, String(values[i])])))
      ctx.pexpire(key, result.ttlMs)
    }
    return [result.allowed ? 1 : 0, result.remaining, result.resetAfterMs, result.retryAfterMs]
  }

// ---------------------------------------------------------------------------------------------
// Token bucket: `limit` tokens of capacity, refilled at `limit` per `windowMs`, continuously.
//
// State: tb_tokens (whole tokens), tb_carry (a fraction of a token, in 1/windowMs of a token:
// 0 ≤ carry < windowMs), tb_at (when they were computed). Refill after `elapsed` ms:
// accrued = carry + elapsed × limit; tokens += floor(accrued / windowMs); carry = the remainder, so
// no fraction is lost between checks. From any state, windowMs ms refill the bucket: an older state
// (or none) reads as full, which also bounds `elapsed × limit`. A full bucket drops its carry. A
// clock that stepped back refills nothing. The key expires when the bucket would be full again.
// In units of 1/windowMs token the level is tokens × windowMs + carry, so:
// - resetAfterMs = ceil((limit × windowMs − level) / limit);
// - retryAfterMs = ceil((cost × windowMs − level) / limit): exactly when the level reaches cost.

const tokenBucketLua = luaFunction(`
local tokens = limit
local carry = 0
local st = redis.call('HMGET', key, 'tb_tokens', 'tb_carry', 'tb_at')
if st[1] then
  local elapsed = now_ms - tonumber(st[3])
  if elapsed < 0 then elapsed = 0 end
  if elapsed < window_ms then
    local stored_carry = tonumber(st[2])
    if stored_carry > window_ms - 1 then stored_carry = window_ms - 1 end
    local accrued = stored_carry + elapsed * limit
    local whole = math.floor(accrued / window_ms)
    tokens = tonumber(st[1]) + whole
    carry = accrued - whole * window_ms
    if tokens >= limit then
      tokens = limit
      carry = 0
    end
  end
end
local allowed = 0
local retry_ms = 0
if cost <= tokens then
  allowed = 1
  if consume then
    tokens = tokens - cost
  end
elseif cost > limit then
  retry_ms = window_ms
else
  retry_ms = math.floor((cost * window_ms - (tokens * window_ms + carry) + limit - 1) / limit)
end
local reset_ms = math.floor((limit * window_ms - (tokens * window_ms + carry) + limit - 1) / limit)
if allowed == 1 and consume then
  redis.call('HSET', key, 'tb_tokens', tokens, 'tb_carry', carry, 'tb_at', now_ms)
  local ttl_ms = reset_ms
  ${EXPIRE_CALL}
end
return {allowed, tokens, reset_ms, retry_ms}
`)

// ---------------------------------------------------------------------------------------------
// Sliding window, the weighted two-window approximation (as Cloudflare and @upstash/ratelimit):
// fixed windows of windowMs aligned on the clock (index i = floor(now / windowMs), `elapsed` into
// it); the count of the sliding window (now − windowMs, now] is estimated as
//   previous window's count × (windowMs − elapsed) / windowMs + current window's count,
// compared exactly, in units of 1/windowMs (no rounding in the decision):
//   previous × (windowMs − elapsed) + current × windowMs + cost × windowMs ≤ limit × windowMs.
//
// Error bound: the estimate assumes the previous window's requests were spread evenly over it. The
// true count of the sliding window is current + (the previous window's requests in its last
// windowMs − elapsed ms), between current and current + previous, so the estimate is off by at
// most previous × max(elapsed, windowMs − elapsed) / windowMs < previous ≤ limit: too high (early
// refusals) when the previous window's requests came early in it, too low when they came late.
// Over any span of windowMs fewer than 2 × limit pass (each fixed window admits at most limit, and
// a span meets two); coming near that needs the previous window's requests bunched at its very end.
// With the previous window's requests evenly spread, the estimate is exact.
//
// State: sw_window (index of the current window), sw_current, sw_previous. Read at window i: as
// stored if sw_window = i; previous = stored current if sw_window = i − 1; empty otherwise. Without
// traffic the estimate only falls with time, so the earliest pass is computed in closed form:
// - within window i if limit − current − cost ≥ 0 (then previous > 0, or it would pass now): the
//   first elapsed' with previous × (windowMs − elapsed') ≤ (limit − current − cost) × windowMs;
// - otherwise in window i + 1, where current becomes the previous window: the first elapsed'' with
//   current × (windowMs − elapsed'') ≤ (limit − cost) × windowMs.
// resetAfterMs: the estimate reaches 0 at the start of window i + 2 if current > 0, of window
// i + 1 if only previous > 0; the key expires at the start of window i + 2.

const slidingWindowLua = luaFunction(`
local window = math.floor(now_ms / window_ms)
local elapsed = now_ms - window * window_ms
local current = 0
local previous = 0
local stored_window = nil
local st = redis.call('HMGET', key, 'sw_window', 'sw_current', 'sw_previous')
if st[1] then
  stored_window = tonumber(st[1])
  if stored_window == window then
    current = tonumber(st[2])
    previous = tonumber(st[3])
  elseif stored_window == window - 1 then
    previous = tonumber(st[2])
  end
end
if current > limit then current = limit end
if previous > limit then previous = limit end
local used = previous * (window_ms - elapsed) + current * window_ms
local allowed = 0
local retry_ms = 0
if used + cost * window_ms <= limit * window_ms then
  allowed = 1
  if consume then
    current = current + cost
    used = used + cost * window_ms
  end
elseif cost > limit then
  retry_ms = window_ms
elseif limit - current - cost >= 0 then
  retry_ms = window_ms - math.floor((limit - current - cost) * window_ms / previous) - elapsed
else
  retry_ms = window_ms - elapsed + window_ms - math.floor((limit - cost) * window_ms / current)
end
local remaining = math.floor((limit * window_ms - used) / window_ms)
if remaining < 0 then remaining = 0 end
local reset_ms = 0
if current > 0 then
  reset_ms = 2 * window_ms - elapsed
elseif previous > 0 then
  reset_ms = window_ms - elapsed
end
if allowed == 1 and consume then
  redis.call('HSET', key, 'sw_window', window, 'sw_current', current, 'sw_previous', previous)
  -- The end of the next window: the same instant for every write in this window, so set once.
  if stored_window ~= window then
    local ttl_ms = 2 * window_ms - elapsed
    ${EXPIRE_CALL}
  end
end
return {allowed, remaining, reset_ms, retry_ms}
`)

// ---------------------------------------------------------------------------------------------
// Fixed window, aligned on the clock: window i = floor(now / windowMs) covers
// [i × windowMs, (i + 1) × windowMs); at most `limit` cost passes in it. State: fw_window, fw_count;
// a count stored for another window reads as 0. Refused (cost ≤ limit): retry when the window ends.
// resetAfterMs: when the window ends, or 0 when nothing was spent in it. The key expires when the
// window ends.

const fixedWindowLua = luaFunction(`
local window = math.floor(now_ms / window_ms)
local window_end_ms = (window + 1) * window_ms
local used = 0
local st = redis.call('HMGET', key, 'fw_window', 'fw_count')
local same_window = st[1] and tonumber(st[1]) == window
if same_window then used = tonumber(st[2]) end
if used > limit then used = limit end
local allowed = 0
local retry_ms = 0
if used + cost <= limit then
  allowed = 1
  if consume then used = used + cost end
elseif cost > limit then
  retry_ms = window_ms
else
  retry_ms = window_end_ms - now_ms
end
local reset_ms = 0
if used > 0 then reset_ms = window_end_ms - now_ms end
if allowed == 1 and consume then
  redis.call('HSET', key, 'fw_window', window, 'fw_count', used)
  -- The window's end: the same instant for every write in this window, so set once.
  if not same_window then
    local ttl_ms = window_end_ms - now_ms
    ${EXPIRE_CALL}
  end
end
return {allowed, limit - used, reset_ms, retry_ms}
`)

// ---------------------------------------------------------------------------------------------

export const ALGORITHM_SOURCES: Readonly<Record<Algorithm, AlgorithmSource>> = {
  token_bucket: { luaFunction: tokenBucketLua, twin: twinOf(tokenBucketStep, ["tb_tokens", "tb_carry", "tb_at"]) },
  sliding_window: { luaFunction: slidingWindowLua, twin: twinOf(slidingWindowStep, ["sw_window", "sw_current", "sw_previous"]) },
  fixed_window: { luaFunction: fixedWindowLua, twin: twinOf(fixedWindowStep, ["fw_window", "fw_count"]) }
}

export const decodeDecision = (reply: ScriptReply): ScriptDecision => {
  const [allowed, remaining, resetAfterMs, retryAfterMs] = replyArray(reply, "rate limit decision")
  return {
    allowed: replyInteger(allowed, "allowed") === 1,
    remaining: replyInteger(remaining, "remaining"),
    resetAfterMs: replyInteger(resetAfterMs, "resetAfterMs"),
    retryAfterMs: replyInteger(retryAfterMs, "retryAfterMs")
  }
}

/**
 * Decides one check per key, in order, all at the same `now_ms`, under one rule: ARGV = [limit,
 * window_ms, then one signed cost per key] (a cost above 0 is a check, below 0 a peek of its
 * opposite). Answers the decisions in order.
 */
const BATCH_CALL = `
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local decisions = {}
for i = 1, #KEYS do
  local cost = tonumber(ARGV[i + 2])
  if cost > 0 then
    decisions[i] = decide(KEYS[i], limit, window_ms, cost, true)
  else
    decisions[i] = decide(KEYS[i], limit, window_ms, -cost, false)
  end
end
return decisions
`

/** Calls `decide` for one key with ARGV = `scriptArgs` (test variants of the scripts). */
export const SINGLE_CALL = "return decide(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1')\n"

/** At most this many checks go to Redis in one script call. */
export const MAX_BATCH = 64

/** A decision as the batch script answers it: [allowed 1/0, remaining, resetAfterMs, retryAfterMs]. */
export type DecisionReply = readonly [number, number, number, number]

const decodeDecisionReplies = (reply: ScriptReply): ReadonlyArray<DecisionReply> =>
  replyArray(reply, "rate limit decisions").map((decision) => {
    const [allowed, remaining, resetAfterMs, retryAfterMs] = replyArray(decision, "rate limit decision")
    return [replyInteger(allowed, "allowed"), replyInteger(remaining, "remaining"), replyInteger(resetAfterMs, "resetAfterMs"), replyInteger(retryAfterMs, "retryAfterMs")]
  })

/** The batch's ARGV: the rule, then each check's signed cost. */
export const batchArgs = (limit: number, windowMs: number, signedCosts: ReadonlyArray<number>): Array<string> => {
  const args = [String(limit), String(windowMs)]
  for (const cost of signedCosts) args.push(String(cost))
  return args
}

const batchScripts = new Map<string, RedisScript<ReadonlyArray<DecisionReply>>>()

/**
 * The script deciding `checks` checks of `algorithm` under one rule at once, atomically and at one
 * instant (time from the backend's clock, never from the caller): KEYS = the identifiers' keys,
 * ARGV = `batchArgs`. Every count shares one Lua source (so one sha); made once per count.
 */
export const rateLimitScript = (algorithm: Algorithm, checks: number): RedisScript<ReadonlyArray<DecisionReply>> => {
  const memoKey = `${algorithm}:${checks}`
  let script = batchScripts.get(memoKey)
  if (script === undefined) {
    const source = ALGORITHM_SOURCES[algorithm]
    script = defineScript({
      name: `rate_limit_${algorithm}_${checks}`,
      numberOfKeys: checks,
      lua: LUA_NOW_MS + source.luaFunction + BATCH_CALL,
      memory: (ctx, keys, args) =>
        keys.map((key, i) => {
          const cost = Number(args[i + 2])
          return source.twin(ctx, ctx.nowMs, key, [args[0]!, args[1]!, String(Math.abs(cost)), cost > 0 ? "1" : "0"])
        }),
      decode: decodeDecisionReplies
    })
    batchScripts.set(memoKey, script)
  }
  return script
}

/** ARGV for a script: a check consumes `cost` when it passes, a peek never writes. */
export const scriptArgs = (limit: number, windowMs: number, cost: number, consume: boolean): ReadonlyArray<string> =>
  [String(limit), String(windowMs), String(cost), consume ? "1" : "0"]
