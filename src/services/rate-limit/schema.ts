/**
 * The rate limiter's contract as both doors show it: the algorithms, a rule, the decision a check
 * answers, and the error a limited request gets.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/**
 * - `token_bucket`: `limit` tokens of capacity, refilled continuously at `limit` per `windowMs`.
 * - `sliding_window`: the weighted two-window approximation of a sliding `windowMs` (see scripts.ts
 *   for its error bound).
 * - `fixed_window`: `limit` per wall-clock aligned window (`floor(now / windowMs)`).
 */
export const Algorithm = Schema.Literal("token_bucket", "sliding_window", "fixed_window")
export type Algorithm = typeof Algorithm.Type
export const ALGORITHMS: ReadonlyArray<Algorithm> = Algorithm.literals

/**
 * The scripts compute in integers below `2 × (limit + 1) × (windowMs + 1)`, which must stay exact
 * in a double (Lua's only number type, and JavaScript's): at most 2^53 − 1. That still allows, say,
 * a million per day.
 */
export const isValidRule = (rule: { readonly limit: number; readonly windowMs: number }): boolean =>
  Number.isSafeInteger(rule.limit) && rule.limit >= 1 &&
  Number.isSafeInteger(rule.windowMs) && rule.windowMs >= 1 &&
  2 * (rule.limit + 1) * (rule.windowMs + 1) <= Number.MAX_SAFE_INTEGER

export const LimitRule = Schema.Struct({
  algorithm: Algorithm,
  limit: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)).annotations({
    description: "Checks (of cost 1) allowed per window; for the token bucket, the capacity."
  }),
  windowMs: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)).annotations({
    description: "The window; for the token bucket, the time to refill `limit` tokens from empty."
  })
}).pipe(
  Schema.filter((rule) => isValidRule(rule) || "2 × (limit + 1) × (windowMs + 1) must not exceed 2^53 − 1"),
  Schema.annotations({ identifier: "LimitRule", description: "How many checks an identifier may pass, by which algorithm." })
)
export type LimitRule = typeof LimitRule.Type

const Ms = Schema.NonNegativeInt

export const RateLimitDecision = Schema.Struct({
  allowed: Schema.Boolean,
  limit: Schema.Int.pipe(Schema.positive()),
  remaining: Schema.NonNegativeInt.annotations({
    description: "Cost still available now (after this check's cost, when it was allowed)."
  }),
  resetAfterMs: Ms.annotations({
    description: "Until the whole limit is available again (0: it is now)."
  }),
  retryAfterMs: Ms.annotations({
    description:
      "0 when allowed. When refused: until a check of the same cost could pass, if nothing else is spent meanwhile; " +
      "for a cost above the limit (which never passes), one window."
  })
}).annotations({ identifier: "RateLimitDecision", description: "The answer to a rate-limit check." })
export type RateLimitDecision = typeof RateLimitDecision.Type

export class RateLimited extends Schema.TaggedError<RateLimited>()(
  "RateLimited",
  {
    scope: Schema.String,
    retryAfterSeconds: Schema.Int.pipe(Schema.positive())
  },
  HttpApiSchema.annotations({ status: 429, description: "Too many requests for this scope; retry after `Retry-After` seconds." })
) {
  override get message(): string {
    return `Rate limit exceeded for ${this.scope}: retry after ${this.retryAfterSeconds} s`
  }
}
