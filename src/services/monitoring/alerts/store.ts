/**
 * Alerts and the instances' request figures in Postgres (PGlite when embedded): what the one
 * evaluator writes and every instance reads. See migrations/0010_monitoring.sql.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import { Database } from "../../database/Database.js"
import type { OpenAlert, Transition } from "./machine.js"
import type { InstanceSignals } from "./signals.js"
import type { AlertRule } from "./rules.js"
import type { Alert, AlertSeverity, AlertState } from "./schema.js"

interface AlertRow {
  readonly alert_id: string
  readonly rule: string
  readonly severity: AlertSeverity
  readonly state: AlertState
  readonly summary: string
  readonly description: string
  readonly value: number | null
  readonly threshold: number
  readonly labels: Record<string, string> | string
  readonly starts_at: Date
  readonly fired_at: Date | null
  readonly clear_since: Date | null
  readonly resolved_at: Date | null
}

const COLUMNS = "alert_id, rule, severity, state, summary, description, value, threshold, labels, starts_at, fired_at, clear_since, resolved_at"

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString())
const dateOf = (ms: number | null): Date | null => (ms === null ? null : new Date(ms))

export const toAlert = (row: AlertRow): Alert => ({
  id: row.alert_id,
  rule: row.rule,
  severity: row.severity,
  state: row.state,
  summary: row.summary,
  description: row.description,
  value: row.value,
  threshold: row.threshold,
  labels: typeof row.labels === "string" ? JSON.parse(row.labels) : row.labels,
  startsAt: row.starts_at.toISOString(),
  firedAt: iso(row.fired_at),
  resolvedAt: iso(row.resolved_at)
})

const toOpen = (row: AlertRow): OpenAlert => ({
  id: row.alert_id,
  rule: row.rule,
  severity: row.severity,
  state: row.state === "firing" ? "firing" : "pending",
  value: row.value,
  threshold: row.threshold,
  startsAtMs: row.starts_at.getTime(),
  firedAtMs: row.fired_at?.getTime() ?? null,
  clearSinceMs: row.clear_since?.getTime() ?? null
})

/** The labels every notification and the API show (Alertmanager's `alertname` included). */
export const alertLabels = (rule: string, severity: AlertSeverity, service: string): Record<string, string> => ({
  alertname: rule,
  rule,
  severity,
  service
})

