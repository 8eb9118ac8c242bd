/**
 * Latency histograms with log-spaced bins: from 1 µs to 10 min, each bin 3 % wider than the
 * previous, so a percentile read from the bins is within ±1.5 % of the true value at any scale
 * (a fixed-boundary histogram cannot resolve 0.2 ms and 2 s alike). Recording is one logarithm
 * and one increment; merging windows adds arrays.
 */

const MIN_MS = 0.001
const MAX_MS = 600_000
const GROWTH = 1.03
const LOG_GROWTH = Math.log(GROWTH)
export const BIN_COUNT = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 2

/** Bin 0 holds everything under 1 µs, the last bin everything over 10 min. */
export const binOf = (ms: number): number => {
  if (!(ms > MIN_MS)) return 0
  if (ms >= MAX_MS) return BIN_COUNT - 1
  return 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH)
}

/** The value reported for a bin: its geometric middle. */
const valueOf = (bin: number): number => {
  if (bin === 0) return MIN_MS
  if (bin === BIN_COUNT - 1) return MAX_MS
  return MIN_MS * Math.pow(GROWTH, bin - 0.5)
}

export const emptyBins = (): Uint32Array => new Uint32Array(BIN_COUNT)

export const addInto = (target: Uint32Array, source: Uint32Array): void => {
  for (let i = 0; i < BIN_COUNT; i++) target[i]! += source[i]!
}

/**
 * The `q`-quantiles (0 < q ≤ 1, ascending) of `count` recorded values, in milliseconds: the value
 * of the bin holding the ⌈q·count⌉-th smallest (the nearest-rank definition), capped by `max`.
 */
export const quantiles = (bins: Uint32Array, count: number, qs: ReadonlyArray<number>, max: number): Array<number | null> => {
  if (count === 0) return qs.map(() => null)
  const out: Array<number | null> = []
  let seen = 0
  let bin = 0
  for (const q of qs) {
    const rank = Math.max(1, Math.ceil(q * count))
    while (bin < BIN_COUNT && seen + bins[bin]! < rank) seen += bins[bin++]!
    // To the microsecond: finer digits would claim a precision the bins do not have.
    out.push(Math.round(Math.min(valueOf(Math.min(bin, BIN_COUNT - 1)), max) * 1000) / 1000)
  }
  return out
}
