/** Time-based sliding window kept as fixed-width buckets, so its size (copied on every call) does not grow with traffic. */

/** Number of buckets a window is split into: a call leaves the window between 90% and 100% of `windowMs` after it happened. */
export const WINDOW_BUCKETS = 10

export interface WindowBucket {
  /** floor(timeMs / bucketMs): which slice of time this bucket covers. */
  readonly index: number
  readonly calls: number
  readonly failures: number
}

export type SlidingWindow = ReadonlyArray<WindowBucket>

export interface WindowTotals {
  readonly calls: number
  readonly failures: number
}

export const emptyWindow: SlidingWindow = []

// A zero or negative window would divide by zero; one millisecond per bucket is the finest meaningful slice.
export const bucketMsFor = (windowMs: number): number => Math.max(1, windowMs / WINDOW_BUCKETS)

const bucketIndexAt = (nowMs: number, bucketMs: number): number => Math.floor(nowMs / bucketMs)

/** Drops buckets that have slid out of the window at `nowMs`. */
export const pruneWindow = (window: SlidingWindow, nowMs: number, bucketMs: number): SlidingWindow => {
  const oldestKept = bucketIndexAt(nowMs, bucketMs) - WINDOW_BUCKETS + 1
  return window.every((bucket) => bucket.index >= oldestKept) ? window : window.filter((bucket) => bucket.index >= oldestKept)
}

/** Adds one call outcome at `nowMs`. */
export const recordCall = (window: SlidingWindow, nowMs: number, bucketMs: number, failed: boolean): SlidingWindow => {
  const index = bucketIndexAt(nowMs, bucketMs)
  const failures = failed ? 1 : 0
  const pruned = pruneWindow(window, nowMs, bucketMs)
  const existing = pruned.find((bucket) => bucket.index === index)
  return existing === undefined
    ? [...pruned, { index, calls: 1, failures }]
    : pruned.map((bucket) => bucket === existing ? { index, calls: bucket.calls + 1, failures: bucket.failures + failures } : bucket)
}

/** Calls and failures still inside the window at `nowMs`. */
export const windowTotals = (window: SlidingWindow, nowMs: number, bucketMs: number): WindowTotals =>
  pruneWindow(window, nowMs, bucketMs).reduce(
    (totals, bucket) => ({ calls: totals.calls + bucket.calls, failures: totals.failures + bucket.failures }),
    { calls: 0, failures: 0 }
  )
