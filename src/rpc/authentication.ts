/**
 * The RPC door's two middlewares, twins of the HTTP door's edge limit and security middleware:
 * - `RpcAdmission`, on every RPC but the probes' twins: `GLOBAL_DDOS` per client address, per call;
 * - `RpcAuthentication`: the bearer credential of the request (or of the WebSocket's upgrade
 *   request), admitted (AUTH_LOGIN, API_GENERAL) and authenticated by `Admission`, then authorised
 *   against the policy each RPC declares (`AccessAnnotation`) and, for user RPCs, the payload's
 *   `userId`. Groups without it (monitoring) are public.
 * The client's address comes from the header the HTTP edge adds (`PEER_HEADER`).
 */
import { Headers } from "@effect/platform"
import { RpcMiddleware } from "@effect/rpc"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { bearerCredential } from "../services/auth/bearer.js"
import { Access, AccessAnnotation, CurrentPrincipal, Forbidden, Unauthorized } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { Admission } from "../services/rate-limit/admission.js"
import { RateLimited } from "../services/rate-limit/schema.js"
import { PEER_HEADER } from "../http/client-ip.js"

export class RpcAuthentication extends RpcMiddleware.Tag<RpcAuthentication>()("RpcAuthentication", {
  provides: CurrentPrincipal,
  failure: Schema.Union(Unauthorized, Forbidden, RateLimited, ServiceUnavailable),
  // The client side adds the credential to every request (HubClient's `credential` option).
  requiredForClient: true
}) {}

export class RpcAdmission extends RpcMiddleware.Tag<RpcAdmission>()("RpcAdmission", {
  failure: Schema.Union(RateLimited, ServiceUnavailable)
}) {}

/** Never limited, like their HTTP twins: what a health check may call. */
const PROBES: ReadonlySet<string> = new Set(["Monitoring.Health", "Monitoring.Ready", "Monitoring.WatchHealth"])

const clientIpOf = (headers: Headers.Headers): string | undefined => {
  const peer = headers[PEER_HEADER]
  return peer === undefined || peer === "" ? undefined : peer
}

export const RpcAdmissionLive = Layer.effect(
  RpcAdmission,
  Effect.map(Admission, (admission) =>
    RpcAdmission.of(({ headers, rpc }) => (PROBES.has(rpc._tag) ? Effect.void : admission.admit(clientIpOf(headers)))))
)

const credentialOf = (headers: Headers.Headers): string => bearerCredential(Option.getOrUndefined(Headers.get(headers, "authorization")))

const userIdOf = (payload: unknown): string | undefined => {
  if (typeof payload !== "object" || payload === null) return undefined
  const userId = (payload as { readonly userId?: unknown }).userId
  return typeof userId === "string" ? userId : undefined
}

export const RpcAuthenticationLive = Layer.effect(
  RpcAuthentication,
  Effect.gen(function* () {
    const admission = yield* Admission
    return RpcAuthentication.of(({ headers, payload, rpc }) =>
      admission.authenticate({
        credential: credentialOf(headers),
        // Fail secure: an RPC that forgot its policy is admin-only.
        policy: Option.getOrElse(Context.getOption(rpc.annotations, AccessAnnotation), () => Access.admin),
        userId: userIdOf(payload),
        clientIp: clientIpOf(headers)
      })
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
