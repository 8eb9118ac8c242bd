/**
 * Journey 5 (JOURNEYS.md): an operator has a bad day. Redis goes down: the Hub keeps answering
 * (cache from memory, limits fail open and say so in logs, metrics and an alert), and comes back by
 * itself when Redis returns. Postgres goes away: writes answer 503 with `Retry-After`, nothing is
 * half-written, health shows the database breaker open, then closed once it is back.
 * On the real services only (the embedded Hub has no Redis to lose), each behind a TCP proxy the
 * journey cuts and restores.
 */
import { afterAll, describe, expect, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { call, errorOf, type Json, ok, TestHub, testHubLayer } from "../support/hub.js"
import { startWebhookReceiver } from "../support/webhook-receiver.js"

const real = (await backendsUnderTest()).filter((backend) => backend.name === "real")
const receiver = await startWebhookReceiver()
const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), "luna-journey-5-"))
afterAll(async () => {
  await receiver.close()
  fs.rmSync(rulesDir, { recursive: true, force: true })
})

// The operator tightened the Redis rule: one second down is worth a page in this journey.
const rulesFile = path.join(rulesDir, "rules.json")
fs.writeFileSync(rulesFile, JSON.stringify({ rules: { redis_unavailable: { forSeconds: 1, keepFiringForSeconds: 1 } } }))

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const told = (rule: string, status: "firing" | "resolved") =>
  receiver.received.some((payload) => payload.status === status && payload.alerts?.[0]?.labels?.alertname === rule)

const env = {
  ALERT_EVALUATION_INTERVAL: "1",
  ALERT_RULES_FILE: rulesFile,
  ALERT_WEBHOOK_URLS: receiver.url,
  // Fail fast while a dependency is away.
  REDIS_TIMEOUT: "0.5",
  SUPABASE_TIMEOUT: "2"
}

for (const backend of real) {
  describe.skipIf(backend.skip)("journey 5: an operator has a bad day (real)", () => {
    layer(testHubLayer("real", { env, databaseProxy: true, redisProxy: true }), { excludeTestServices: true, timeout: "120 seconds" })((it) => {
      it.effect("Redis down: still answering, failing open and saying so, alerted, healed; Postgres away: 503 + Retry-After, breaker open then closed, nothing half-written", () =>
        Effect.gen(function* () {
          const hub = yield* TestHub
          const redis = Option.getOrThrow(hub.redisProxy)
          const database = Option.getOrThrow(hub.databaseProxy)
          const user = `u-bad-day-${runToken()}`
          ok(yield* call(`/energy/${user}/account`, json({ plan: "pack" })))
          ok(yield* call(`/energy/${user}/purchase`, json({ amount: 100, paymentReference: `pay-${runToken()}` })))
          const consume = (key: string) => call(`/energy/${user}/consume`, json({ action: "coach_message", idempotencyKey: key }))
          ok(yield* consume(`c-${runToken()}`))
          ok(yield* call(`/energy/${user}/balance`))

          // --- Redis goes down.
          yield* redis.cut
          receiver.clear()
          const degraded = yield* eventually(call("/monitoring/health/v2"), (a) => (a.json as Json)?.status === "degraded", "20 seconds")
          expect(degraded.status).toBe(200)
          expect((degraded.json as Json).dependencies.redis.status).toBe("down")
          // The Hub keeps answering: reads from memory and the database, writes through, limits let through.
          ok(yield* call(`/energy/${user}/balance`))
          ok(yield* consume(`c-${runToken()}`))
          // ... and says so: a log line, a metric, an alert told to the operator's receiver.
          yield* eventually(Effect.sync(() => hub.logs.some((line) => line.includes("Rate limit store unavailable"))), (seen) => seen, "10 seconds")
          const text = (yield* call("/monitoring/metrics/prometheus/v2")).text
          expect(text).toMatch(/^phoenix_rate_limiter_failed_open_total\{[^}]*\} [1-9]/m)
          expect(text).toMatch(/^phoenix_dependency_up\{dependency="redis"[^}]*\} 0$/m)
          yield* eventually(Effect.sync(() => told("redis_unavailable", "firing")), (yes) => yes, "20 seconds")
          // Written to the alert store just after it is told.
          const firing = (a: { json: unknown }) => ((a.json as Json)?.active ?? []).some((alert: Json) => alert.rule === "redis_unavailable" && alert.state === "firing")
          const alerts = ok(yield* eventually(call("/monitoring/alerts"), firing, "5 seconds"))
          expect(alerts.active).toContainEqual(expect.objectContaining({ rule: "redis_unavailable", state: "firing", severity: "critical" }))

          // --- Redis returns: the Hub heals by itself, and the alert resolves.
          yield* redis.restore
          yield* eventually(call("/monitoring/health/v2"), (a) => (a.json as Json)?.status === "healthy", "30 seconds")
          yield* eventually(Effect.sync(() => told("redis_unavailable", "resolved")), (yes) => yes, "20 seconds")
          const balanceBefore = ok(yield* call(`/energy/${user}/balance`)).balance as number

          // --- Postgres goes away: writes answer 503 with Retry-After; health shows the breaker open.
          yield* database.cut
          const attempted: Array<string> = []
          const refused = yield* eventually(
            Effect.suspend(() => {
              const key = `c-${runToken()}`
              attempted.push(key)
              return consume(key)
            }),
            (a) => a.status === 503,
            "30 seconds"
          )
          expect(refused.headers.get("retry-after")).toMatch(/^[1-9]\d*$/)
          expect(errorOf(refused).tag).toBe("ServiceUnavailable")
          const unhealthy = yield* eventually(call("/monitoring/health/v2"), (a) => (a.json as Json)?.dependencies?.database?.breaker?.state === "open", "30 seconds")
          expect(unhealthy.status).toBe(503)
          // The operator is told, though the alert store (the database) cannot keep it for now.
          yield* eventually(Effect.sync(() => told("db_breaker_open", "firing")), (yes) => yes, "20 seconds")

          // --- Postgres is back: the breaker closes, writes go through again.
          yield* database.restore
          yield* eventually(call("/monitoring/health/v2"), (a) => (a.json as Json)?.dependencies?.database?.breaker?.state === "closed" && a.status === 200, "60 seconds")
          ok(yield* eventually(consume(`c-${runToken()}`), (a) => a.status === 200, "60 seconds"))
          yield* eventually(Effect.sync(() => told("db_breaker_open", "resolved")), (yes) => yes, "60 seconds")

          // Nothing half-written: each consume attempted during the outage either happened whole
          // (its transaction, its balance) or not at all; retrying it now charges it at most once.
          const retried = yield* Effect.forEach(attempted, (key) => consume(key))
          for (const answer of retried) expect(answer.status).toBe(200)
          const transactions = ok(yield* call(`/energy/${user}/transactions?kind=consume&limit=100`))
          const keys = (transactions.transactions as ReadonlyArray<Json>).map((t) => t.idempotencyKey)
          for (const key of attempted) expect(keys.filter((k) => k === key)).toHaveLength(1)
          const balanceAfter = ok(yield* call(`/energy/${user}/balance`)).balance as number
          // Outage attempts (each charged once in the end) and the one consume after the restore: 5 each.
          expect(balanceBefore - balanceAfter).toBe((attempted.length + 1) * 5)
        }), 150_000)
    })
  })
}
