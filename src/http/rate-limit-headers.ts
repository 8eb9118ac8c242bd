/**
 * The IETF draft headers (draft-ietf-httpapi-ratelimit-headers) of a limited response, one item
 * per scope the request was checked against:
 * `RateLimit-Policy: "api_general";q=100;w=60` (quota, window in seconds) and
 * `RateLimit: "api_general";r=37;t=12` (remaining, seconds until the quota is whole again; for a
 * refusal, until a retry may pass). A scope passed without a decision (the store unreachable and
 * the policy failing open) has a policy item but no `RateLimit` item.
 */
import type { LimitNotes } from "../services/rate-limit/admission.js"
import { policyName } from "../services/rate-limit/scopes.js"

export interface RateLimitHeaderValues {
  readonly policy: string
  readonly state: string | undefined
}

const seconds = (ms: number): number => Math.ceil(ms / 1000)

export const rateLimitHeaders = (notes: LimitNotes): RateLimitHeaderValues | undefined => {
  if (notes.length === 0) return undefined
  const policies: Array<string> = []
  const states: Array<string> = []
  for (const { decision, rule, scope } of notes) {
    const name = `"${policyName(scope)}"`
    policies.push(`${name};q=${rule.limit};w=${Math.max(1, seconds(rule.windowMs))}`)
    if (decision._tag === "Some") {
      const { allowed, remaining, resetAfterMs, retryAfterMs } = decision.value
      states.push(`${name};r=${remaining};t=${seconds(allowed ? resetAfterMs : retryAfterMs)}`)
    }
  }
  return { policy: policies.join(", "), state: states.length === 0 ? undefined : states.join(", ") }
}
