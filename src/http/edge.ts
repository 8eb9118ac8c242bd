/**
 * The HTTP edge: what every request goes through before and after the router, once.
 * Request id (accepted or generated, echoed), CORS, security headers, body-size limit, the error
 * envelope for what no handler answered (bad input, unknown route, oversized body, defects),
 * `Retry-After` on retryable errors, one access-log line and the request metrics. With limits, it
 * also finds the client's address, refuses what `GLOBAL_DDOS` refuses (the probes excepted) and
 * writes the `RateLimit-Policy`/`RateLimit` headers of every check the request went through.
 */
import { Headers, HttpServerError, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Cause, Effect, Metric, MetricLabel, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { httpErrors, httpRequestDurationMs, httpRequests } from "../services/monitoring/metrics.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import type { Admission, LimitNotes } from "../services/rate-limit/admission.js"
import { RateLimited } from "../services/rate-limit/schema.js"
import { clientIp, PEER_HEADER, type TrustedProxies } from "./client-ip.js"
import { envelope, type ErrorBody } from "./envelope.js"
import { rateLimitHeaders } from "./rate-limit-headers.js"
import { RPC_HTTP_PATH, RPC_WS_PATH } from "../rpc/paths.js"
import { internalError, invalidRequest, notFound, payloadTooLarge } from "./edge-errors.js"
import type { IdentifierHasher } from "../services/auth/identifier-hash.js"
import { currentRequest, type RequestContext } from "../services/logging/request-context.js"
import { loggedPath } from "./logged-path.js"
import { DOCS_PATH } from "./routes.js"
import { API_SECURITY_HEADERS, DASHBOARD_SECURITY_HEADERS, DOCS_SECURITY_HEADERS } from "./security-headers.js"
import { DASHBOARD_PATH } from "./dashboard/paths.js"

export interface EdgeOptions {
  readonly maxBodyBytes: number
  readonly corsOrigins: ReadonlyArray<string>
  /** Write one access line per request (decided once: the level does not change at run time). */
  readonly accessLog: boolean
  /** Rate limiting at the door; absent: nothing is limited here. */
  readonly limits?: EdgeLimits | undefined
  /** Hashes the user ids and other personal path segments access lines show. */
  readonly hashIdentifier: IdentifierHasher
  /** Told every answer (the monitoring figures); synchronous, so it adds no fiber step. */
  readonly recordRequest?: ((route: string, status: number, durationMs: number) => void) | undefined
}

export interface EdgeLimits {
  readonly admit: Admission["Type"]["admit"]
  readonly trustedProxies: TrustedProxies
}

/** Requests in flight, for the graceful drain. Mutated synchronously on one thread only. */
export class InFlightRequests {
  /** Set when the server stops: answers then ask clients to close their connection. */
  draining = false
  private count = 0
  private waiters: Array<() => void> = []
  get size(): number {
    return this.count
  }
  enter(): void {
    this.count++
  }
  leave(): void {
    this.count--
    if (this.count === 0) {
      const waiters = this.waiters
      this.waiters = []
      for (const wake of waiters) wake()
    }
  }
  /** Resolves when no request is in flight. */
  readonly idle: Effect.Effect<void> = Effect.async<void>((resume) => {
    if (this.count === 0) return resume(Effect.void)
    const wake = () => resume(Effect.void)
    this.waiters.push(wake)
    return Effect.sync(() => {
      this.waiters = this.waiters.filter((w) => w !== wake)
    })
  })
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/
const WWW_AUTHENTICATE = 'Bearer realm="luna-hub"'
const EXPOSED_HEADERS = "X-Request-Id, Retry-After, RateLimit, RateLimit-Policy"

const json = (status: number, body: ErrorBody) => HttpServerResponse.unsafeJson(body, { status })

const encodeRateLimited = Schema.encodeSync(envelope(RateLimited))
const encodeUnavailable = Schema.encodeSync(envelope(ServiceUnavailable))

/** The answer to a request `GLOBAL_DDOS` refused, or that the limit store could not decide (failing closed). */
const refusedAtTheDoor = (error: RateLimited | ServiceUnavailable) =>
  HttpServerResponse.setHeader(
    error._tag === "RateLimited" ? json(429, encodeRateLimited(error)) : json(503, encodeUnavailable(error)),
    "retry-after",
    String(error.retryAfterSeconds)
  )

/**
 * Not counted by `GLOBAL_DDOS` at the door: the liveness and readiness probes (an orchestrator
 * must always reach them), and `POST /rpc`, whose calls the RPC door counts one by one.
 */
const skipsDoorLimit = (method: string, url: string): boolean =>
  url.startsWith("/monitoring/health") || url.startsWith("/monitoring/ready") ||
  (method === "POST" && pathOf(url) === RPC_HTTP_PATH)

const isRpcPath = (url: string): boolean => {
  const path = pathOf(url)
  return path === RPC_HTTP_PATH || path === RPC_WS_PATH
}

const withLimitHeaders = (response: HttpServerResponse.HttpServerResponse, notes: LimitNotes): HttpServerResponse.HttpServerResponse => {
  const headers = rateLimitHeaders(notes)
  if (headers === undefined) return response
  const withPolicy = HttpServerResponse.setHeader(response, "ratelimit-policy", headers.policy)
  return headers.state === undefined ? withPolicy : HttpServerResponse.setHeader(withPolicy, "ratelimit", headers.state)
}

const isBodyTooLarge = (error: unknown): boolean =>
  error instanceof HttpServerError.RequestError &&
  error.cause instanceof Error &&
  error.cause.message.includes("maxBytes exceeded")

/** Turns what escaped the router into an envelope; defects are logged with the request id. */
const answerFailure = (cause: Cause.Cause<unknown>, request: HttpServerRequest.HttpServerRequest, meta: RequestContext, limit: number) => {
  // HttpApi reads a request body under `orDie`: a body that is not JSON, or cut off at the size
  // limit, arrives as a defect, so both the failure and the defect are looked at.
  const failure = Option.orElse(Cause.failureOption(cause), () => Cause.dieOption(cause))
  if (Option.isSome(failure)) {
    const error = failure.value
    if (error instanceof HttpServerError.RouteNotFound) {
      return Effect.succeed(json(404, notFound(request.method, pathOf(request.url))))
    }
    if (isBodyTooLarge(error)) return Effect.succeed(json(413, payloadTooLarge(limit)))
    if (error instanceof HttpServerError.RequestError && error.reason === "Decode") {
      return Effect.succeed(json(400, invalidRequest([{ field: "body", message: "is not valid JSON" }])))
    }
  }
  if (Cause.isInterruptedOnly(cause)) {
    // The client went away (or the server is stopping): nobody reads this answer.
    return Effect.succeed(HttpServerResponse.empty({ status: 499 }))
  }
  return Effect.logError("Unhandled failure while serving a request", cause).pipe(
    Effect.annotateLogs({ logger: "http", request_id: meta.requestId, method: request.method, route: meta.route ?? "unmatched" }),
    Effect.as(json(500, internalError(meta.requestId)))
  )
}

const isMultipart = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.length >= 10 && contentType.slice(0, 10).toLowerCase() === "multipart/"

const pathOf = (url: string): string => {
  const q = url.indexOf("?")
  return q === -1 ? url : url.slice(0, q)
}

const decoder = new TextDecoder()

const bodyJson = (response: HttpServerResponse.HttpServerResponse): unknown => {
  if (response.body._tag !== "Uint8Array") return undefined
  try {
    return JSON.parse(decoder.decode(response.body.body))
  } catch {
    return undefined
  }
}

interface DecodeIssue {
  readonly path?: ReadonlyArray<string | number>
  readonly message?: string
}

/** HttpApi answers its own decode failures; rewrite them into the envelope, naming the field. */
const rewriteErrorResponse = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
  const body = bodyJson(response) as { _tag?: string; issues?: ReadonlyArray<DecodeIssue>; error?: { retryAfterSeconds?: unknown } } | undefined
  if (body === undefined) return response
  if (response.status === 400 && body._tag === "HttpApiDecodeError") {
    const issues = (body.issues ?? []).map((issue) => ({
      field: issue.path && issue.path.length > 0 ? issue.path.join(".") : "request",
      message: issue.message ?? "is invalid"
    }))
    return json(400, invalidRequest(issues))
  }
  const retryAfter = body.error?.retryAfterSeconds
  if (typeof retryAfter === "number" && response.headers["retry-after"] === undefined) {
    return HttpServerResponse.setHeader(response, "retry-after", String(Math.max(1, Math.ceil(retryAfter))))
  }
  return response
}

const API_SECURITY_ENTRIES = Object.entries(API_SECURITY_HEADERS)
const DOCS_SECURITY_ENTRIES = Object.entries(DOCS_SECURITY_HEADERS)
const DASHBOARD_SECURITY_ENTRIES = Object.entries(DASHBOARD_SECURITY_HEADERS)

/** The page at `path`, with or without a query string, without slicing the URL. */
const isPage = (url: string, path: string): boolean =>
  url.startsWith(path) && (url.length === path.length || url.charCodeAt(path.length) === 63 /* ? */)

const isDocsPage = (url: string): boolean => isPage(url, DOCS_PATH)

/** The two HTML pages get the policies their files need; every other answer the strict one. */
const securityEntries = (url: string): ReadonlyArray<[string, string]> =>
  isDocsPage(url) ? DOCS_SECURITY_ENTRIES : isPage(url, DASHBOARD_PATH) ? DASHBOARD_SECURITY_ENTRIES : API_SECURITY_ENTRIES

/**
 * One `setHeader` per header: measured through the edge, ~3 µs a response, where `setHeaders`
 * (which spreads two header objects into a third, a slow path in V8) costs ~10 µs, and filling
 * the fresh headers object in place ~7 µs.
 */
const withSecurityHeaders = (response: HttpServerResponse.HttpServerResponse, url: string): HttpServerResponse.HttpServerResponse => {
  let secured = response
  for (const [name, value] of securityEntries(url)) {
    secured = HttpServerResponse.setHeader(secured, name, value)
  }
  return secured
}

const corsHeaders = (origins: ReadonlyArray<string>, origin: string | undefined): Record<string, string> | undefined => {
  if (origin === undefined || origins.length === 0) return undefined
  if (!origins.includes("*") && !origins.includes(origin)) return undefined
  return {
    "access-control-allow-origin": origins.includes("*") ? "*" : origin,
    "access-control-expose-headers": EXPOSED_HEADERS,
    vary: "Origin"
  }
}

const preflight = (cors: Record<string, string>, request: HttpServerRequest.HttpServerRequest) =>
  HttpServerResponse.empty({
    status: 204,
    headers: {
      ...cors,
      "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
      "access-control-allow-headers": request.headers["access-control-request-headers"] ?? "content-type, authorization, x-request-id, idempotency-key",
      "access-control-max-age": "600"
    }
  })

export const makeEdge = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  options: EdgeOptions,
  inFlight: InFlightRequests
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, R | HttpServerRequest.HttpServerRequest> => {
  return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const startedAt = performance.now()
    const given = request.headers["x-request-id"]
    const limits = options.limits
    const meta: RequestContext = {
      requestId: given !== undefined && REQUEST_ID.test(given) ? given : randomUUID(),
      route: undefined,
      clientIp: limits === undefined
        ? undefined
        : clientIp(Option.getOrUndefined(request.remoteAddress), request.headers["x-forwarded-for"], limits.trustedProxies),
      limits: limits === undefined ? undefined : []
    }
    const cors = corsHeaders(options.corsOrigins, request.headers["origin"])
    inFlight.enter()

    const contentLength = Number(request.headers["content-length"] ?? 0)
    const handled: Effect.Effect<HttpServerResponse.HttpServerResponse, never, R> =
      cors !== undefined && request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined
        ? Effect.succeed(preflight(cors, request))
        : contentLength > options.maxBodyBytes
          ? // Answered without reading the body, so the connection cannot be reused.
            Effect.succeed(HttpServerResponse.setHeader(json(413, payloadTooLarge(options.maxBodyBytes)), "connection", "close"))
          : isMultipart(request.headers["content-type"])
          ? // Every body the Hub reads is JSON; the platform's multipart parser dies on a bad boundary (a 500).
            Effect.succeed(json(400, invalidRequest([{ field: "body", message: "must be JSON; multipart bodies are not accepted" }])))
          : limited(app, request, meta, limits).pipe(
              Effect.locally(currentRequest, meta),
              Effect.map((response) => (response.status >= 400 ? rewriteErrorResponse(response) : response)),
              Effect.catchAllCause((cause) => answerFailure(cause, request, meta, options.maxBodyBytes))
            )

    return handled.pipe(
      Effect.map((response) => {
        const secured = HttpServerResponse.setHeader(withSecurityHeaders(response, request.url), "x-request-id", meta.requestId)
        // RFC 9110: a 401 names the scheme the credentials go in.
        const withId = response.status === 401 ? HttpServerResponse.setHeader(secured, "www-authenticate", WWW_AUTHENTICATE) : secured
        const withLimits = meta.limits === undefined ? withId : withLimitHeaders(withId, meta.limits)
        const closing = inFlight.draining ? HttpServerResponse.setHeader(withLimits, "connection", "close") : withLimits
        return cors === undefined ? closing : HttpServerResponse.setHeaders(closing, cors)
      }),
      Effect.tap((response) => record(request, meta, response, performance.now() - startedAt, options)),
      Effect.ensuring(Effect.sync(() => inFlight.leave()))
    )
  })
}

