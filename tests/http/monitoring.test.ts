import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { EMBEDDED_POOL_SIZE } from "../../src/services/database/policy.js"
import { backendsUnderTest } from "../support/backends.js"
import { call, errorOf } from "../support/hub.js"
import { testHubLayer } from "../support/hub.js"
import { eventually } from "../support/database.js"

const backends = await backendsUnderTest()

for (const backend of backends) {
  // Embedded mode pools one connection whatever SUPABASE_POOL_SIZE says (see EMBEDDED_POOL_SIZE).
  const poolMax = backend.name === "embedded" ? EMBEDDED_POOL_SIZE : 10
  describe.skipIf(backend.skip)(`monitoring over HTTP (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("legacy health answers {status: healthy}", () =>
        Effect.gen(function* () {
          const answer = yield* call("/monitoring/health")
          expect(answer.status).toBe(200)
          expect(answer.json).toEqual({ status: "healthy" })
          expect(answer.headers.get("content-type")).toContain("application/json")
        }))

      it.effect("health v2 reports each dependency with breaker and pool figures", () =>
        Effect.gen(function* () {
          const answer = yield* call("/monitoring/health/v2")
          expect(answer.status).toBe(200)
          const body = answer.json as any
          expect(body.status).toBe("healthy")
          expect(body.mode).toBe(backend.name === "real" ? "production" : "embedded")
          expect(body.dependencies.database).toMatchObject({
            status: "up",
            backend: backend.name === "real" ? "postgres" : "pglite",
            breaker: { name: "database", state: "closed" }
          })
          expect(body.dependencies.database.latencyMs).toBeGreaterThanOrEqual(0)
          expect(body.dependencies.database.pool.max).toBe(poolMax)
          expect(body.dependencies.database.pool.total).toBeGreaterThanOrEqual(0)
          expect(body.dependencies.redis).toMatchObject({
            status: "up",
            backend: backend.name === "real" ? "redis" : "memory",
            breaker: { name: "redis", state: "closed" }
          })
        }))

      it.effect("ready turns 200 once migrations ran", () =>
        Effect.gen(function* () {
          const answer = yield* eventually(call("/monitoring/ready"), (a) => a.status === 200)
          expect(answer.json).toEqual({ ready: true, checks: { migrations: true, database: true, redis: true } })
        }))

      it.effect("version names the build and the mode", () =>
        Effect.gen(function* () {
          const answer = yield* call("/monitoring/version")
          expect(answer.status).toBe(200)
          expect(answer.json).toMatchObject({
            name: "luna-hub",
            version: expect.stringMatching(/^\d+\.\d+\.\d+/),
            node: process.version,
            mode: backend.name === "real" ? "production" : "embedded"
          })
        }))

      it.effect("Prometheus text has the request histogram and counter by route and status, pool and breaker gauges", () =>
        Effect.gen(function* () {
          yield* call("/monitoring/health")
          for (const path of ["/monitoring/metrics/prometheus/v2", "/metrics"]) {
            const answer = yield* call(path)
            expect(answer.status).toBe(200)
            expect(answer.headers.get("content-type")).toContain("text/plain")
            expect(answer.text).toMatch(/phoenix_http_request_duration_ms_bucket\{[^}]*route="\/monitoring\/health"[^}]*status="200"/)
            expect(answer.text).toMatch(/phoenix_http_requests_total\{[^}]*route="\/monitoring\/health"/)
            expect(answer.text).toMatch(new RegExp(`phoenix_db_pool_connections\\{[^}]*state="max"[^}]*\\} ${poolMax}\\b`))
            expect(answer.text).toMatch(/phoenix_circuit_breaker_state\{[^}]*breaker="database"[^}]*\} 0/)
            expect(answer.text).toMatch(/phoenix_circuit_breaker_state\{[^}]*breaker="redis"/)
          }
        }))

      it.effect("watch streams `limit` health reports as ndjson", () =>
        Effect.gen(function* () {
          const answer = yield* call("/monitoring/health/watch?intervalMs=100&limit=3")
          expect(answer.status).toBe(200)
          expect(answer.headers.get("content-type")).toContain("application/x-ndjson")
          const lines = answer.text.trim().split("\n").map((l) => JSON.parse(l))
          expect(lines).toHaveLength(3)
          for (const line of lines) expect(line.dependencies.database.status).toBe("up")
        }))

      it.effect("bad query parameters answer 400 naming the field", () =>
        Effect.gen(function* () {
          const tooFast = yield* call("/monitoring/health/watch?intervalMs=5&limit=3")
          expect(tooFast.status).toBe(400)
          expect(errorOf(tooFast)).toMatchObject({ tag: "InvalidRequest", field: "intervalMs" })
          expect(String(errorOf(tooFast).message)).toContain("intervalMs")
          const missing = yield* call("/monitoring/health/watch?intervalMs=100")
          expect(missing.status).toBe(400)
          expect(errorOf(missing)).toMatchObject({ tag: "InvalidRequest", field: "limit" })
          const notANumber = yield* call("/monitoring/health/watch?intervalMs=abc&limit=1")
          expect(errorOf(notANumber)).toMatchObject({ tag: "InvalidRequest", field: "intervalMs" })
        }))
    })
  })
}
