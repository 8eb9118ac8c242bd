import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import * as http from "node:http"
import { envelope } from "../../src/http/envelope.js"
import { ServiceUnavailable } from "../../src/services/common/errors.js"
import { backendsUnderTest } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { call, errorOf, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const INTERNAL_DETAIL = "pool exhausted at 10.0.0.7 while holding lock 42"

/** Routes that exercise the edge: a defect, and a declared retryable error. */
const EdgeProbeRoutes = Layer.mergeAll(
  HttpLayerRouter.add("GET", "/test/defect", Effect.die(new Error(INTERNAL_DETAIL))),
  HttpLayerRouter.add(
    "GET",
    "/test/unavailable",
    Effect.map(
      Schema.encode(envelope(ServiceUnavailable))(
        new ServiceUnavailable({ dependency: "database", reason: "circuit open", retryAfterSeconds: 7 })
      ),
      (body) => HttpServerResponse.unsafeJson(body, { status: 503 })
    ).pipe(Effect.orDie)
  )
)

/** Sends a body in chunks (no Content-Length), as a streaming client would. */
const postChunked = (url: string, chunks: number, chunkBytes: number) =>
  Effect.async<{ status: number; body: string } | { reset: string }>((resume) => {
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/x-ndjson" } }, (response) => {
      let body = ""
      response.on("data", (d) => (body += d))
      response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, body })))
    })
    request.on("error", (e) => resume(Effect.succeed({ reset: e.message })))
    const chunk = Buffer.alloc(chunkBytes, 0x20)
    for (let i = 0; i < chunks; i++) request.write(chunk)
    request.end()
  })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`HTTP edge (${backend.name})`, () => {
    layer(
      testHubLayer(backend.name, {
        env: { CORS_ORIGINS: "https://cv.phoenix.example", HTTP_MAX_BODY_BYTES: "4096" },
        routes: EdgeProbeRoutes,
        databaseProxy: true
      }),
      { timeout: 60_000, excludeTestServices: true }
    )((it) => {
      it.effect("unknown routes answer 404 in the envelope", () =>
        Effect.gen(function* () {
          const answer = yield* call("/nowhere?x=1")
          expect(answer.status).toBe(404)
          expect(errorOf(answer)).toEqual({ tag: "NotFound", message: "No route for GET /nowhere", path: "/nowhere" })
        }))

      it.effect("X-Request-Id is echoed when valid and generated otherwise", () =>
        Effect.gen(function* () {
          const given = yield* call("/monitoring/health", { headers: { "x-request-id": "phoenix-cv.42" } })
          expect(given.headers.get("x-request-id")).toBe("phoenix-cv.42")
          const generated = yield* call("/monitoring/health")
          expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
          const invalid = yield* call("/monitoring/health", { headers: { "x-request-id": "bad id with spaces" } })
          expect(invalid.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
          const onError = yield* call("/nowhere", { headers: { "x-request-id": "trace-404" } })
          expect(onError.headers.get("x-request-id")).toBe("trace-404")
        }))

      it.effect("oversized bodies answer 413, announced or streamed", () =>
        Effect.gen(function* () {
          const announced = yield* call("/rpc", { method: "POST", body: "x".repeat(5000) })
          expect(announced.status).toBe(413)
          expect(errorOf(announced)).toMatchObject({ tag: "PayloadTooLarge", limitBytes: 4096 })
          // A streamed body is cut off as soon as it crosses the limit: the platform closes the
          // connection (the client sees a reset), so nothing past the limit is ever buffered.
          const hub = yield* TestHub
          const streamed = yield* postChunked(`${hub.url}/rpc`, 64, 1024)
          expect("reset" in streamed || streamed.status === 413).toBe(true)
          const small = yield* postChunked(`${hub.url}/rpc`, 1, 64)
          expect("status" in small && small.status === 200).toBe(true)
          expect((yield* call("/monitoring/health")).status).toBe(200)
        }))

      it.effect("defects answer 500 without internals and are logged with the request id", () =>
        Effect.gen(function* () {
          const answer = yield* call("/test/defect", { headers: { "x-request-id": "defect-1" } })
          expect(answer.status).toBe(500)
          expect(errorOf(answer)).toEqual({ tag: "InternalError", message: "Internal server error", requestId: "defect-1" })
          expect(answer.text).not.toContain("10.0.0.7")
          const hub = yield* TestHub
          const logged = hub.logs.map((l) => JSON.parse(l)).find((l) => l.request_id === "defect-1" && l.level === "ERROR")
          expect(logged).toBeDefined()
          expect(logged.error).toContain(INTERNAL_DETAIL)
        }))

      it.effect("retryable errors carry Retry-After from their envelope", () =>
        Effect.gen(function* () {
          const answer = yield* call("/test/unavailable")
          expect(answer.status).toBe(503)
          expect(answer.headers.get("retry-after")).toBe("7")
          expect(errorOf(answer)).toEqual({
            tag: "ServiceUnavailable",
            message: "database is unavailable: circuit open",
            dependency: "database",
            reason: "circuit open",
            retryAfterSeconds: 7
          })
        }))

      it.effect("CORS: allowed origins get headers and preflights; others get none", () =>
        Effect.gen(function* () {
          const allowed = yield* call("/monitoring/health", { headers: { origin: "https://cv.phoenix.example" } })
          expect(allowed.headers.get("access-control-allow-origin")).toBe("https://cv.phoenix.example")
          expect(allowed.headers.get("access-control-expose-headers")).toContain("X-Request-Id")
          const preflight = yield* call("/monitoring/health", {
            method: "OPTIONS",
            headers: { origin: "https://cv.phoenix.example", "access-control-request-method": "GET" }
          })
          expect(preflight.status).toBe(204)
          expect(preflight.headers.get("access-control-allow-methods")).toContain("GET")
          const other = yield* call("/monitoring/health", { headers: { origin: "https://evil.example" } })
          expect(other.headers.get("access-control-allow-origin")).toBeNull()
        }))

      it.effect("database outage: health 503 with the breaker open, ready 503 with Retry-After, then recovery", () =>
        Effect.gen(function* () {
          yield* eventually(call("/monitoring/ready"), (a) => a.status === 200, "20 seconds")
          const hub = yield* TestHub
          const proxy = Option.getOrThrow(hub.databaseProxy)
          yield* proxy.cut
          const unhealthy = yield* eventually(call("/monitoring/health/v2"), (a) => a.status === 503, "20 seconds")
          expect((unhealthy.json as any).status).toBe("unhealthy")
          expect((unhealthy.json as any).dependencies.database.status).toBe("down")
          const notReady = yield* call("/monitoring/ready")
          expect(notReady.status).toBe(503)
          expect(errorOf(notReady).tag).toBe("NotReady")
          expect(Number(notReady.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
          // Repeated probes trip the breaker.
          const open = yield* eventually(
            call("/monitoring/health/v2"),
            (a) => (a.json as any).dependencies.database.breaker.state === "open",
            "20 seconds"
          )
          expect((open.json as any).dependencies.database.breaker.retryAfterMs).toBeGreaterThan(0)
          yield* proxy.restore
          // Health turns 200 on the first good probe; the breaker closes after its half-open successes.
          const healthy = yield* eventually(
            call("/monitoring/health/v2"),
            (a) => a.status === 200 && (a.json as any).dependencies.database.breaker.state === "closed",
            "30 seconds"
          )
          expect((healthy.json as any).dependencies.database.status).toBe("up")
          expect((yield* call("/monitoring/ready")).status).toBe(200)
        }), { timeout: 60_000 })
    })
  })
}
