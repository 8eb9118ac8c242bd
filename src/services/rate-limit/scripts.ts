/**
 * The three algorithms, each one atomic script: Lua in Redis (time from Redis `TIME`, so every
 * instance agrees), and a TypeScript twin for the memory store (time from Effect `Clock`) doing the
 * same integer arithmetic step for step.
 *
 * Every script takes one key (the identifier's hash, `rl:<name>:<identifier>`) and
 * ARGV = [limit, windowMs, cost, consume], and answers [allowed 1/0, remaining, resetAfterMs,
 * retryAfterMs] (see `RateLimitDecision`).
 * - `consume` = "1" for a check; "0" for a peek: the same decision for `cost`, nothing written, and
 *   `remaining` is what is left before any cost.
 * - A refused check writes nothing: the state is exactly as before it.
 * - A cost above the limit is always refused (nothing consumed); its retryAfterMs is one window
 *   since no wait would make it pass.
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
import type { Algorithm } from "./schema.js"

/** What a script answers; the service adds the limit. */
export interface ScriptDecision {
  readonly allowed: boolean
  readonly remaining: number
  readonly resetAfterMs: number
  readonly retryAfterMs: number
}

/** One algorithm's source: Lua reading `now_ms` from a prelude, and its twin with `nowMs` given. */
export interface AlgorithmSource {
  /** Lua after the time prelude: uses `now_ms`, KEYS[1], ARGV[1..4]; calls PEXPIRE once, as `EXPIRE_CALL`. */
  readonly luaBody: string
  readonly twin: (ctx: MemoryScriptContext, nowMs: number, key: string, args: ReadonlyArray<string>) => ScriptReply
}

/** The one TTL write of every body (tests building a variant of the script look for it). */
export const EXPIRE_CALL = "redis.call('PEXPIRE', KEYS[1], ttl_ms)"

const LUA_ARGS = `
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local consume = ARGV[4] == '1'
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

/** HGET as Lua sees it through HMGET: a number, or null when missing. */
const field = (ctx: MemoryScriptContext, key: string, name: string): number | null => {
  const raw = ctx.hget(key, name)
  return raw === null ? null : Number(raw)
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

const tokenBucketLua = LUA_ARGS + `
local tokens = limit
local carry = 0
local st = redis.call('HMGET', KEYS[1], 'tb_tokens', 'tb_carry', 'tb_at')
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
  redis.call('HSET', KEYS[1], 'tb_tokens', tokens, 'tb_carry', carry, 'tb_at', now_ms)
  local ttl_ms = reset_ms
  ${EXPIRE_CALL}
end
return {allowed, tokens, reset_ms, retry_ms}
`

const tokenBucketTwin: AlgorithmSource["twin"] = (ctx, nowMs, key, rawArgs) => {
  const { consume, cost, limit, windowMs } = parseArgs(rawArgs)
  let tokens = limit
  let carry = 0
  const storedTokens = field(ctx, key, "tb_tokens")
  if (storedTokens !== null) {
    let elapsed = nowMs - field(ctx, key, "tb_at")!
    if (elapsed < 0) elapsed = 0
    if (elapsed < windowMs) {
      let storedCarry = field(ctx, key, "tb_carry")!
      if (storedCarry > windowMs - 1) storedCarry = windowMs - 1
      const accrued = storedCarry + elapsed * limit
      const whole = Math.floor(accrued / windowMs)
      tokens = storedTokens + whole
      carry = accrued - whole * windowMs
      if (tokens >= limit) {
        tokens = limit
        carry = 0
      }
    }
  }
  let allowed = 0
  let retryMs = 0
  if (cost <= tokens) {
    allowed = 1
    if (consume) tokens = tokens - cost
  } else if (cost > limit) {
    retryMs = windowMs
  } else {
    retryMs = Math.floor((cost * windowMs - (tokens * windowMs + carry) + limit - 1) / limit)
  }
  const resetMs = Math.floor((limit * windowMs - (tokens * windowMs + carry) + limit - 1) / limit)
  if (allowed === 1 && consume) {
    ctx.hset(key, { tb_tokens: String(tokens), tb_carry: String(carry), tb_at: String(nowMs) })
    ctx.pexpire(key, resetMs)
  }
  return [allowed, tokens, resetMs, retryMs]
}

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

const slidingWindowLua = LUA_ARGS + `
local window = math.floor(now_ms / window_ms)
local elapsed = now_ms - window * window_ms
local current = 0
local previous = 0
local st = redis.call('HMGET', KEYS[1], 'sw_window', 'sw_current', 'sw_previous')
if st[1] then
  local stored_window = tonumber(st[1])
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
  redis.call('HSET', KEYS[1], 'sw_window', window, 'sw_current', current, 'sw_previous', previous)
  local ttl_ms = 2 * window_ms - elapsed
  ${EXPIRE_CALL}
