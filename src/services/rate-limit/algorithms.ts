/**
 * The three algorithms' arithmetic in TypeScript, once: the Lua scripts' twins (scripts.ts, over a
 * memory store's hash) and the in-process limiter (memory.ts, over plain numbers) both run these
 * steps, so the memory implementation decides exactly as Redis does. The derivations, the error
 * bound of the sliding window and the integer-exactness argument are in scripts.ts, beside the Lua
 * each step mirrors line for line.
 *
 * A state is three numbers whose meaning is the algorithm's:
 * - token bucket: tokens, carry (in 1/windowMs of a token), when they were computed;
 * - sliding window: window index, count in it, count in the window before;
 * - fixed window: window index, count in it, 0.
 */

export interface LimitState {
  readonly s0: number
  readonly s1: number
  readonly s2: number
}

export interface StepResult {
  readonly allowed: boolean
  readonly remaining: number
  readonly resetAfterMs: number
  readonly retryAfterMs: number
  /** The state to store, when the check passed and consumed; with how long it matters (`ttlMs`). */
  readonly next: LimitState | undefined
  readonly ttlMs: number
}

/** One check (`consume`) or peek of `cost` against `limit` per `windowMs`, from `state` (undefined: none). */
export type Step = (
  state: LimitState | undefined,
  nowMs: number,
  limit: number,
  windowMs: number,
  cost: number,
  consume: boolean
) => StepResult

export const tokenBucketStep: Step = (state, nowMs, limit, windowMs, cost, consume) => {
  let tokens = limit
  let carry = 0
  if (state !== undefined) {
    let elapsed = nowMs - state.s2
    if (elapsed < 0) elapsed = 0
    if (elapsed < windowMs) {
      let storedCarry = state.s1
      if (storedCarry > windowMs - 1) storedCarry = windowMs - 1
      const accrued = storedCarry + elapsed * limit
      const whole = Math.floor(accrued / windowMs)
      tokens = state.s0 + whole
      carry = accrued - whole * windowMs
      if (tokens >= limit) {
        tokens = limit
        carry = 0
      }
    }
  }
  let allowed = false
  let retryMs = 0
  if (cost <= tokens) {
    allowed = true
    if (consume) tokens = tokens - cost
  } else if (cost > limit) {
    retryMs = windowMs
  } else {
    retryMs = Math.floor((cost * windowMs - (tokens * windowMs + carry) + limit - 1) / limit)
  }
  const resetMs = Math.floor((limit * windowMs - (tokens * windowMs + carry) + limit - 1) / limit)
  const written = allowed && consume
  return {
    allowed,
    remaining: tokens,
    resetAfterMs: resetMs,
    retryAfterMs: retryMs,
    next: written ? { s0: tokens, s1: carry, s2: nowMs } : undefined,
    ttlMs: written ? resetMs : 0
  }
}

export const slidingWindowStep: Step = (state, nowMs, limit, windowMs, cost, consume) => {
  const window = Math.floor(nowMs / windowMs)
  const elapsed = nowMs - window * windowMs
  let current = 0
  let previous = 0
  if (state !== undefined) {
    if (state.s0 === window) {
      current = state.s1
      previous = state.s2
    } else if (state.s0 === window - 1) {
      previous = state.s1
    }
  }
  if (current > limit) current = limit
  if (previous > limit) previous = limit
  let used = previous * (windowMs - elapsed) + current * windowMs
  let allowed = false
  let retryMs = 0
  if (used + cost * windowMs <= limit * windowMs) {
    allowed = true
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
  const written = allowed && consume
  return {
    allowed,
    remaining,
    resetAfterMs: resetMs,
    retryAfterMs: retryMs,
    next: written ? { s0: window, s1: current, s2: previous } : undefined,
    ttlMs: written ? 2 * windowMs - elapsed : 0
  }
}

export const fixedWindowStep: Step = (state, nowMs, limit, windowMs, cost, consume) => {
  const window = Math.floor(nowMs / windowMs)
  const windowEndMs = (window + 1) * windowMs
  let used = 0
  if (state !== undefined && state.s0 === window) used = state.s1
  if (used > limit) used = limit
  let allowed = false
  let retryMs = 0
  if (used + cost <= limit) {
    allowed = true
    if (consume) used = used + cost
  } else if (cost > limit) {
    retryMs = windowMs
  } else {
    retryMs = windowEndMs - nowMs
  }
  const written = allowed && consume
  return {
    allowed,
    remaining: limit - used,
    resetAfterMs: used > 0 ? windowEndMs - nowMs : 0,
    retryAfterMs: retryMs,
    next: written ? { s0: window, s1: used, s2: 0 } : undefined,
    ttlMs: written ? windowEndMs - nowMs : 0
  }
}
