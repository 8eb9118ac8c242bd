/**
 * Who is calling and what each endpoint lets through: the principal, the access policies every
 * endpoint declares, and the two refusals (401, 403).
 */
import { HttpApiSchema } from "@effect/platform"
import { Context, Schema } from "effect"
import type { KeyEnv } from "../keys/format.js"
import type { Scope } from "../keys/schema.js"

export type Principal =
  | { readonly kind: "key"; readonly keyId: string; readonly env: KeyEnv; readonly scopes: ReadonlyArray<Scope> }
  | { readonly kind: "user"; readonly userId: string }

/** The authenticated caller of the current request or RPC (provided by the doors' middleware). */
export class CurrentPrincipal extends Context.Tag("luna/CurrentPrincipal")<CurrentPrincipal, Principal>() {}

/** The key behind an `anyKey` endpoint's principal (the policy admitted keys only; "" otherwise, which matches no key). */
export const keyIdOf = (principal: Principal): string => (principal.kind === "key" ? principal.keyId : "")

/** How a principal is named in audit events and logs (never the key or token itself). */
export const actorOf = (principal: Principal): string =>
  principal.kind === "key" ? `key:${principal.keyId}` : `user:${principal.userId}`

/**
 * What an endpoint requires.
 * - `admin`: a key with the `admin` scope.
 * - `service`: a key with `service`, `admin` or one of `scopes`.
 * - `user`: the user named by the request's `userId` (path or payload) with their own token, or a
 *   key as for `service`.
 * - `anyKey`: any working API key, whatever its scopes (what a key may ask about itself).
 * - `authenticated`: any working key or any valid user token (shared, non-personal reference data).
 */
export type AccessPolicy =
  | { readonly kind: "admin" }
  | { readonly kind: "anyKey" }
  | { readonly kind: "authenticated" }
  | { readonly kind: "service"; readonly scopes: ReadonlyArray<Scope> }
  | { readonly kind: "user"; readonly scopes: ReadonlyArray<Scope> }

export const Access = {
  admin: { kind: "admin" } as AccessPolicy,
  anyKey: { kind: "anyKey" } as AccessPolicy,
  authenticated: { kind: "authenticated" } as AccessPolicy,
  service: (...scopes: ReadonlyArray<Scope>): AccessPolicy => ({ kind: "service", scopes }),
  user: (...scopes: ReadonlyArray<Scope>): AccessPolicy => ({ kind: "user", scopes })
}

/** Annotation carrying an endpoint's (or an RPC's) policy. */
export class AccessAnnotation extends Context.Tag("luna/AccessAnnotation")<AccessAnnotation, AccessPolicy>() {}

export type UnauthorizedReason = "missing" | "malformed" | "unknown" | "expired" | "revoked" | "invalid_token"

export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  {
    reason: Schema.Literal("missing", "malformed", "unknown", "expired", "revoked", "invalid_token")
  },
  HttpApiSchema.annotations({
    status: 401,
    description: "No valid credentials: send `Authorization: Bearer <API key or user token>`."
  })
) {
  override get message(): string {
    switch (this.reason) {
      case "missing":
        return "Credentials required: send Authorization: Bearer <API key or user token>"
      case "malformed":
        return "The API key is malformed or its checksum is wrong"
      case "unknown":
        return "The API key is not known"
      case "expired":
        return "The API key has expired"
      case "revoked":
        return "The API key has been revoked"
      case "invalid_token":
        return "The user token is invalid or expired"
    }
  }
}

/** One refusal per reason, built once: a refusal is on the path of every bad request. */
const REFUSALS: { readonly [R in UnauthorizedReason]: Unauthorized } = {
  missing: new Unauthorized({ reason: "missing" }),
  malformed: new Unauthorized({ reason: "malformed" }),
  unknown: new Unauthorized({ reason: "unknown" }),
  expired: new Unauthorized({ reason: "expired" }),
  revoked: new Unauthorized({ reason: "revoked" }),
  invalid_token: new Unauthorized({ reason: "invalid_token" })
}

export const refusal = (reason: UnauthorizedReason): Unauthorized => REFUSALS[reason]

export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  { reason: Schema.String },
  HttpApiSchema.annotations({ status: 403, description: "The credentials are valid but do not reach this resource." })
) {
  override get message(): string {
    return `Forbidden: ${this.reason}`
  }
}
