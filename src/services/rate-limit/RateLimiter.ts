/**
 * Rate limiting (SPEC concern 8): how many checks an identifier (a client IP, a user, an API key)
 * may pass under a named limit, by one of three algorithms (see schema.ts and scripts.ts).
 *
 * - Atomic and shared: each check is one script in Redis (time from the Redis server, so every
 *   instance agrees), or its twin in the memory store (time from Effect `Clock`) — the same
 *   arithmetic, so the same decisions.
 * - A refused check consumes nothing; a cost above the limit is always refused.
 * - Store failures are `ServiceUnavailable`; what to do then (fail open or closed) is the caller's.
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { LimitRule, RateLimitDecision } from "./schema.js"

export class RateLimiter extends Context.Tag("luna/RateLimiter")<RateLimiter, {
  /**
   * Spends `cost` (a whole number ≥ 1, default 1) of `identifier`'s allowance under the limit
   * `name` when it fits, and answers the decision. `name` is letters, digits, `_`, `-` and `.`
   * (it is part of the key and of metric labels); `identifier` may be any string. One name must
   * always be checked with the same rule. An invalid name, rule or cost is a defect.
   */
  readonly check: (name: string, rule: LimitRule, identifier: string, cost?: number) => Effect.Effect<RateLimitDecision, ServiceUnavailable>
  /**
   * What a check of cost 1 would answer now, without spending anything; `remaining` is what is
   * left before any cost.
   */
  readonly peek: (name: string, rule: LimitRule, identifier: string) => Effect.Effect<RateLimitDecision, ServiceUnavailable>
  /** Forgets `identifier`'s state under `name`: its whole limit is available again. */
  readonly reset: (name: string, identifier: string) => Effect.Effect<void, ServiceUnavailable>
}>() {}