/** `app` behind the door's limit, and told the client's address when it is the RPC door. */
const limited = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  request: HttpServerRequest.HttpServerRequest,
  meta: RequestContext,
  limits: EdgeLimits | undefined
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R> => {
  if (limits === undefined) return app
  // The RPC door reads the client's address from a header only the edge can name (see PEER_HEADER).
  const served = isRpcPath(request.url)
    ? Effect.provideService(app, HttpServerRequest.HttpServerRequest, request.modify({ headers: Headers.set(request.headers, PEER_HEADER, meta.clientIp ?? "") }))
    : app
  if (skipsDoorLimit(request.method, request.url)) return served
  // Callbacks inline, not in an options object: see DEVELOPERS.md on hot paths.
  return Effect.flatMap(Effect.either(limits.admit(meta.clientIp)), (admitted) =>
    admitted._tag === "Left" ? Effect.succeed(refusedAtTheDoor(admitted.left)) : served)
}

interface RouteMetrics {
  readonly duration: Metric.Metric.Histogram<number>
  readonly count: Metric.Metric.Counter<number>
}

/** Tagged metrics per (method, route, status): bounded, since routes are patterns. */
const routeMetrics = new Map<string, RouteMetrics>()
const metricsFor = (method: string, route: string, status: number): RouteMetrics => {
  const key = `${method} ${route} ${status}`
  let found = routeMetrics.get(key)
  if (found === undefined) {
    const tags = { method, route, status: String(status) }
    found = { duration: httpRequestDurationMs(tags), count: httpRequests(tags) }
    routeMetrics.set(key, found)
  }
  return found
}