export const makeAlertStore = Effect.gen(function* () {
  const db = yield* Database
  const sql = yield* PgClient.PgClient
  const guard = db.guard

  const openAlerts: Effect.Effect<Map<string, OpenAlert>, ServiceUnavailable> = guard(
    sql<AlertRow>`SELECT ${sql.literal(COLUMNS)} FROM monitoring_alerts WHERE state <> 'resolved'`
  ).pipe(Effect.map((rows) => new Map(rows.map((row) => [row.rule, toOpen(row)]))))

  /** Writes what an evaluation decided for one rule. */
  const apply = (transition: Transition, rule: AlertRule, service: string): Effect.Effect<void, ServiceUnavailable> => {
    const a = transition.alert
    const labels = JSON.stringify(alertLabels(a.rule, a.severity, service))
    switch (transition.kind) {
      case "dropped":
        return guard(sql`DELETE FROM monitoring_alerts WHERE alert_id = ${a.id} AND state = 'pending'`).pipe(Effect.asVoid)
      case "resolved":
        return guard(sql`
          UPDATE monitoring_alerts SET state = 'resolved', value = ${a.value}, clear_since = ${dateOf(a.clearSinceMs)},
            resolved_at = ${new Date(transition.resolvedAtMs)}
          WHERE alert_id = ${a.id}`).pipe(Effect.asVoid)
      default:
        // New (pending or firing at once) or changed, in one statement. An open alert of the same
        // rule under another id (a second evaluator, briefly, after a runner moved) wins: nothing is written.
        return guard(sql`
          INSERT INTO monitoring_alerts (${sql.literal(COLUMNS)})
          SELECT ${a.id}, ${a.rule}, ${a.severity}, ${a.state}, ${rule.summary}, ${rule.description}, ${a.value},
            ${a.threshold}, ${labels}::jsonb, ${new Date(a.startsAtMs)}, ${dateOf(a.firedAtMs)}, ${dateOf(a.clearSinceMs)}, NULL
          WHERE NOT EXISTS (SELECT 1 FROM monitoring_alerts WHERE rule = ${a.rule} AND state <> 'resolved' AND alert_id <> ${a.id})
          ON CONFLICT (alert_id) DO UPDATE SET severity = EXCLUDED.severity, state = EXCLUDED.state, value = EXCLUDED.value,
            threshold = EXCLUDED.threshold, labels = EXCLUDED.labels, fired_at = EXCLUDED.fired_at, clear_since = EXCLUDED.clear_since
          WHERE monitoring_alerts.state <> 'resolved'`).pipe(Effect.asVoid)
    }
  }

  /** A resolved alert recorded as it is (the test alert): history only, so it meets no open alert. */
  const insertResolved = (alert: Alert): Effect.Effect<void, ServiceUnavailable> =>
    guard(sql`
      INSERT INTO monitoring_alerts (${sql.literal(COLUMNS)})
      VALUES (${alert.id}, ${alert.rule}, ${alert.severity}, 'resolved', ${alert.summary}, ${alert.description}, ${alert.value},
        ${alert.threshold}, ${JSON.stringify(alert.labels)}::jsonb, ${new Date(alert.startsAt)}, ${alert.firedAt === null ? null : new Date(alert.firedAt)},
        NULL, ${new Date(alert.resolvedAt ?? alert.startsAt)})`).pipe(Effect.asVoid)

  const active = guard(sql<AlertRow>`
    SELECT ${sql.literal(COLUMNS)} FROM monitoring_alerts WHERE state <> 'resolved'
    ORDER BY (severity = 'critical') DESC, (state = 'firing') DESC, starts_at`).pipe(Effect.map((rows) => rows.map(toAlert)))

  const recent = (limit: number) =>
    guard(sql<AlertRow>`
      SELECT ${sql.literal(COLUMNS)} FROM monitoring_alerts WHERE state = 'resolved'
      ORDER BY resolved_at DESC, alert_id LIMIT ${limit}`).pipe(Effect.map((rows) => rows.map(toAlert)))

  const evaluatedAt = guard(sql<{ readonly evaluated_at: Date }>`SELECT evaluated_at FROM monitoring_alert_evaluations`).pipe(
    Effect.map((rows) => iso(rows[0]?.evaluated_at ?? null))
  )

  const markEvaluated = (nowMs: number) =>
    guard(sql`
      INSERT INTO monitoring_alert_evaluations (singleton, evaluated_at) VALUES (true, ${new Date(nowMs)})
      ON CONFLICT (singleton) DO UPDATE SET evaluated_at = EXCLUDED.evaluated_at`).pipe(Effect.asVoid)

  /** Resolved alerts are history: kept `days`, then deleted. */
  const prune = (nowMs: number, days: number) =>
    guard(sql`DELETE FROM monitoring_alerts WHERE state = 'resolved' AND resolved_at < ${new Date(nowMs - days * 86_400_000)}`).pipe(
      Effect.asVoid
    )

  const publishSignals = (instance: string, signals: InstanceSignals, nowMs: number) =>
    guard(sql`
      INSERT INTO monitoring_instance_signals (instance, signals, updated_at)
      VALUES (${instance}, ${JSON.stringify(signals)}::jsonb, ${new Date(nowMs)})
      ON CONFLICT (instance) DO UPDATE SET signals = EXCLUDED.signals, updated_at = EXCLUDED.updated_at`).pipe(Effect.asVoid)

  /** Signals of the other instances that published since `sinceMs` (the rest stopped or lost the database). */
  const otherInstancesSignals = (self: string, sinceMs: number) =>
    guard(sql<{ readonly signals: InstanceSignals | string }>`
      SELECT signals FROM monitoring_instance_signals WHERE updated_at >= ${new Date(sinceMs)} AND instance <> ${self}`).pipe(
      Effect.map((rows) => rows.map((row) => (typeof row.signals === "string" ? JSON.parse(row.signals) as InstanceSignals : row.signals)))
    )

  const pruneInstances = (beforeMs: number) =>
    guard(sql`DELETE FROM monitoring_instance_signals WHERE updated_at < ${new Date(beforeMs)}`).pipe(Effect.asVoid)

  return { openAlerts, apply, insertResolved, active, recent, evaluatedAt, markEvaluated, prune, publishSignals, otherInstancesSignals, pruneInstances }
})

export type AlertStore = Effect.Effect.Success<typeof makeAlertStore>
