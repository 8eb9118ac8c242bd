import { describe, expect, it } from "@effect/vitest"
import { bucketMsFor, emptyWindow, recordCall, windowTotals } from "../../src/resilience/breaker-window.js"

const windowMs = 10_000
const bucketMs = bucketMsFor(windowMs)

describe("sliding window", () => {
  it("counts calls and failures inside the window", () => {
    const window = [false, true, true].reduce((w, failed, i) => recordCall(w, i * 1_500, bucketMs, failed), emptyWindow)
    expect(windowTotals(window, 3_000, bucketMs)).toStrictEqual({ calls: 3, failures: 2 })
  })

  it("a call stays counted for at least 90% of the window and never for the full window", () => {
    const window = recordCall(emptyWindow, 500, bucketMs, true)
    expect(windowTotals(window, 500 + 0.9 * windowMs - 1, bucketMs)).toStrictEqual({ calls: 1, failures: 1 })
    expect(windowTotals(window, 500 + windowMs, bucketMs)).toStrictEqual({ calls: 0, failures: 0 })
  })

  it("expires old buckets one by one and keeps its size bounded", () => {
    const window = Array.from({ length: 1_000 }, (_, i) => i * 100).reduce(
      (w, atMs) => recordCall(w, atMs, bucketMs, atMs < 50_000),
      emptyWindow
    )
    expect(window.length).toBeLessThanOrEqual(10)
    expect(windowTotals(window, 99_900, bucketMs)).toStrictEqual({ calls: 100, failures: 0 })
  })
})
