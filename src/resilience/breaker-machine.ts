/** The breaker as a pure state machine of (settings, data, now), so the effectful shell can apply each step atomically. */
import type { BreakerSnapshot, BreakerState } from "./circuit-breaker.js"
import type { CallOutcome } from "./breaker-outcome.js"
import { emptyWindow, recordCall, type SlidingWindow, type WindowTotals, windowTotals } from "./breaker-window.js"

/** Options after defaults and clamping, with every duration in milliseconds. */
export interface BreakerSettings {
  readonly name: string
  readonly failureThreshold: number
  readonly failureRate: {
    readonly threshold: number
    readonly windowMs: number
    readonly bucketMs: number
    readonly minimumCalls: number
  } | null
  readonly cooldownMs: number
  readonly halfOpenSuccesses: number
  readonly halfOpenMaxConcurrent: number
}

export interface BreakerData {
  readonly state: BreakerState
  readonly consecutiveFailures: number
  readonly window: SlidingWindow
  readonly openedAtMs: number | null
  /** Half-open probes currently running. */
  readonly probesInFlight: number
  /** Successful probes since entering half_open. */
  readonly probeSuccesses: number
  /** Total state changes; also the epoch that tells a call which state admitted it. */
  readonly transitions: number
}

/** Proof of admission: the epoch lets a call that outlived its state be ignored instead of corrupting the new one. */
export interface Ticket {
  readonly epoch: number
}

export type Admission =
  | { readonly _tag: "Admitted"; readonly ticket: Ticket }
  | { readonly _tag: "Rejected"; readonly retryAfterMs: number }

/** Result of one atomic step: the answer for the caller, the next data, and the transitions to publish, in order. */
export interface Step<B> {
  readonly result: B
  readonly data: BreakerData
  readonly changes: ReadonlyArray<BreakerSnapshot>
}

export const initialData: BreakerData = {
  state: "closed",
  consecutiveFailures: 0,
  window: emptyWindow,
  openedAtMs: null,
  probesInFlight: 0,
  probeSuccesses: 0,
  transitions: 0
}

const cooldownLeftMs = (settings: BreakerSettings, data: BreakerData, nowMs: number): number =>
  data.state === "open" && data.openedAtMs !== null ? Math.max(0, data.openedAtMs + settings.cooldownMs - nowMs) : 0

// Without a failure-rate rule there is no window to report, so its totals read as zero.
const totalsAt = (settings: BreakerSettings, data: BreakerData, nowMs: number): WindowTotals =>
  settings.failureRate === null ? { calls: 0, failures: 0 } : windowTotals(data.window, nowMs, settings.failureRate.bucketMs)

export const snapshotOf = (settings: BreakerSettings, data: BreakerData, nowMs: number): BreakerSnapshot => {
  const totals = totalsAt(settings, data, nowMs)
  return {
    name: settings.name,
    state: data.state,
    consecutiveFailures: data.consecutiveFailures,
    windowCalls: totals.calls,
    windowFailures: totals.failures,
    openedAtMs: data.openedAtMs,
    retryAfterMs: cooldownLeftMs(settings, data, nowMs),
    transitions: data.transitions
  }
}

const NO_CHANGES: ReadonlyArray<BreakerSnapshot> = []

const unchanged = <B>(result: B, data: BreakerData): Step<B> => ({ result, data, changes: NO_CHANGES })

// A closed breaker admits every call with the same ticket until its next transition: made once per epoch.
let lastAdmitted: { readonly _tag: "Admitted"; readonly ticket: Ticket } = { _tag: "Admitted", ticket: { epoch: -1 } }
const admittedAt = (epoch: number) =>
  lastAdmitted.ticket.epoch === epoch ? lastAdmitted : (lastAdmitted = { _tag: "Admitted", ticket: { epoch } })

/** Moves to `to`, resetting what the new state must start fresh with, and reports the change. */
const transition = (settings: BreakerSettings, data: BreakerData, to: BreakerState, nowMs: number): Step<void> => {
  const moved: BreakerData = { ...data, state: to, probesInFlight: 0, probeSuccesses: 0, transitions: data.transitions + 1 }
  const next: BreakerData = to === "open"
    ? { ...moved, openedAtMs: nowMs }
    : to === "closed"
    ? { ...moved, consecutiveFailures: 0, window: emptyWindow }
    : moved
  return { result: undefined, data: next, changes: [snapshotOf(settings, next, nowMs)] }
}

