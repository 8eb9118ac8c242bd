/**
 * `Alerts` on the alert store. Every instance publishes its signals every 10 seconds; one of them
 * (a cluster singleton) evaluates the rules every ALERT_EVALUATION_INTERVAL seconds over the whole
 * cluster's signals, keeps the open alerts in memory (loaded from the store when it takes over, so
 * a move neither re-fires nor forgets), tells the channels about each firing and resolution once,
 * and writes what changed. Writes the store refuses wait for the next evaluation, in order, so
 * alerts about the database itself are still told while it is down.
 */
import * as Singleton from "@effect/cluster/Singleton"
import { FetchHttpClient } from "@effect/platform"
import { Clock, ConfigError, Duration, Effect, Layer, Option, Schedule } from "effect"
import { randomUUID } from "node:crypto"
import { hostname } from "node:os"
import { HubConfig } from "../../../config.js"
import { builtOnRealTime } from "../../cluster/real-time.js"
import type { ServiceUnavailable } from "../../common/errors.js"
import { Database } from "../../database/Database.js"
import { awaitMigrated } from "../../database/live.js"
import { RedisStore } from "../../redis/RedisStore.js"
import { Figures } from "../figures.js"
import { Alerts, type AlertCounts } from "./Alerts.js"
import { type AlertChannel, logChannel, makeWebhookChannel, type Notification } from "./channels.js"
import { type OpenAlert, step, type Transition } from "./machine.js"
import { type AlertRule, loadRules, type RuleName, ruleView } from "./rules.js"
import type { Alert, AlertsReport, TestAlertReport } from "./schema.js"
import { localSignals, ruleValues } from "./signals.js"
import { alertLabels, makeAlertStore } from "./store.js"

const withLogger = Effect.annotateLogs({ logger: "alerts" })

/** Published signals older than this are an instance that stopped. */
const SIGNALS_FRESH_MS = 30_000
const PUBLISH_EVERY = Duration.seconds(10)
const RECENT_LIMIT = 50
const RESOLVED_KEPT_DAYS = 30

const NO_ALERTS: AlertCounts = { firing: 0, pending: 0, firingBySeverity: { warning: 0, critical: 0 } }

