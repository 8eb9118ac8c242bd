/**
 * The last hour of requests in 10-second steps, kept in memory and bounded: each step's counts
 * and percentiles for the whole hour (360 steps), and each step's full latency histogram and
 * errors by route for the last five minutes (30 steps), from which the sliding 1-minute and
 * 5-minute windows are merged. Recording is synchronous and allocation-free on the hot path.
 * Time is passed in, so tests drive it.
 */
import { addInto, binOf, emptyBins, quantiles } from "./latency-histogram.js"
import type { LatencyPercentiles, RouteErrors, WindowFigures } from "./figures-schema.js"

export const STEP_MS = 10_000
export const HOUR_STEPS = 360
/** Steps whose histograms are kept: the longest window is five minutes. */
const DETAILED_STEPS = 30

interface Step {
  index: number
  requests: number
  serverErrors: number
  clientErrors: number
  maxMs: number
  bins: Uint32Array
  /** `route status` → count, for answers ≥ 400. */
  errors: Map<string, number>
}

/** What the hour keeps of a step once its details are dropped. */
export interface StepSummary {
  readonly index: number
  readonly requests: number
  readonly serverErrors: number
  readonly clientErrors: number
  readonly latencyMs: LatencyPercentiles
}

const PERCENTILES = [0.5, 0.95, 0.99] as const

const summarise = (step: Step): StepSummary => {
  const [p50, p95, p99] = quantiles(step.bins, step.requests, PERCENTILES, step.maxMs)
  return {
    index: step.index,
    requests: step.requests,
    serverErrors: step.serverErrors,
    clientErrors: step.clientErrors,
    latencyMs: { p50: p50!, p95: p95!, p99: p99!, max: step.requests === 0 ? null : step.maxMs }
  }
}

export class RequestWindow {
  /** Ring of detailed steps; `index` says which step a slot holds (-1: none yet). */
  private readonly detailed: Array<Step> = Array.from({ length: DETAILED_STEPS }, () => ({
    index: -1, requests: 0, serverErrors: 0, clientErrors: 0, maxMs: 0, bins: emptyBins(), errors: new Map()
  }))
  /** Ring of summaries of closed steps. */
  private readonly hour: Array<StepSummary | undefined> = new Array(HOUR_STEPS)
  private current: Step
  /** The first step of this window's life: windows never reach before it. */
  private readonly firstIndex: number

  constructor(startMs: number) {
    this.firstIndex = Math.floor(startMs / STEP_MS)
    this.current = this.open(this.firstIndex)
  }

  record(route: string, status: number, durationMs: number, nowMs: number): void {
    const step = this.stepAt(Math.floor(nowMs / STEP_MS))
    step.requests++
    step.bins[binOf(durationMs)]!++
    if (durationMs > step.maxMs) step.maxMs = durationMs
    if (status >= 400) {
      if (status >= 500) step.serverErrors++
      else step.clientErrors++
      const key = `${route} ${status}`
      step.errors.set(key, (step.errors.get(key) ?? 0) + 1)
    }
  }

  /** Requests of the last `seconds` (a multiple of 10, at most 300), the current step included. */
  window(seconds: number, nowMs: number): WindowFigures {
    const nowIndex = Math.floor(nowMs / STEP_MS)
    this.stepAt(nowIndex)
    const steps = this.stepsSince(nowIndex - Math.ceil(seconds * 1000 / STEP_MS) + 1)
    const bins = emptyBins()
    let requests = 0, serverErrors = 0, clientErrors = 0, maxMs = 0
    for (const step of steps) {
      addInto(bins, step.bins)
      requests += step.requests
      serverErrors += step.serverErrors
      clientErrors += step.clientErrors
      if (step.maxMs > maxMs) maxMs = step.maxMs
    }
    const [p50, p95, p99] = quantiles(bins, requests, PERCENTILES, maxMs)
    // Throughput over the time the window really covers (less than `seconds` just after start).
    const coveredMs = Math.max(1, nowMs - Math.max(this.firstIndex * STEP_MS, (nowIndex + 1) * STEP_MS - seconds * 1000))
    return {
      windowSeconds: seconds,
      requests,
      serverErrors,
      clientErrors,
      throughputPerSecond: round(requests / (coveredMs / 1000), 3),
      errorRatePct: requests === 0 ? 0 : round((serverErrors / requests) * 100, 3),
      latencyMs: { p50: p50!, p95: p95!, p99: p99!, max: requests === 0 ? null : maxMs }
    }
  }

  /** 4xx and 5xx answers of the last `seconds` by route and status, most frequent first. */
  errorsByRoute(seconds: number, nowMs: number, limit: number): Array<RouteErrors> {
    const nowIndex = Math.floor(nowMs / STEP_MS)
    this.stepAt(nowIndex)
    const counts = new Map<string, number>()
    for (const step of this.stepsSince(nowIndex - Math.ceil(seconds * 1000 / STEP_MS) + 1)) {
      for (const [key, n] of step.errors) counts.set(key, (counts.get(key) ?? 0) + n)
    }
    return [...counts]
      .map(([key, count]) => {
        const space = key.lastIndexOf(" ")
        return { route: key.slice(0, space), status: Number(key.slice(space + 1)), count }
      })
      .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route))
      .slice(0, limit)
  }

  /** Every step of the last hour since this window began, oldest first, the current one included. */
  steps(nowMs: number): Array<StepSummary> {
    const nowIndex = Math.floor(nowMs / STEP_MS)
    this.stepAt(nowIndex)
    const out: Array<StepSummary> = []
    for (let index = Math.max(this.firstIndex, nowIndex - HOUR_STEPS + 1); index < nowIndex; index++) {
      out.push(this.hour[index % HOUR_STEPS]?.index === index ? this.hour[index % HOUR_STEPS]! : emptySummary(index))
    }
    out.push(summarise(this.current))
    return out
  }

  /** The step of `index`, closing the steps before it (a request from a late fiber lands in the current one). */
  private stepAt(index: number): Step {
    if (index <= this.current.index) return this.current
    this.hour[this.current.index % HOUR_STEPS] = summarise(this.current)
    this.current = this.open(index)
    return this.current
  }

  private open(index: number): Step {
    const slot = this.detailed[index % DETAILED_STEPS]!
    slot.index = index
    slot.requests = slot.serverErrors = slot.clientErrors = slot.maxMs = 0
    slot.bins.fill(0)
    slot.errors.clear()
    return slot
  }

  private stepsSince(fromIndex: number): Array<Step> {
    return this.detailed.filter((step) => step.index >= fromIndex && step.index <= this.current.index)
  }
}

const emptySummary = (index: number): StepSummary => ({
  index,
  requests: 0,
  serverErrors: 0,
  clientErrors: 0,
  latencyMs: { p50: null, p95: null, p99: null, max: null }
})

const round = (value: number, digits: number): number => {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
