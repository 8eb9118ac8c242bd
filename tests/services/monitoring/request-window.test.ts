import { describe, expect, it } from "@effect/vitest"
import { HOUR_STEPS, RequestWindow, STEP_MS } from "../../../src/services/monitoring/request-window.js"

const START = 1_700_000_000_000 - (1_700_000_000_000 % STEP_MS)

/** Within the histogram's resolution (bins 3 % wide, the middle reported). */
const near = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull()
  expect(Math.abs(actual! - expected) / expected).toBeLessThan(0.02)
}

describe("RequestWindow: sliding percentiles", () => {
  it("reads p50/p95/p99 of a known distribution within 2 %, from 0.2 ms to 2 s", () => {
    for (const scale of [0.001, 1, 2]) {
      const window = new RequestWindow(START)
      // 1..10000 × scale ms, shuffled in time within one step.
      const values = Array.from({ length: 10_000 }, (_, i) => (i + 1) * scale / 10)
      for (const [i, v] of values.entries()) window.record("/r", 200, v, START + (i % 9_000))
      const figures = window.window(60, START + 9_999)
      expect(figures.requests).toBe(10_000)
      near(figures.latencyMs.p50, 5_000 * scale / 10)
      near(figures.latencyMs.p95, 9_500 * scale / 10)
      near(figures.latencyMs.p99, 9_900 * scale / 10)
      expect(figures.latencyMs.max).toBe(10_000 * scale / 10)
    }
  })

  it("a window holds only its last steps, and throughput is over the time it covers", () => {
    const window = new RequestWindow(START)
    // 10 requests in each of the first 40 steps (400 s): 1 ms, then 100 ms from step 20 on.
    for (let step = 0; step < 40; step++) {
      for (let i = 0; i < 10; i++) window.record("/r", step === 39 && i === 0 ? 503 : 200, step < 20 ? 1 : 100, START + step * STEP_MS + i)
    }
    const now = START + 39 * STEP_MS + 5_000
    const minute = window.window(60, now)
    expect(minute.requests).toBe(60)
    expect(minute.serverErrors).toBe(1)
    expect(minute.errorRatePct).toBeCloseTo(100 / 60, 2)
    near(minute.latencyMs.p50, 100)
    // 60 requests over the 55 s the window covers (five whole steps and half of the current one).
    expect(minute.throughputPerSecond).toBeCloseTo(60 / 55, 2)
    const five = window.window(300, now)
    expect(five.requests).toBe(300)
    // 100 of the 300 at 1 ms (steps 10..19), 200 at 100 ms: the median is 100 ms, p25 would be 1.
    near(five.latencyMs.p50, 100)
  })

  it("just after start, throughput counts only the time since start", () => {
    const window = new RequestWindow(START + 2_000)
    for (let i = 0; i < 20; i++) window.record("/r", 200, 1, START + 2_000 + i)
    expect(window.window(60, START + 4_000).throughputPerSecond).toBeCloseTo(20 / 4, 1)
  })

  it("an empty window has null percentiles and no errors", () => {
    const window = new RequestWindow(START)
    window.record("/r", 200, 5, START)
    const later = window.window(60, START + 10 * 60_000)
    expect(later).toMatchObject({ requests: 0, serverErrors: 0, errorRatePct: 0, latencyMs: { p50: null, p95: null, p99: null, max: null } })
  })

  it("errors by route count 4xx and 5xx of the window, most frequent first", () => {
    const window = new RequestWindow(START)
    for (let i = 0; i < 3; i++) window.record("/energy/{userId}/consume", 402, 1, START + i)
    window.record("/energy/{userId}/consume", 500, 1, START + 5)
    window.record("/monitoring/health", 200, 1, START + 6)
    window.record("unmatched", 404, 1, START + 7)
    window.record("unmatched", 404, 1, START + 8)
    expect(window.errorsByRoute(300, START + 9, 10)).toEqual([
      { route: "/energy/{userId}/consume", status: 402, count: 3 },
      { route: "unmatched", status: 404, count: 2 },
      { route: "/energy/{userId}/consume", status: 500, count: 1 }
    ])
    expect(window.errorsByRoute(300, START + 9, 1)).toHaveLength(1)
    expect(window.errorsByRoute(60, START + 10 * 60_000, 10)).toEqual([])
  })

  it("the hour keeps 360 steps at most, oldest first, with the idle steps empty", () => {
    const window = new RequestWindow(START)
    for (let step = 0; step < 500; step += 2) window.record("/r", 200, 2, START + step * STEP_MS)
    const steps = window.steps(START + 499 * STEP_MS)
    expect(steps).toHaveLength(HOUR_STEPS)
    expect(steps[0]!.index).toBe(START / STEP_MS + 500 - HOUR_STEPS)
    expect(steps.at(-1)!.index).toBe(START / STEP_MS + 499)
    const busy = steps.filter((s) => s.requests > 0)
    expect(busy.length).toBe(HOUR_STEPS / 2)
    for (const s of busy) near(s.latencyMs.p99, 2)
    expect(steps.every((s) => s.requests > 0 || s.latencyMs.p50 === null)).toBe(true)
  })

  it("a request reported late (after its step closed) lands in the current step", () => {
    const window = new RequestWindow(START)
    window.record("/r", 200, 1, START + 25_000)
    window.record("/r", 200, 1, START + 5_000)
    expect(window.window(10, START + 25_000).requests).toBe(2)
  })
})
