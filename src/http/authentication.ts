/**
 * The HTTP door's one security middleware: `Authorization: Bearer <API key or user token>`,
 * admitted (AUTH_LOGIN, API_GENERAL) and authenticated by `Admission`, then authorised against the policy the endpoint declares
 * (`AccessAnnotation`) and, for user routes, the `userId` path parameter. Endpoints without this
 * middleware are public; they are listed in PUBLIC_ENDPOINTS, and a test keeps both lists honest.
 */
import { HttpApi, HttpApiMiddleware, HttpApiSecurity, HttpRouter, HttpServerRequest, OpenApi } from "@effect/platform"
import { Context, Effect, FiberRef, Layer, Option, Redacted, Schema } from "effect"
import { bearerCredential } from "../services/auth/bearer.js"
import { Access, AccessAnnotation, type AccessPolicy, Forbidden, type Principal, Unauthorized } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { currentRequest } from "../services/logging/request-context.js"
import { Admission } from "../services/rate-limit/admission.js"
import { RateLimited } from "../services/rate-limit/schema.js"
import { DASHBOARD_ASSET_PATHS } from "./dashboard/paths.js"
import { envelope } from "./envelope.js"

/** `METHOD path`, as endpoints and routes spell it. */
export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`

/** Reachable without credentials: probes, version, metrics for scrapers, the docs and the contract. */
export const PUBLIC_ENDPOINTS: ReadonlySet<string> = new Set([
  "GET /monitoring/health",
  "GET /monitoring/health/v2",
  "GET /monitoring/health/watch",
  "GET /monitoring/ready",
  "GET /monitoring/version",
  "GET /monitoring/metrics/prometheus/v2",
  "GET /monitoring/metrics/current",
  "GET /monitoring/performance",
  "GET /monitoring/alerts",
  "GET /monitoring/dashboard"
])
/** Served beside the HttpApi (not endpoints of it), also public. */
export const PUBLIC_PATHS: ReadonlyArray<string> = ["/docs", "/openapi.json", "/metrics", ...DASHBOARD_ASSET_PATHS]

export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: Schema.Union(envelope(Unauthorized), envelope(Forbidden), envelope(RateLimited), envelope(ServiceUnavailable)),
  security: {
    bearer: HttpApiSecurity.bearer.pipe(
      HttpApiSecurity.annotate(
        OpenApi.Description,
        "An API key (`luna_<env>_…`) or an end-user token (HS256 JWT whose `sub` is the user id)."
      )
    )
  }
}) {}

/**
 * The principal of each authenticated request, kept beside the request rather than `provides`d:
 * providing a service copies the request's whole context, which cost about 5 % of a request
 * (bench:auth). Entries go with their request (a WeakMap).
 */
const principals = new WeakMap<HttpServerRequest.HttpServerRequest, Principal>()

/** The caller of the current request, for handlers of endpoints behind `Authentication`. */
export const requestPrincipal: Effect.Effect<Principal, never, HttpServerRequest.HttpServerRequest> = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => {
    const principal = principals.get(request)
    return principal === undefined
      ? Effect.dieMessage("requestPrincipal: this endpoint is not behind the Authentication middleware")
      : Effect.succeed(principal)
  }
)

/** Each endpoint's policy, by route key; an endpoint behind the middleware without one is admin-only. */
export const accessPolicies = (api: HttpApi.HttpApi.Any): ReadonlyMap<string, AccessPolicy> => {
  const policies = new Map<string, AccessPolicy>()
  HttpApi.reflect(api as HttpApi.HttpApi.AnyWithProps, {
    onGroup: () => undefined,
    onEndpoint: ({ endpoint, mergedAnnotations }) => {
      const policy = Context.getOption(mergedAnnotations, AccessAnnotation)
      if (Option.isSome(policy)) policies.set(routeKey(endpoint.method, endpoint.path), policy.value)
    }
  })
  return policies
}

export const AuthenticationLive = (api: HttpApi.HttpApi.Any) =>
  Layer.effect(
    Authentication,
    Effect.gen(function* () {
      const admission = yield* Admission
      const policies = accessPolicies(api)
      // By route object: the policy is found once per route, not once per request.
      const byRoute = new WeakMap<HttpRouter.Route<unknown, unknown>, AccessPolicy>()
      const policyOf = (route: HttpRouter.Route<unknown, unknown>): AccessPolicy => {
        let policy = byRoute.get(route)
        if (policy === undefined) {
          // Fail secure: an endpoint that forgot its policy is admin-only.
          policy = policies.get(routeKey(route.method, route.path)) ?? Access.admin
          byRoute.set(route, policy)
        }
        return policy
      }
      return {
        // The platform hands over the header minus its first 7 characters, whatever the scheme: the
        // header is read here instead, so only `Bearer` carries a credential (as on the RPC door).
        bearer: (_: Redacted.Redacted) =>
          Effect.contextWithEffect((context: Context.Context<HttpServerRequest.HttpServerRequest | HttpRouter.RouteContext>) => {
            const request = Context.get(context, HttpServerRequest.HttpServerRequest)
            const route = Context.get(context, HttpRouter.RouteContext)
            return Effect.flatMap(FiberRef.get(currentRequest), (meta) =>
              Effect.map(
                admission.authenticate({
                  credential: bearerCredential(request.headers["authorization"]),
                  policy: policyOf(route.route),
                  userId: route.params["userId"],
                  clientIp: meta?.clientIp
                }),
                (principal) => void principals.set(request, principal)
              ))
          })
      }
    })
  )