const NO_EXTRA_TAGS: ReadonlyArray<MetricLabel.MetricLabel> = []

/** Error counters per (route, status, tag): bounded, since tags are the declared errors' names. */
const errorCounters = new Map<string, Metric.Metric.Counter<number>>()
const countError = (route: string, response: HttpServerResponse.HttpServerResponse): void => {
  const body = bodyJson(response) as { error?: { tag?: unknown } } | undefined
  const tag = typeof body?.error?.tag === "string" ? body.error.tag : "none"
  const key = `${route} ${response.status} ${tag}`
  let counter = errorCounters.get(key)
  if (counter === undefined) {
    counter = httpErrors({ route, status: String(response.status), tag })
    errorCounters.set(key, counter)
  }
  counter.unsafeUpdate(1, NO_EXTRA_TAGS)
}

/** Metrics always (synchronously: no extra fiber steps on the hot path), the access line if enabled. */
const record = (
  request: HttpServerRequest.HttpServerRequest,
  meta: RequestContext,
  response: HttpServerResponse.HttpServerResponse,
  durationMs: number,
  options: EdgeOptions
): Effect.Effect<void> => {
  const route = meta.route ?? "unmatched"
  const status = response.status
  const metrics = metricsFor(request.method, route, status)
  metrics.duration.unsafeUpdate(durationMs, NO_EXTRA_TAGS)
  metrics.count.unsafeUpdate(1, NO_EXTRA_TAGS)
  if (status >= 400) countError(route, response)
  options.recordRequest?.(route, status, durationMs)
  if (!options.accessLog) return Effect.void
  return Effect.logInfo(`${request.method} ${route} ${status}`).pipe(
    Effect.annotateLogs({
      logger: "access",
      method: request.method,
      route,
      path: loggedPath(meta.route, pathOf(request.url), options.hashIdentifier),
      status,
      duration_ms: Math.round(durationMs * 1000) / 1000
    }),
    Effect.locally(currentRequest, meta)
  )
}
