/**
 * The limits a request meets at either door, in this order:
 * 1. `GLOBAL_DDOS` per client IP, before anything else (the doors skip the probes);
 * 2. `AUTH_LOGIN`'s gate: a client IP with no failed authentication left in its window is refused
 *    before its credential is looked at;
 * 3. authentication; a failure with a credential spends one of the IP's `AUTH_LOGIN` allowance
 *    (a request sent without any credential is not a login attempt and spends nothing);
 * 4. `API_GENERAL` per principal (`key:<id>` or the user id), then authorisation: a refused
 *    request was still made by that principal.
 * Every decision is noted in the current request's `limits` (see `noted`), from which the HTTP
 * door writes the `RateLimit-Policy` and `RateLimit` headers.
 */
import { Context, Effect, FiberRef, Layer, Option } from "effect"
import { Auth } from "../auth/Auth.js"
import type { AccessPolicy, Forbidden, Principal, Unauthorized } from "../auth/schema.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { currentRequest } from "../logging/request-context.js"
import { RateLimits, type ScopeCheck } from "./RateLimits.js"
import type { RateLimited } from "./schema.js"
import type { ScopeName, ScopeRule } from "./scopes.js"

/** The checks a request went through, as the headers show them (a refusal included). */
export type LimitNotes = Array<ScopeCheck>

/** Stands for a request whose peer address is unknown (a closed socket): such requests share one allowance. */
export const UNKNOWN_CLIENT = "unknown"

/** What `API_GENERAL` counts by: `key:<id>` for an API key, the user id for a user token. */
export const principalIdentifier = (principal: Principal): string =>
  principal.kind === "key" ? `key:${principal.keyId}` : principal.userId

/**
 * Runs `checked`, a check of `scope`, noting what it decided (a refusal included; only a refusal
 * when `refusalsOnly`) in the current request's notes, when the request keeps them (HTTP does).
 */
export const noted = (
  scope: ScopeName,
  rule: ScopeRule,
  checked: Effect.Effect<ScopeCheck, RateLimited | ServiceUnavailable>,
  refusalsOnly = false
): Effect.Effect<void, RateLimited | ServiceUnavailable> =>
  // Callbacks passed inline, not in an options object: see DEVELOPERS.md on hot paths.
  Effect.flatMap(FiberRef.get(currentRequest), (request) => {
    const notes = request?.limits
    if (notes === undefined) return Effect.asVoid(checked)
    const kept = refusalsOnly ? Effect.asVoid(checked) : Effect.flatMap(checked, (check) => Effect.sync(() => void notes.push(check)))
    return Effect.tapError(kept, (error) =>
      Effect.sync(() => {
        if (error._tag !== "RateLimited") return
        const waitMs = error.retryAfterSeconds * 1000
        notes.push({ scope, rule, decision: Option.some({ allowed: false, limit: rule.limit, remaining: 0, retryAfterMs: waitMs, resetAfterMs: waitMs }) })
      }))
  })

export class Admission extends Context.Tag("luna/Admission")<Admission, {
  /** `GLOBAL_DDOS` for `clientIp`. */
  readonly admit: (clientIp: string | undefined) => Effect.Effect<void, RateLimited | ServiceUnavailable>
  /** Steps 2 to 4 for a request carrying `credential` ("" when none) from `clientIp`. */
  readonly authenticate: (request: {
    readonly credential: string
    readonly policy: AccessPolicy
    readonly userId: string | undefined
    readonly clientIp: string | undefined
  }) => Effect.Effect<Principal, Unauthorized | Forbidden | RateLimited | ServiceUnavailable>
}>() {}

export const AdmissionLive: Layer.Layer<Admission, never, Auth | RateLimits> = Layer.effect(
  Admission,
  Effect.gen(function*() {
    const auth = yield* Auth
    const limits = yield* RateLimits

    const checkNoted = (scope: ScopeName, identifier: string) => noted(scope, limits.scopes[scope], limits.check(scope, identifier))

    if (!limits.enabled) {
      return Admission.of({
        admit: () => Effect.void,
        authenticate: ({ credential, policy, userId }) => auth.check(credential, policy, userId)
      })
    }

    return Admission.of({
      admit: (clientIp) => checkNoted("GLOBAL_DDOS", clientIp ?? UNKNOWN_CLIENT),
      authenticate: ({ clientIp, credential, policy, userId }) => {
        const authenticated = credential === ""
          ? auth.authenticate(credential)
          : Effect.zipRight(
            // A successful login's headers do not mention AUTH_LOGIN: it counts failures only.
            noted("AUTH_LOGIN", limits.scopes.AUTH_LOGIN, limits.guard("AUTH_LOGIN", clientIp ?? UNKNOWN_CLIENT), true),
            Effect.tapError(auth.authenticate(credential), (error) =>
              // The answer stays the authentication failure, whatever counting it decides.
              error._tag === "Unauthorized"
                ? Effect.ignore(checkNoted("AUTH_LOGIN", clientIp ?? UNKNOWN_CLIENT))
                : Effect.void)
          )
        return Effect.flatMap(authenticated, (principal) =>
          Effect.zipRight(
            checkNoted("API_GENERAL", principalIdentifier(principal)),
            Effect.as(auth.authorize(principal, policy, userId), principal)
          ))
      }
    })
  })
)
