import { afterAll, describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either, Layer, TestClock } from "effect"
import { onRealTime } from "../../../src/services/cluster/real-time.js"
import { awaitMigrated } from "../../../src/services/database/live.js"
import { Alerts } from "../../../src/services/monitoring/alerts/Alerts.js"
import { makeAlertsService } from "../../../src/services/monitoring/alerts/live.js"
import { step } from "../../../src/services/monitoring/alerts/machine.js"
import { type AlertRule, applyOverrides, DEFAULT_RULES, loadRules } from "../../../src/services/monitoring/alerts/rules.js"
import { FiguresLive } from "../../../src/services/monitoring/figures.js"
import { RedisStoreMemory } from "../../../src/services/redis/memory.js"
import { backendsUnderTest } from "../../support/backends.js"
import { databaseLayer } from "../../support/database.js"
import { startWebhookReceiver } from "../../support/webhook-receiver.js"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const backends = await backendsUnderTest()
const receiver = await startWebhookReceiver()
afterAll(() => receiver.close())

const LATENCY: AlertRule = {
  name: "api_latency_p95",
  summary: "API latency p95 is high",
  description: "test rule",
  signal: "ms",
  warning: 100,
  critical: 1000,
  forSeconds: 60,
  keepFiringForSeconds: 30,
  enabled: true
}

/** What the rules read: set by each test. */
const signal = { value: 0 as number | null }

const alertsOn = (backend: "embedded" | "real", env: Record<string, string>) =>
  makeAlertsService({ values: Effect.sync(() => ({ api_latency_p95: signal.value })), rules: [LATENCY], loops: false }).pipe(
    Layer.provide(Layer.merge(FiguresLive, RedisStoreMemory)),
    Layer.provideMerge(databaseLayer(backend, { env }))
  )

const evaluateWith = (value: number | null) =>
  Effect.flatMap(Alerts, (alerts) => {
    signal.value = value
    return alerts.evaluateOnce
  })

const report = Effect.flatMap(Alerts, (alerts) => alerts.report)

describe("alert state machine (pure)", () => {
  const ids = () => "a-1"
  it("a breach shorter than `for` is dropped without firing; a rule with `for` 0 fires at once", () => {
    const pending = step(LATENCY, undefined, 150, 0, ids)
    expect(pending?.kind).toBe("pending")
    expect(step(LATENCY, pending!.alert, 50, 10_000, ids)?.kind).toBe("dropped")
    const instant = step({ ...LATENCY, forSeconds: 0 }, undefined, 150, 0, ids)
    expect(instant).toMatchObject({ kind: "fired", alert: { state: "firing", severity: "warning", firedAtMs: 0 } })
  })

  it("an unreadable signal changes nothing; a disabled rule resolves what it had", () => {
    expect(step(LATENCY, undefined, null, 0, ids)).toBeUndefined()
    const firing = step({ ...LATENCY, forSeconds: 0 }, undefined, 150, 0, ids)!.alert
    expect(step(LATENCY, firing, null, 1_000, ids)).toBeUndefined()
    const disabled = { ...LATENCY, enabled: false, keepFiringForSeconds: 0 }
    expect(step(disabled, firing, 150, 1_000, ids)?.kind).toBe("resolved")
  })
})

describe("ALERT_RULES_FILE", () => {
  it("overrides thresholds by rule name and refuses unknown names", () => {
    const applied = applyOverrides(DEFAULT_RULES, { rules: { api_latency_p95: { warning: 250, forSeconds: 30 } } }, "rules.json")
    expect(Either.isRight(applied)).toBe(true)
    const latency = Either.getOrThrow(applied).find((r) => r.name === "api_latency_p95")!
    expect(latency).toMatchObject({ warning: 250, critical: 2000, forSeconds: 30 })
    const wrong = applyOverrides(DEFAULT_RULES, { rules: { api_latncy: { warning: 1 } } }, "rules.json")
    expect(Either.isLeft(wrong) && wrong.left.message).toMatch(/unknown rule\(s\) api_latncy/)
  })

  it.effect("reads the file, and names the file and the problem when it is not a rules file", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "luna-rules-"))
      const good = path.join(dir, "good.json")
      fs.writeFileSync(good, JSON.stringify({ rules: { keys_expiring: { enabled: false } } }))
      const rules = yield* loadRules(good)
      expect(rules.find((r) => r.name === "keys_expiring")!.enabled).toBe(false)
      const bad = path.join(dir, "bad.json")
      fs.writeFileSync(bad, JSON.stringify({ rules: { api_error_rate: { forSeconds: -1 } } }))
      const error = yield* Effect.flip(loadRules(bad))
      expect(error.message).toContain(`ALERT_RULES_FILE=${bad}: is not a valid rules file`)
      const missing = yield* Effect.flip(loadRules(path.join(dir, "absent.json")))
      expect(missing.message).toMatch(/cannot be read/)
      fs.rmSync(dir, { recursive: true, force: true })
    }))
})

