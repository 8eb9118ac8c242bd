/**
 * Alerting: the rules evaluated once per cluster, the alerts they raise, and the test alert.
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import type { AlertsReport, TestAlertReport } from "./schema.js"

export interface AlertCounts {
  readonly firing: number
  readonly pending: number
  /** Firing alerts by severity (the `phoenix_active_alerts_total` gauge). */
  readonly firingBySeverity: { readonly warning: number; readonly critical: number }
}

export class Alerts extends Context.Tag("luna/Alerts")<Alerts, {
  readonly report: Effect.Effect<AlertsReport, ServiceUnavailable>
  /** From the alert store; the last known counts while it cannot be read. */
  readonly counts: Effect.Effect<AlertCounts>
  /** Fires a test alert through every channel, resolves it, and records it among the recent alerts. */
  readonly fireTest: Effect.Effect<TestAlertReport, ServiceUnavailable>
  /** One evaluation of every rule (the cluster singleton runs it every ALERT_EVALUATION_INTERVAL). */
  readonly evaluateOnce: Effect.Effect<void>
}>() {}
