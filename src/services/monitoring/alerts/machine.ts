/**
 * One rule's alert from one evaluation to the next: a pure function of the open alert (if any),
 * the signal's value and the time. Breached → pending; breached for the rule's `for` → firing
 * (notified once); clear for `keepFiringFor` → resolved (notified once). A pending alert whose
 * breach ends is dropped without a notification, so a signal hovering at its threshold for less
 * than `for` never pages anyone, and a firing one that dips for a moment does not resolve.
 */
import type { AlertRule } from "./rules.js"
import type { AlertSeverity } from "./schema.js"

export interface OpenAlert {
  readonly id: string
  readonly rule: string
  readonly severity: AlertSeverity
  readonly state: "pending" | "firing"
  readonly value: number | null
  readonly threshold: number
  readonly startsAtMs: number
  readonly firedAtMs: number | null
  /** While firing: since when the signal has been clear (null: breached now). */
  readonly clearSinceMs: number | null
}

export type Transition =
  /** Persist only: a new pending alert, or new figures of an open one. */
  | { readonly kind: "pending" | "updated"; readonly alert: OpenAlert }
  /** Notify: it fires, or fires again at another severity. */
  | { readonly kind: "fired" | "severity_changed"; readonly alert: OpenAlert }
  /** Notify: it resolved at `resolvedAtMs`. */
  | { readonly kind: "resolved"; readonly alert: OpenAlert; readonly resolvedAtMs: number }
  /** Forget: a pending alert whose breach ended before `for`. */
  | { readonly kind: "dropped"; readonly alert: OpenAlert }

export interface Breach {
  readonly severity: AlertSeverity
  readonly threshold: number
}

/** The most severe threshold the value exceeds, if any. */
export const breachOf = (rule: AlertRule, value: number): Breach | null => {
  if (rule.critical !== null && value > rule.critical) return { severity: "critical", threshold: rule.critical }
  if (rule.warning !== null && value > rule.warning) return { severity: "warning", threshold: rule.warning }
  return null
}

/**
 * The next state of `rule`'s alert. A signal that could not be read (null) changes nothing: an
 * alert neither opens nor resolves on missing data.
 */
export const step = (
  rule: AlertRule,
  open: OpenAlert | undefined,
  value: number | null,
  nowMs: number,
  newId: () => string
): Transition | undefined => {
  if (value === null) return undefined
  const breach = rule.enabled ? breachOf(rule, value) : null
  if (open === undefined) {
    if (breach === null) return undefined
    const pending: OpenAlert = {
      id: newId(),
      rule: rule.name,
      severity: breach.severity,
      state: "pending",
      value,
      threshold: breach.threshold,
      startsAtMs: nowMs,
      firedAtMs: null,
      clearSinceMs: null
    }
    return rule.forSeconds === 0
      ? { kind: "fired", alert: { ...pending, state: "firing", firedAtMs: nowMs } }
      : { kind: "pending", alert: pending }
  }
  if (open.state === "pending") {
    if (breach === null) return { kind: "dropped", alert: open }
    const updated: OpenAlert = { ...open, severity: breach.severity, threshold: breach.threshold, value }
    return nowMs - open.startsAtMs >= rule.forSeconds * 1000
      ? { kind: "fired", alert: { ...updated, state: "firing", firedAtMs: nowMs } }
      : { kind: "updated", alert: updated }
  }
  // Firing.
  if (breach === null) {
    const clearSinceMs = open.clearSinceMs ?? nowMs
    const cleared: OpenAlert = { ...open, value, clearSinceMs }
    return nowMs - clearSinceMs >= rule.keepFiringForSeconds * 1000
      ? { kind: "resolved", alert: cleared, resolvedAtMs: nowMs }
      : { kind: "updated", alert: cleared }
  }
  const breached: OpenAlert = { ...open, value, threshold: breach.threshold, severity: breach.severity, clearSinceMs: null }
  return breach.severity !== open.severity
    ? { kind: "severity_changed", alert: breached }
    : { kind: "updated", alert: breached }
}
