/**
 * The monitoring figures, alerts and system information through both doors: what an operator's
 * dashboard, scraper and tooling read.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { HubClient } from "../../src/rpc/client.js"
import { TEST_ADMIN_KEY, TEST_GDPR_MASTER_KEY, TEST_GDPR_SALT, TEST_JWT_SECRET, userToken } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { ROOT } from "../support/commands.js"
import { call, callAs, errorOf, ok, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const RULES = [
  "api_latency_p95",
  "api_error_rate",
  "redis_unavailable",
  "db_breaker_open",
  "rate_limit_block_surge",
  "keys_expiring",
  "gdpr_job_failed",
  "event_follower_lag"
]

const installed = (name: string): string =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version

const rpcClient = <A, E>(credential: string, use: (hub: HubClient["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(TestHub, (testHub) =>
    Effect.scoped(
      Effect.flatMap(Layer.build(HubClient.layer({ url: testHub.url, credential })), (context) =>
        use(context.unsafeMap.get(HubClient.key) as HubClient["Type"]))
    )
  )

for (const backend of backends) {
  describe.skipIf(backend.skip)(`monitoring figures, alerts and system info (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("current figures count the requests of the last minute, their latency and errors by route", () =>
        Effect.gen(function* () {
          for (let i = 0; i < 5; i++) yield* call("/monitoring/health")
          for (let i = 0; i < 2; i++) expect((yield* call("/no/such/route")).status).toBe(404)
          const current = ok(yield* call("/monitoring/metrics/current"))
          const minute = current.windows.oneMinute
          expect(minute.windowSeconds).toBe(60)
          expect(minute.requests).toBeGreaterThanOrEqual(7)
          expect(minute.clientErrors).toBeGreaterThanOrEqual(2)
          expect(minute.latencyMs.p50).toBeGreaterThan(0)
          expect(minute.latencyMs.p99).toBeGreaterThanOrEqual(minute.latencyMs.p50)
          expect(current.windows.fiveMinutes.requests).toBeGreaterThanOrEqual(minute.requests)
          expect(current.errorsByRoute).toContainEqual({ route: "unmatched", status: 404, count: expect.any(Number) })
          expect(current.dependencies.database).toMatchObject({ status: "up", backend: backend.name === "real" ? "postgres" : "pglite", breaker: "closed" })
          expect(current.dependencies.redis).toMatchObject({ status: "up", backend: backend.name === "real" ? "redis" : "memory" })
          expect(current.runtime.fibers).toBeGreaterThan(0)
          expect(current.runtime.heapUsedBytes).toBeGreaterThan(0)
          expect(current.alerts).toEqual({ firing: 0, pending: 0 })
        }))

      it.effect("performance holds the last hour at 10-second steps, the current step counting this request's forerunners", () =>
        Effect.gen(function* () {
          yield* call("/monitoring/version")
          const report = ok(yield* call("/monitoring/performance"))
          expect(report.resolutionSeconds).toBe(10)
          expect(report.windowSeconds).toBe(3600)
          expect(report.points.length).toBeGreaterThan(0)
          expect(report.points.length).toBeLessThanOrEqual(360)
          const times = report.points.map((p: { at: string }) => Date.parse(p.at))
          for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(10_000)
          expect(report.points.reduce((sum: number, p: { requests: number }) => sum + p.requests, 0)).toBeGreaterThan(0)
          expect(report.current.windows.oneMinute.requests).toBeGreaterThan(0)
        }))

      it.effect("alerts are public and list every built-in rule", () =>
        Effect.gen(function* () {
          const report = ok(yield* callAs(undefined, "/monitoring/alerts"))
          expect(report.rules.map((r: { name: string }) => r.name)).toEqual(RULES)
          expect(report.active).toEqual([])
        }))

      it.effect("the test alert needs an admin key, reports each channel's delivery and is listed afterwards", () =>
        Effect.gen(function* () {
          expect((yield* callAs(undefined, "/monitoring/alerts/test", { method: "POST" })).status).toBe(401)
          const asUser = yield* callAs(yield* Effect.promise(() => userToken("u-monitor")), "/monitoring/alerts/test", { method: "POST" })
          expect(asUser.status).toBe(403)
          expect(errorOf(asUser).tag).toBe("Forbidden")
          const fired = ok(yield* call("/monitoring/alerts/test", { method: "POST" }))
          expect(fired.alert).toMatchObject({ rule: "test_alert", state: "resolved" })
          expect(fired.deliveries).toMatchObject([
            { state: "firing", channel: "log", outcome: "delivered" },
            { state: "resolved", channel: "log", outcome: "delivered" }
          ])
          const hub = yield* TestHub
          expect(hub.logs.some((line) => line.includes("Alert firing: test_alert"))).toBe(true)
          const report = ok(yield* call("/monitoring/alerts"))
          expect(report.recent.map((a: { id: string }) => a.id)).toContain(fired.alert.id)
        }))

      it.effect("system info needs an admin key and shows settings with every secret redacted", () =>
        Effect.gen(function* () {
          expect((yield* callAs(undefined, "/monitoring/system-info")).status).toBe(401)
          expect((yield* callAs(yield* Effect.promise(() => userToken("u-monitor")), "/monitoring/system-info")).status).toBe(403)
          const answer = yield* call("/monitoring/system-info")
          const info = ok(answer)
          for (const secret of [TEST_JWT_SECRET, TEST_GDPR_SALT, TEST_GDPR_MASTER_KEY, TEST_ADMIN_KEY]) {
            expect(answer.text).not.toContain(secret)
          }
          expect(info.config.auth.jwtSecret).toBe("<redacted>")
          expect(info.config.auth.bootstrapAdminKey).toBe("<redacted>")
          expect(info.config.gdpr.masterKey).toBe("<redacted>")
          if (backend.name === "real") {
            expect(info.config.database.url).toBe("<redacted>")
            expect(answer.text).not.toMatch(/postgres(ql)?:\/\//)
          }
          expect(info.config.server.port).toBeTypeOf("number")
          expect(info.dependencies.effect).toBe(installed("effect"))
          expect(info.dependencies["@effect/cluster"]).toBe(installed("@effect/cluster"))
          expect(info.process).toMatchObject({ pid: process.pid, node: process.version })
          expect(info.cluster.mode).toBe(backend.name === "real" ? "runners" : "single-process")
          expect(info.cluster.shards.total).toBe(300)
          expect(info.cluster.shards.ownedHere).toBeGreaterThanOrEqual(0)
          if (backend.name === "real") {
            expect(info.cluster.runners.map((r: { address: string }) => r.address)).toContain(info.cluster.runnerAddress)
          }
        }))

      it.effect("the seed's gauges are in the Prometheus text", () =>
        Effect.gen(function* () {
          yield* call("/monitoring/health")
          const text = (yield* call("/monitoring/metrics/prometheus/v2")).text
          for (const name of [
            "phoenix_api_request_duration_p95",
            "phoenix_api_request_duration_p99",
            "phoenix_rate_limiter_total_requests",
            "phoenix_rate_limiter_blocked",
            "phoenix_active_alerts_total",
            "phoenix_runtime_event_loop_lag_ms",
            "phoenix_runtime_fibers",
            "phoenix_dependency_up"
          ]) {
            expect(text, name).toMatch(new RegExp(`^${name}\\{`, "m"))
          }
          expect(text).toMatch(/^# TYPE phoenix_rate_limiter_total_requests gauge$/m)
          // Errors by route, status and the envelope's tag.
          expect((yield* call("/energy/actions/none")).status).toBe(404)
          const after = (yield* call("/monitoring/metrics/prometheus/v2")).text
          expect(after).toMatch(/^phoenix_http_errors_total\{route="unmatched",status="404",tag="[A-Za-z]+"[^}]*\} [1-9]/m)
          expect(text).toMatch(/^# TYPE phoenix_rate_limiter_checks_total counter$/m)
        }))

      it.effect("the same operations over RPC, with the same access rules", () =>
        Effect.gen(function* () {
          yield* rpcClient(TEST_ADMIN_KEY, (hub) =>
            Effect.gen(function* () {
              const current = yield* hub.Monitoring.MetricsCurrent()
              expect(current.windows.fiveMinutes.requests).toBeGreaterThan(0)
              const performance = yield* hub.Monitoring.Performance()
              expect(performance.resolutionSeconds).toBe(10)
              const alerts = yield* hub.Monitoring.Alerts()
              expect(alerts.rules).toHaveLength(RULES.length)
              const test = yield* hub.Monitoring.TestAlert()
              expect(test.alert.rule).toBe("test_alert")
              const info = yield* hub.Monitoring.SystemInfo()
              expect(info.config["auth"]).toMatchObject({ jwtSecret: "<redacted>" })
            })
          )
          const refused = yield* rpcClient(yield* Effect.promise(() => userToken("u-monitor")), (hub) => Effect.flip(hub.Monitoring.SystemInfo()))
          expect(refused).toMatchObject({ _tag: "Forbidden" })
        }))

      it.effect("the new endpoints are in /openapi.json with their declared errors", () =>
        Effect.gen(function* () {
          const spec = ok(yield* call("/openapi.json"))
          for (const route of ["/monitoring/metrics/current", "/monitoring/performance", "/monitoring/alerts", "/monitoring/dashboard", "/monitoring/system-info"]) {
            expect(spec.paths[route]?.get, route).toBeDefined()
          }
          expect(Object.keys(spec.paths["/monitoring/alerts/test"].post.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "503"]))
          expect(spec.paths["/monitoring/dashboard"].get.responses["200"].content).toHaveProperty(["text/html; charset=utf-8"])
        }))
    })
  })
}
