/**
 * Security headers on every kind of answer the Hub gives: a handler's success, the edge's own
 * errors (unknown route, bad input, oversized body, defect), a CORS preflight; the strict policy
 * everywhere but the docs page, whose policy lets the inlined Scalar bundle run.
 */
import { HttpLayerRouter } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { API_SECURITY_HEADERS, DOCS_SECURITY_HEADERS } from "../../src/http/security-headers.js"
import { backendsUnderTest } from "../support/backends.js"
import { call, type HttpAnswer, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const ORIGIN = "https://cv.phoenix.example"
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'"
const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"

/** Written out, not taken from the source: the test is the specification. */
const COMMON = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "permissions-policy": "camera=(), microphone=(), geolocation=()"
}

const headersOf = (answer: HttpAnswer, names: ReadonlyArray<string>): Record<string, string | null> =>
  Object.fromEntries(names.map((name) => [name, answer.headers.get(name)]))

const expectSecured = (answer: HttpAnswer, csp: string) => {
  const expected = { ...COMMON, "content-security-policy": csp }
  expect(headersOf(answer, Object.keys(expected))).toEqual(expected)
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`security headers (${backend.name})`, () => {
    layer(
      testHubLayer(backend.name, {
        env: { CORS_ORIGINS: ORIGIN, HTTP_MAX_BODY_BYTES: "4096" },
        routes: HttpLayerRouter.add("GET", "/test/defect", Effect.die(new Error("boom")))
      }),
      { timeout: 60_000, excludeTestServices: true }
    )((it) => {
      it.effect("a handler's success", () =>
        Effect.gen(function* () {
          const answer = yield* call("/monitoring/health")
          expect(answer.status).toBe(200)
          expectSecured(answer, STRICT_CSP)
        }))

      it.effect("an unknown route", () =>
        Effect.gen(function* () {
          const answer = yield* call("/nowhere")
          expect(answer.status).toBe(404)
          expectSecured(answer, STRICT_CSP)
        }))

      it.effect("bad input", () =>
        Effect.gen(function* () {
          const answer = yield* call("/admin/events?limit=0")
          expect(answer.status).toBe(400)
          expectSecured(answer, STRICT_CSP)
        }))

      it.effect("an oversized body, answered before it is read", () =>
        Effect.gen(function* () {
          const answer = yield* call("/rpc", { method: "POST", body: "x".repeat(5000) })
          expect(answer.status).toBe(413)
          expectSecured(answer, STRICT_CSP)
        }))

      it.effect("a defect", () =>
        Effect.gen(function* () {
          const answer = yield* call("/test/defect")
          expect(answer.status).toBe(500)
          expectSecured(answer, STRICT_CSP)
        }))

      it.effect("a CORS preflight, and a CORS answer", () =>
        Effect.gen(function* () {
          const preflight = yield* call("/monitoring/health", {
            method: "OPTIONS",
            headers: { origin: ORIGIN, "access-control-request-method": "GET" }
          })
          expect(preflight.status).toBe(204)
          expectSecured(preflight, STRICT_CSP)
          const cors = yield* call("/monitoring/health", { headers: { origin: ORIGIN } })
          expect(cors.headers.get("access-control-allow-origin")).toBe(ORIGIN)
          expectSecured(cors, STRICT_CSP)
        }))

      it.effect("the OpenAPI document gets the strict policy", () =>
        Effect.gen(function* () {
          const answer = yield* call("/openapi.json")
          expect(answer.status).toBe(200)
          expectSecured(answer, STRICT_CSP)
        }))

      it.effect("the docs page gets the policy its inlined bundle needs, and still works offline", () =>
        Effect.gen(function* () {
          const answer = yield* call("/docs")
          expect(answer.status).toBe(200)
          expect(answer.headers.get("content-type")).toContain("text/html")
          expectSecured(answer, DOCS_CSP)
          // Everything the page runs is inline (allowed above); nothing is fetched from elsewhere.
          expect(answer.text).toContain("<script>")
          expect(answer.text).not.toMatch(/<script[^>]+src=/)
          expect(answer.text).not.toMatch(/<link[^>]+href="https?:/)
          expectSecured(yield* call("/docs?theme=moon"), DOCS_CSP)
          // Only that page: a neighbouring path is an unknown route.
          expectSecured(yield* call("/docsx"), STRICT_CSP)
        }))
    })
  })
}

describe("security header constants", () => {
  it("match what the tests above expect", () => {
    expect(API_SECURITY_HEADERS).toEqual({ ...COMMON, "content-security-policy": STRICT_CSP })
    expect(DOCS_SECURITY_HEADERS).toEqual({ ...COMMON, "content-security-policy": DOCS_CSP })
  })
})