/** Chains a second step after a first one, keeping every published change in order. */
const andThen = <A, B>(first: Step<A>, f: (data: BreakerData) => Step<B>): Step<B> => {
  const second = f(first.data)
  return { result: second.result, data: second.data, changes: [...first.changes, ...second.changes] }
}

/** Applies the only time-driven transition (open → half_open once the cooldown elapsed); used before every read or decision. */
export const advance = (settings: BreakerSettings, data: BreakerData, nowMs: number): Step<void> =>
  data.state === "open" && cooldownLeftMs(settings, data, nowMs) === 0
    ? transition(settings, data, "half_open", nowMs)
    : unchanged(undefined, data)

/** Decides whether a call may run now; in half_open it also takes a probe slot. */
export const admit = (settings: BreakerSettings, data: BreakerData, nowMs: number): Step<Admission> =>
  // Closed (nearly every call): nothing to advance, nothing to allocate.
  data.state === "closed" ? unchanged(admittedAt(data.transitions), data) : andThen(advance(settings, data, nowMs), (current): Step<Admission> => {
    switch (current.state) {
      case "closed":
        return unchanged(admittedAt(current.transitions), current)
      case "open":
        return unchanged({ _tag: "Rejected", retryAfterMs: cooldownLeftMs(settings, current, nowMs) }, current)
      case "half_open":
        // Extra callers are turned away rather than queued so a recovering backend sees only the probes.
        return current.probesInFlight < settings.halfOpenMaxConcurrent
          ? unchanged(
            { _tag: "Admitted", ticket: { epoch: current.transitions } },
            { ...current, probesInFlight: current.probesInFlight + 1 }
          )
          : unchanged({ _tag: "Rejected", retryAfterMs: 0 }, current)
    }
  })

const failureRateTripped = (settings: BreakerSettings, data: BreakerData, nowMs: number): boolean => {
  const rule = settings.failureRate
  const totals = totalsAt(settings, data, nowMs)
  return rule !== null && totals.calls > 0 && totals.calls >= rule.minimumCalls &&
    totals.failures / totals.calls >= rule.threshold
}

const countOutcome = (settings: BreakerSettings, data: BreakerData, outcome: CallOutcome, nowMs: number): BreakerData =>
  outcome === "interrupted" ? data : {
    ...data,
    consecutiveFailures: outcome === "failure" ? data.consecutiveFailures + 1 : 0,
    window: settings.failureRate === null
      ? data.window
      : recordCall(data.window, nowMs, settings.failureRate.bucketMs, outcome === "failure")
  }

/** Accounts for a finished call and applies the transitions it causes. */
export const complete = (
  settings: BreakerSettings,
  data: BreakerData,
  ticket: Ticket,
  outcome: CallOutcome,
  nowMs: number
): Step<void> => {
  // The state that admitted this call is gone (and released its probe slots when it went); the result is stale.
  if (ticket.epoch !== data.transitions) {
    return unchanged(undefined, data)
  }
  // A success on a healthy closed breaker without a rate window changes nothing.
  if (outcome === "success" && data.state === "closed" && data.consecutiveFailures === 0 && settings.failureRate === null) {
    return unchanged(undefined, data)
  }
  const counted = countOutcome(settings, data, outcome, nowMs)
  switch (counted.state) {
    case "closed": {
      const trips = outcome !== "interrupted" &&
        (counted.consecutiveFailures >= settings.failureThreshold || failureRateTripped(settings, counted, nowMs))
      return trips ? transition(settings, counted, "open", nowMs) : unchanged(undefined, counted)
    }
    case "half_open": {
      if (outcome === "failure") {
        return transition(settings, counted, "open", nowMs)
      }
      const released: BreakerData = {
        ...counted,
        probesInFlight: Math.max(0, counted.probesInFlight - 1),
        probeSuccesses: counted.probeSuccesses + (outcome === "success" ? 1 : 0)
      }
      return released.probeSuccesses >= settings.halfOpenSuccesses
        ? transition(settings, released, "closed", nowMs)
        : unchanged(undefined, released)
    }
    case "open":
      return unchanged(undefined, counted)
  }
}
