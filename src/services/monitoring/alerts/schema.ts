/**
 * Alerting contract: rules, alerts and the test alert's report, shared by both doors.
 */
import { Schema } from "effect"

export const AlertSeverity = Schema.Literal("warning", "critical")
export type AlertSeverity = typeof AlertSeverity.Type

/** pending: over its threshold, not yet for the rule's `for`; firing: notified; resolved: back under. */
export const AlertState = Schema.Literal("pending", "firing", "resolved")
export type AlertState = typeof AlertState.Type

export const AlertRuleView = Schema.Struct({
  name: Schema.String,
  summary: Schema.String,
  /** What the rule reads, and its unit. */
  signal: Schema.String,
  warning: Schema.NullOr(Schema.Number),
  critical: Schema.NullOr(Schema.Number),
  forSeconds: Schema.Number,
  enabled: Schema.Boolean
}).annotations({ identifier: "AlertRule" })
export type AlertRuleView = typeof AlertRuleView.Type

export const Alert = Schema.Struct({
  /** Stable per rule and episode: the same alert keeps its id from pending to resolved. */
  id: Schema.String,
  rule: Schema.String,
  severity: AlertSeverity,
  state: AlertState,
  summary: Schema.String,
  description: Schema.String,
  /** The signal when last evaluated (null when it could not be read). */
  value: Schema.NullOr(Schema.Number),
  threshold: Schema.Number,
  labels: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** When the condition began (ISO 8601). */
  startsAt: Schema.String,
  firedAt: Schema.NullOr(Schema.String),
  resolvedAt: Schema.NullOr(Schema.String)
}).annotations({ identifier: "Alert" })
export type Alert = typeof Alert.Type

export const AlertsReport = Schema.Struct({
  /** Pending and firing alerts, critical first. */
  active: Schema.Array(Alert),
  /** The latest resolved alerts, newest first (at most 50). */
  recent: Schema.Array(Alert),
  rules: Schema.Array(AlertRuleView),
  /** When the rules were last evaluated (by whichever instance runs the evaluation). */
  evaluatedAt: Schema.NullOr(Schema.String)
}).annotations({ identifier: "AlertsReport" })
export type AlertsReport = typeof AlertsReport.Type

export const ChannelDelivery = Schema.Struct({
  channel: Schema.String,
  outcome: Schema.Literal("delivered", "failed"),
  attempts: Schema.Int,
  error: Schema.optional(Schema.String)
}).annotations({ identifier: "ChannelDelivery" })
export type ChannelDelivery = typeof ChannelDelivery.Type

export const TestAlertReport = Schema.Struct({
  /** The test alert, as resolved after the deliveries. */
  alert: Alert,
  /** One entry per configured channel and transition (firing, then resolved). */
  deliveries: Schema.Array(Schema.Struct({ state: Schema.Literal("firing", "resolved"), ...ChannelDelivery.fields }))
}).annotations({ identifier: "TestAlertReport" })
export type TestAlertReport = typeof TestAlertReport.Type