for (const backend of backends) {
  describe.skipIf(backend.skip)(`alerts over time, notified once (${backend.name})`, () => {
    layer(alertsOn(backend.name, { ALERT_WEBHOOK_URLS: receiver.url }), { timeout: 60_000 })((it) => {
      it.effect("pending, no flapping, firing once, severity change, kept firing through a dip, resolved", () =>
        Effect.gen(function* () {
          // Migrations poll on real time (this test's clock is simulated).
          yield* onRealTime(awaitMigrated)
          receiver.clear()
          yield* evaluateWith(50)
          expect((yield* report).active).toEqual([])

          // Breached, but for less than `for`, twice: never fires, never notifies.
          yield* evaluateWith(200)
          expect((yield* report).active).toMatchObject([{ rule: "api_latency_p95", state: "pending", severity: "warning", threshold: 100 }])
          yield* TestClock.adjust("30 seconds")
          yield* evaluateWith(50)
          expect((yield* report).active).toEqual([])
          yield* evaluateWith(200)
          yield* TestClock.adjust("59 seconds")
          yield* evaluateWith(200)
          expect((yield* report).active[0]!.state).toBe("pending")
          expect(receiver.received).toEqual([])

          // Breached for `for`: fires, told once however many evaluations follow.
          yield* TestClock.adjust("1 second")
          yield* evaluateWith(250)
          yield* evaluateWith(260)
          const firing = (yield* report).active
          expect(firing).toMatchObject([{ state: "firing", severity: "warning", value: 260 }])
          expect(receiver.received).toHaveLength(1)
          const [payload] = receiver.received
          expect(payload).toMatchObject({
            version: "4",
            status: "firing",
            receiver: "luna-hub",
            groupLabels: { alertname: "api_latency_p95" },
            alerts: [{
              status: "firing",
              labels: { alertname: "api_latency_p95", severity: "warning" },
              annotations: { summary: "API latency p95 is high", value: "250", threshold: "100" },
              endsAt: "0001-01-01T00:00:00Z",
              fingerprint: firing[0]!.id
            }]
          })

          // Worse: told again at the new severity, same alert.
          yield* evaluateWith(5000)
          expect(receiver.received).toHaveLength(2)
          expect(receiver.received[1]).toMatchObject({ status: "firing", alerts: [{ labels: { severity: "critical" }, fingerprint: firing[0]!.id }] })

          // A dip shorter than keepFiringFor does not resolve it.
          yield* evaluateWith(50)
          yield* TestClock.adjust("20 seconds")
          yield* evaluateWith(3000)
          yield* evaluateWith(50)
          yield* TestClock.adjust("29 seconds")
          yield* evaluateWith(50)
          expect((yield* report).active).toHaveLength(1)
          expect(receiver.received).toHaveLength(2)

          // Clear for keepFiringFor: resolved, told once, kept among the recent alerts.
          yield* TestClock.adjust("1 second")
          yield* evaluateWith(50)
          yield* evaluateWith(40)
          const after = yield* report
          expect(after.active).toEqual([])
          expect(after.recent[0]).toMatchObject({ id: firing[0]!.id, state: "resolved", severity: "critical" })
          expect(after.recent[0]!.resolvedAt).not.toBeNull()
          expect(receiver.received).toHaveLength(3)
          expect(receiver.received[2]).toMatchObject({ status: "resolved", alerts: [{ status: "resolved", endsAt: after.recent[0]!.resolvedAt }] })
          expect(after.evaluatedAt).not.toBeNull()
        }))

      it.effect("an evaluator taking over (after its runner moved) neither re-fires nor forgets", () =>
        Effect.gen(function* () {
          receiver.clear()
          yield* evaluateWith(5000)
          yield* TestClock.adjust("61 seconds")
          yield* evaluateWith(5000)
          expect(receiver.received).toHaveLength(1)
          const firing = (yield* report).active[0]!
          // A second service on the same store, as the singleton builds on the next runner.
          const successor = yield* Layer.build(
            makeAlertsService({ values: Effect.sync(() => ({ api_latency_p95: signal.value })), rules: [LATENCY], loops: false }).pipe(
              Layer.provide(Layer.merge(FiguresLive, RedisStoreMemory))
            )
          ).pipe(Effect.map((context) => context.unsafeMap.get(Alerts.key) as Alerts["Type"]))
          yield* successor.evaluateOnce
          expect(receiver.received).toHaveLength(1)
          expect((yield* successor.report).active).toMatchObject([{ id: firing.id, state: "firing" }])
          signal.value = 10
          yield* successor.evaluateOnce
          yield* TestClock.adjust("31 seconds")
          yield* successor.evaluateOnce
          expect(receiver.received).toHaveLength(2)
          expect(receiver.received[1]).toMatchObject({ status: "resolved", alerts: [{ fingerprint: firing.id }] })
        }).pipe(Effect.scoped))
    })
  })

  describe.skipIf(backend.skip)(`alert webhooks: retries and the test alert (${backend.name})`, () => {
    layer(alertsOn(backend.name, { ALERT_WEBHOOK_URLS: receiver.url, ALERT_WEBHOOK_RETRIES: "2" }), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("the test alert goes through every channel, firing then resolved, and is kept as recent", () =>
        Effect.gen(function* () {
          yield* awaitMigrated
          receiver.clear()
          const alerts = yield* Alerts
          const answer = yield* alerts.fireTest
          expect(answer.alert).toMatchObject({ rule: "test_alert", state: "resolved", labels: { test: "true" } })
          expect(answer.deliveries.map((d) => [d.state, d.channel.split(" ")[0], d.outcome, d.attempts])).toEqual([
            ["firing", "log", "delivered", 1],
            ["firing", "webhook", "delivered", 1],
            ["resolved", "log", "delivered", 1],
            ["resolved", "webhook", "delivered", 1]
          ])
          // The receiver's path (it may hold a token) is not shown.
          expect(answer.deliveries[1]!.channel).toBe(`webhook ${new URL(receiver.url).origin}`)
          expect(receiver.received.map((p) => p.status)).toEqual(["firing", "resolved"])
          expect((yield* alerts.report).recent[0]).toMatchObject({ id: answer.alert.id, rule: "test_alert" })
        }))

      it.effect("a receiver failing with 5xx is retried until it accepts; a 4xx is not retried", () =>
        Effect.gen(function* () {
          receiver.clear()
          receiver.answerNext(503, 500)
          const alerts = yield* Alerts
          const retried = yield* alerts.fireTest
          expect(retried.deliveries.find((d) => d.state === "firing" && d.channel.startsWith("webhook"))).toMatchObject({ outcome: "delivered", attempts: 3 })
          receiver.clear()
          receiver.answerNext(400, 400)
          const refused = yield* alerts.fireTest
          expect(refused.deliveries.filter((d) => d.channel.startsWith("webhook"))).toMatchObject([
            { outcome: "failed", attempts: 1, error: "answered 400" },
            { outcome: "failed", attempts: 1, error: "answered 400" }
          ])
        }))

      it.effect("after its retries, a failing receiver is reported failed and its breaker spares the next calls", () =>
        Effect.gen(function* () {
          receiver.clear()
          receiver.answerNext(500, 500, 500, 500, 500, 500, 500, 500, 500)
          const alerts = yield* Alerts
          const first = yield* alerts.fireTest
          const webhook = first.deliveries.filter((d) => d.channel.startsWith("webhook"))
          expect(webhook[0]).toMatchObject({ outcome: "failed", attempts: 3, error: "answered 500" })
          // Three failed calls open the breaker: the next call is refused without reaching the receiver.
          yield* alerts.fireTest
          const seen = receiver.received.length
          const spared = yield* alerts.fireTest
          expect(spared.deliveries.filter((d) => d.channel.startsWith("webhook"))[0]).toMatchObject({ outcome: "failed", error: "breaker open after repeated failures" })
          expect(receiver.received.length).toBe(seen)
        }))
    })
  })
}