end
return {allowed, remaining, reset_ms, retry_ms}
`

const slidingWindowTwin: AlgorithmSource["twin"] = (ctx, nowMs, key, rawArgs) => {
  const { consume, cost, limit, windowMs } = parseArgs(rawArgs)
  const window = Math.floor(nowMs / windowMs)
  const elapsed = nowMs - window * windowMs
  let current = 0
  let previous = 0
  const storedWindow = field(ctx, key, "sw_window")
  if (storedWindow !== null) {
    if (storedWindow === window) {
      current = field(ctx, key, "sw_current")!
      previous = field(ctx, key, "sw_previous")!
    } else if (storedWindow === window - 1) {
      previous = field(ctx, key, "sw_current")!
    }
  }
  if (current > limit) current = limit
  if (previous > limit) previous = limit
  let used = previous * (windowMs - elapsed) + current * windowMs
  let allowed = 0
  let retryMs = 0
  if (used + cost * windowMs <= limit * windowMs) {
    allowed = 1
    if (consume) {
      current = current + cost
      used = used + cost * windowMs
    }
  } else if (cost > limit) {
    retryMs = windowMs
  } else if (limit - current - cost >= 0) {
    retryMs = windowMs - Math.floor((limit - current - cost) * windowMs / previous) - elapsed
  } else {
    retryMs = windowMs - elapsed + windowMs - Math.floor((limit - cost) * windowMs / current)
  }
  let remaining = Math.floor((limit * windowMs - used) / windowMs)
  if (remaining < 0) remaining = 0
  let resetMs = 0
  if (current > 0) resetMs = 2 * windowMs - elapsed
  else if (previous > 0) resetMs = windowMs - elapsed
  if (allowed === 1 && consume) {
    ctx.hset(key, { sw_window: String(window), sw_current: String(current), sw_previous: String(previous) })
    ctx.pexpire(key, 2 * windowMs - elapsed)
  }
  return [allowed, remaining, resetMs, retryMs]
}

// ---------------------------------------------------------------------------------------------
// Fixed window, aligned on the clock: window i = floor(now / windowMs) covers
// [i × windowMs, (i + 1) × windowMs); at most `limit` cost passes in it. State: fw_window, fw_count;
// a count stored for another window reads as 0. Refused (cost ≤ limit): retry when the window ends.
// resetAfterMs: when the window ends, or 0 when nothing was spent in it. The key expires when the
// window ends.

const fixedWindowLua = LUA_ARGS + `
local window = math.floor(now_ms / window_ms)
local window_end_ms = (window + 1) * window_ms
local used = 0
local st = redis.call('HMGET', KEYS[1], 'fw_window', 'fw_count')
if st[1] and tonumber(st[1]) == window then used = tonumber(st[2]) end
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
  redis.call('HSET', KEYS[1], 'fw_window', window, 'fw_count', used)
  local ttl_ms = window_end_ms - now_ms
  ${EXPIRE_CALL}
end
return {allowed, limit - used, reset_ms, retry_ms}
`

const fixedWindowTwin: AlgorithmSource["twin"] = (ctx, nowMs, key, rawArgs) => {
  const { consume, cost, limit, windowMs } = parseArgs(rawArgs)
  const window = Math.floor(nowMs / windowMs)
  const windowEndMs = (window + 1) * windowMs
  let used = 0
  const storedWindow = field(ctx, key, "fw_window")
  if (storedWindow !== null && storedWindow === window) used = field(ctx, key, "fw_count")!
  if (used > limit) used = limit
  let allowed = 0
  let retryMs = 0
  if (used + cost <= limit) {
    allowed = 1
    if (consume) used = used + cost
  } else if (cost > limit) {
    retryMs = windowMs
  } else {
    retryMs = windowEndMs - nowMs
  }
  const resetMs = used > 0 ? windowEndMs - nowMs : 0
  if (allowed === 1 && consume) {
    ctx.hset(key, { fw_window: String(window), fw_count: String(used) })
    ctx.pexpire(key, windowEndMs - nowMs)
  }
  return [allowed, limit - used, resetMs, retryMs]
}

// ---------------------------------------------------------------------------------------------

export const ALGORITHM_SOURCES: Readonly<Record<Algorithm, AlgorithmSource>> = {
  token_bucket: { luaBody: tokenBucketLua, twin: tokenBucketTwin },
  sliding_window: { luaBody: slidingWindowLua, twin: slidingWindowTwin },
  fixed_window: { luaBody: fixedWindowLua, twin: fixedWindowTwin }
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

const scriptFor = (algorithm: Algorithm): RedisScript<ScriptDecision> => {
  const source = ALGORITHM_SOURCES[algorithm]
  return defineScript({
    name: `rate_limit_${algorithm}`,
    numberOfKeys: 1,
    lua: LUA_NOW_MS + source.luaBody,
    memory: (ctx, keys, args) => source.twin(ctx, ctx.nowMs, keys[0]!, args),
    decode: decodeDecision
  })
}

/** The scripts the limiter runs: time from the backend's clock, never from the caller. */
export const RATE_LIMIT_SCRIPTS: Readonly<Record<Algorithm, RedisScript<ScriptDecision>>> = {
  token_bucket: scriptFor("token_bucket"),
  sliding_window: scriptFor("sliding_window"),
  fixed_window: scriptFor("fixed_window")
}

/** ARGV for a script: a check consumes `cost` when it passes, a peek never writes. */
export const scriptArgs = (limit: number, windowMs: number, cost: number, consume: boolean): ReadonlyArray<string> =>
  [String(limit), String(windowMs), String(cost), consume ? "1" : "0"]