const countsOf = (alerts: ReadonlyArray<{ readonly state: string; readonly severity: "warning" | "critical" }>): AlertCounts => {
  const firing = alerts.filter((a) => a.state === "firing")
  return {
    firing: firing.length,
    pending: alerts.filter((a) => a.state === "pending").length,
    firingBySeverity: {
      warning: firing.filter((a) => a.severity === "warning").length,
      critical: firing.filter((a) => a.severity === "critical").length
    }
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

export interface AlertsLayerOptions {
  /** Replaces the measured rule values (tests drive them). */
  readonly values?: Effect.Effect<Partial<Record<RuleName, number | null>>>
  /** Replaces the rules (built-in ones with ALERT_RULES_FILE applied otherwise). */
  readonly rules?: ReadonlyArray<AlertRule>
  /** Without the loop publishing this instance's signals (tests call `evaluateOnce` themselves). */
  readonly loops?: boolean
}

const makeAlerts = (options: AlertsLayerOptions) =>
  Effect.gen(function* () {
    const settings = yield* HubConfig
    const store = yield* makeAlertStore
    const rules = options.rules ?? (yield* loadRules(Option.getOrUndefined(settings.alerts.rulesFile)).pipe(
      Effect.mapError((error) => ConfigError.InvalidData([], error.message))
    ))
    const measure = localSignals.pipe(Effect.provide(yield* Effect.context<Figures | Database | RedisStore>()))
    const service = settings.telemetry.serviceName
    const instance = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
    const externalUrl = `http://${hostname()}:${settings.server.port}`
    const webhooks = yield* Effect.forEach(settings.alerts.webhookUrls, (url) =>
      makeWebhookChannel({ url, externalUrl, timeoutMs: settings.alerts.webhookTimeoutMs, retries: settings.alerts.webhookRetries })
    ).pipe(Effect.provide(FetchHttpClient.layer))
    const channels: ReadonlyArray<AlertChannel> = [logChannel, ...webhooks]

    const open = new Map<string, OpenAlert>()
    let loaded = false
    const unsaved: Array<{ readonly transition: Transition; readonly rule: AlertRule }> = []
    let lastCounts = NO_ALERTS

    const notify = (notification: Notification) =>
      Effect.forEach(channels, (channel) => channel.deliver(notification), { concurrency: "unbounded" })

    const toAlert = (alert: OpenAlert, rule: AlertRule, resolvedAtMs: number | null = null): Alert => ({
      id: alert.id,
      rule: alert.rule,
      severity: alert.severity,
      state: resolvedAtMs === null ? alert.state : "resolved",
      summary: rule.summary,
      description: rule.description,
      value: alert.value,
      threshold: alert.threshold,
      labels: alertLabels(alert.rule, alert.severity, service),
      startsAt: new Date(alert.startsAtMs).toISOString(),
      firedAt: iso(alert.firedAtMs),
      resolvedAt: iso(resolvedAtMs)
    })

    const values = options.values ?? Effect.gen(function* () {
      const own = yield* measure
      const now = yield* Clock.currentTimeMillis
      const others = yield* store.otherInstancesSignals(instance, now - SIGNALS_FRESH_MS).pipe(
        Effect.catchAll((error) =>
          Effect.logDebug(`Other instances' signals unavailable (${error.reason}); judging this one alone`).pipe(Effect.as([]))
        )
      )
      return ruleValues([own, ...others])
    })

    /** Writes what evaluations decided, oldest first; stops at the first refusal and keeps the rest. */
    const flush = Effect.gen(function* () {
      while (unsaved.length > 0) {
        const { rule, transition } = unsaved[0]!
        const written = yield* Effect.either(store.apply(transition, rule, service))
        if (written._tag === "Left") {
          yield* Effect.logWarning(`Alert store unavailable (${written.left.reason}); ${unsaved.length} change(s) kept for the next evaluation`)
          return
        }
        unsaved.shift()
      }
    })

    const loadOpen = Effect.gen(function* () {
      if (loaded) return true
      const stored = yield* Effect.either(store.openAlerts)
      if (stored._tag === "Left") {
        yield* Effect.logWarning(`Alert store unavailable (${stored.left.reason}); evaluation skipped`)
        return false
      }
      for (const [rule, alert] of stored.right) open.set(rule, alert)
      loaded = true
      return true
    })

    const evaluateOnce = Effect.gen(function* () {
      if (!(yield* loadOpen)) return
      const now = yield* Clock.currentTimeMillis
      const measured = yield* values
      for (const rule of rules) {
        const transition = step(rule, open.get(rule.name), measured[rule.name as RuleName] ?? null, now, randomUUID)
        if (transition === undefined) continue
        if (transition.kind === "dropped" || transition.kind === "resolved") open.delete(rule.name)
        else open.set(rule.name, transition.alert)
        unsaved.push({ transition, rule })
        if (transition.kind === "fired" || transition.kind === "severity_changed") {
          yield* notify({ state: "firing", alert: toAlert(transition.alert, rule) })
        } else if (transition.kind === "resolved") {
          yield* notify({ state: "resolved", alert: toAlert(transition.alert, rule, transition.resolvedAtMs) })
        }
      }
      lastCounts = countsOf([...open.values()])
      yield* flush
      yield* store.markEvaluated(now).pipe(Effect.zipRight(store.prune(now, RESOLVED_KEPT_DAYS)), Effect.ignore)
    }).pipe(withLogger)

    const report: Effect.Effect<AlertsReport, ServiceUnavailable> = Effect.all(
      [store.active, store.recent(RECENT_LIMIT), store.evaluatedAt],
      { concurrency: "unbounded" }
    ).pipe(
      Effect.map(([active, recent, evaluatedAt]) => {
        lastCounts = countsOf(active)
        return { active, recent, rules: rules.map(ruleView), evaluatedAt }
      })
    )

    const counts = store.active.pipe(
      Effect.map((active) => (lastCounts = countsOf(active))),
      Effect.orElseSucceed(() => lastCounts)
    )

    const fireTest = Effect.gen(function* () {
      const firedAt = yield* Clock.currentTimeMillis
      const firing: Alert = {
        id: randomUUID(),
        rule: "test_alert",
        severity: "warning",
        state: "firing",
        summary: "Test alert",
        description: "Fired by POST /monitoring/alerts/test to check that every notification channel delivers.",
        value: 1,
        threshold: 0,
        labels: { ...alertLabels("test_alert", "warning", service), test: "true" },
        startsAt: new Date(firedAt).toISOString(),
        firedAt: new Date(firedAt).toISOString(),
        resolvedAt: null
      }
      const fired = yield* notify({ state: "firing", alert: firing })
      const resolved: Alert = { ...firing, state: "resolved", resolvedAt: new Date(yield* Clock.currentTimeMillis).toISOString() }
      const cleared = yield* notify({ state: "resolved", alert: resolved })
      yield* store.insertResolved(resolved)
      const report: TestAlertReport = {
        alert: resolved,
        deliveries: [
          ...fired.map((d) => ({ state: "firing" as const, ...d })),
          ...cleared.map((d) => ({ state: "resolved" as const, ...d }))
        ]
      }
      return report
    }).pipe(withLogger)

    if (options.loops !== false) {
      const publish = Effect.gen(function* () {
        const signals = yield* measure
        const now = yield* Clock.currentTimeMillis
        yield* store.publishSignals(instance, signals, now).pipe(
          Effect.zipRight(store.pruneInstances(now - 86_400_000)),
          Effect.catchAll((error) => Effect.logDebug(`Signals not published: ${error.reason}`))
        )
      })
      yield* awaitMigrated.pipe(
        Effect.zipRight(publish.pipe(Effect.repeat(Schedule.spaced(PUBLISH_EVERY)))),
        withLogger,
        Effect.forkScoped
      )
    }

    return Alerts.of({ report, counts, fireTest, evaluateOnce })
  })

/** Evaluates the rules on one runner of the cluster. */
const EvaluationJob = (interval: Duration.Duration) =>
  Singleton.make(
    "monitoring-alerts",
    Effect.gen(function* () {
      const alerts = yield* Alerts
      yield* awaitMigrated
      yield* Effect.logInfo("Alert evaluation running on this runner")
      yield* alerts.evaluateOnce.pipe(
        Effect.catchAllCause((cause) => Effect.logWarning("Alert evaluation failed; next one in the next interval", cause)),
        Effect.repeat(Schedule.spaced(interval))
      )
    }).pipe(withLogger)
  )

/** The service alone (tests drive `evaluateOnce`; with `loops`, it also publishes this instance's signals). */
export const makeAlertsService = (options: AlertsLayerOptions = {}) => Layer.scoped(Alerts, makeAlerts(options))

/** The service, publishing this instance's signals, and the cluster's one evaluation loop. */
export const AlertsLive = Layer.unwrapEffect(
  Effect.map(HubConfig, (settings) =>
    Layer.provideMerge(
      builtOnRealTime(EvaluationJob(Duration.seconds(settings.alerts.evaluationIntervalSeconds))),
      builtOnRealTime(makeAlertsService())
    ))
)
