/**
 * The Hub's scopes as the doors apply them: a check per scope and identifier that refuses with
 * `RateLimited`, the failure policy when the store cannot answer, and the admin's status and reset.
 * `RateLimiter` is the mechanism underneath; this is the policy.
 */
import { Context, type Effect, type Option } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { RateLimitDecision, RateLimited } from "./schema.js"
import type { ScopeName, ScopeRule, Scopes } from "./scopes.js"

export interface ScopeCheck {
  readonly scope: ScopeName
  readonly rule: ScopeRule
  /** None when nothing was decided: limiting is off, or the store could not answer and the policy fails open. */
  readonly decision: Option.Option<RateLimitDecision>
}

export interface ScopeStatus {
  readonly scope: ScopeName
  readonly rule: ScopeRule
  readonly decision: RateLimitDecision
}

export class RateLimits extends Context.Tag("luna/RateLimits")<RateLimits, {
  readonly enabled: boolean
  readonly scopes: Scopes
  /**
   * Spends `cost` (default 1) of `identifier`'s allowance in `scope`. Refused: `RateLimited`. The
   * store unreachable: passes with no decision when `RATE_LIMIT_FAIL_OPEN` (a log line and a
   * metric say so), `ServiceUnavailable` otherwise.
   */
  readonly check: (scope: ScopeName, identifier: string, cost?: number) => Effect.Effect<ScopeCheck, RateLimited | ServiceUnavailable>
  /** Refuses when `identifier` has nothing left in `scope`, spending nothing (AUTH_LOGIN's gate before a key lookup). */
  readonly guard: (scope: ScopeName, identifier: string) => Effect.Effect<ScopeCheck, RateLimited | ServiceUnavailable>
  /** Every scope's state for `identifier`, spending nothing. */
  readonly status: (identifier: string) => Effect.Effect<ReadonlyArray<ScopeStatus>, ServiceUnavailable>
  /** Forgets `identifier`'s state in `scope`, or in every scope; answers the scopes reset. */
  readonly reset: (identifier: string, scope?: ScopeName) => Effect.Effect<ReadonlyArray<ScopeName>, ServiceUnavailable>
}>() {}
