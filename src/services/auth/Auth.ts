/**
 * Authentication (who is calling: an API key or an end-user token, both sent as
 * `Authorization: Bearer …`) and authorisation (may this principal reach this endpoint). The doors'
 * middleware call these two for every non-public endpoint; they fail secure: when the key store
 * cannot be read the answer is ServiceUnavailable, never a pass.
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { AccessPolicy, Forbidden, Principal, Unauthorized } from "./schema.js"

export class Auth extends Context.Tag("luna/Auth")<Auth, {
  /** `credential`: the bearer value ("" when none was sent). */
  readonly authenticate: (credential: string) => Effect.Effect<Principal, Unauthorized | ServiceUnavailable>
  /** `userId`: the user the request is about (path or payload), when the endpoint is about one. */
  readonly authorize: (principal: Principal, policy: AccessPolicy, userId: string | undefined) => Effect.Effect<void, Forbidden>
  /** Both, as the doors run them on every request. */
  readonly check: (
    credential: string,
    policy: AccessPolicy,
    userId: string | undefined
  ) => Effect.Effect<Principal, Unauthorized | Forbidden | ServiceUnavailable>
}>() {}
