/**
 * The RPC door's one security middleware, the twin of the HTTP one: the bearer credential of the
 * request (or of the WebSocket's upgrade request), authenticated by `Auth`, then authorised against
 * the policy each RPC declares (`AccessAnnotation`) and, for user RPCs, the payload's `userId`.
 * Groups without this middleware (monitoring) are public.
 */
import { Headers } from "@effect/platform"
import { RpcMiddleware } from "@effect/rpc"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { Auth } from "../services/auth/Auth.js"
import { bearerCredential } from "../services/auth/bearer.js"
import { Access, AccessAnnotation, CurrentPrincipal, Forbidden, Unauthorized } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"

export class RpcAuthentication extends RpcMiddleware.Tag<RpcAuthentication>()("RpcAuthentication", {
  provides: CurrentPrincipal,
  failure: Schema.Union(Unauthorized, Forbidden, ServiceUnavailable),
  // The client side adds the credential to every request (HubClient's `credential` option).
  requiredForClient: true
}) {}

const credentialOf = (headers: Headers.Headers): string => bearerCredential(Option.getOrUndefined(Headers.get(headers, "authorization")))

const userIdOf = (payload: unknown): string | undefined => {
  if (typeof payload !== "object" || payload === null) return undefined
  const userId = (payload as { readonly userId?: unknown }).userId
  return typeof userId === "string" ? userId : undefined
}

export const RpcAuthenticationLive = Layer.effect(
  RpcAuthentication,
  Effect.gen(function* () {
    const auth = yield* Auth
    return RpcAuthentication.of(({ headers, payload, rpc }) =>
      // Fail secure: an RPC that forgot its policy is admin-only.
      auth.check(
        credentialOf(headers),
        Option.getOrElse(Context.getOption(rpc.annotations, AccessAnnotation), () => Access.admin),
        userIdOf(payload)
      )
    )
  })
)

/** Client side: sends `credential` (an API key or a user token) as the bearer of every request. */
export const rpcCredentialLayer = (credential: string | undefined) =>
  RpcMiddleware.layerClient(RpcAuthentication, ({ request }) =>
    Effect.succeed(
      credential === undefined ? request : { ...request, headers: Headers.set(request.headers, "authorization", `Bearer ${credential}`) }
    )
  )
