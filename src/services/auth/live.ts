/** `Auth` over the API keys service and the JWT secret. */
import { Effect, Layer } from "effect"
import { HubConfig } from "../../config.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { ApiKeys } from "../keys/ApiKeys.js"
import { looksLikeApiKey } from "../keys/format.js"
import type { Scope } from "../keys/schema.js"
import { Auth } from "./Auth.js"
import { type AccessPolicy, Forbidden, type Principal, refusal, type Unauthorized } from "./schema.js"
import { makeTokenVerifier } from "./tokens.js"

const holdsAny = (held: ReadonlyArray<Scope>, wanted: ReadonlyArray<Scope>): boolean =>
  held.includes("admin") || held.includes("service") || wanted.some((scope) => held.includes(scope))

const scopesWanted = (scopes: ReadonlyArray<Scope>): string =>
  ["service", ...scopes].join(", ")

/** Pure, so both doors and the IDOR tests share one rule. */
export const decide = (principal: Principal, policy: AccessPolicy, userId: string | undefined): Forbidden | undefined => {
  switch (policy.kind) {
    case "admin":
      return principal.kind === "key" && principal.scopes.includes("admin")
        ? undefined
        : new Forbidden({ reason: "this endpoint needs an API key with the admin scope" })
    case "anyKey":
      return principal.kind === "key" ? undefined : new Forbidden({ reason: "this endpoint needs an API key" })
    case "authenticated":
      return undefined
    case "service":
      if (principal.kind === "user") return new Forbidden({ reason: "this endpoint needs a service API key" })
      return holdsAny(principal.scopes, policy.scopes)
        ? undefined
        : new Forbidden({ reason: `this endpoint needs a key with one of the scopes: ${scopesWanted(policy.scopes)}` })
    case "user":
      if (principal.kind === "key") {
        return holdsAny(principal.scopes, policy.scopes)
          ? undefined
          : new Forbidden({ reason: `this endpoint needs a key with one of the scopes: ${scopesWanted(policy.scopes)}` })
      }
      return userId !== undefined && principal.userId === userId
        ? undefined
        : new Forbidden({ reason: "a user token reaches only its own user's routes" })
  }
}

export const AuthLive = Layer.effect(
  Auth,
  Effect.gen(function* () {
    const settings = (yield* HubConfig).auth
    const keys = yield* ApiKeys
    const verifyToken = makeTokenVerifier({ secret: settings.jwtSecret, issuer: settings.jwtIssuer, audience: settings.jwtAudience })
    const authenticate = (credential: string): Effect.Effect<Principal, Unauthorized | ServiceUnavailable> => {
      if (credential === "") return Effect.fail(refusal("missing"))
      if (looksLikeApiKey(credential)) return keys.verify(credential)
      return Effect.clockWith((clock) =>
        Effect.map(verifyToken(credential, clock.unsafeCurrentTimeMillis()), (userId): Principal => ({ kind: "user", userId })))
    }
    return Auth.of({
      authenticate,
      authorize: (principal, policy, userId) => {
        const refused = decide(principal, policy, userId)
        return refused === undefined ? Effect.void : Effect.fail(refused)
      },
      check: (credential, policy, userId) =>
        Effect.flatMap(authenticate(credential), (principal) => {
          const refused = decide(principal, policy, userId)
          return refused === undefined ? Effect.succeed(principal) : Effect.fail(refused)
        })
    })
  })
)
