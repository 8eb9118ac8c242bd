/**
 * The cache's own counters, kept as plain numbers (the stats endpoint reads them) alongside the
 * OpenTelemetry metrics, and the recent latencies behind the percentiles.
 */
import { CACHE_KINDS, type CacheKind, type CacheStats } from "./schema.js"
import * as metrics from "./metrics.js"

/** A ring of the most recent samples. */
class Recent {
  private readonly samples: Float64Array
  private next = 0
  private count = 0

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity)
  }

  add(value: number): void {
    this.samples[this.next] = value
    this.next = (this.next + 1) % this.samples.length
    if (this.count < this.samples.length) this.count++
  }

  percentiles() {
    const sorted = this.samples.slice(0, this.count).sort()
    const at = (q: number) => (this.count === 0 ? null : round(sorted[Math.min(this.count - 1, Math.floor(q * this.count))]!))
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), samples: this.count }
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000

const RECENT = 2048
/** Timing an L1 hit costs about as much as the hit; one in this many is timed. */
export const L1_TIMING_SAMPLE = 16

export class CacheCounters {
  readonly kinds = Object.fromEntries(CACHE_KINDS.map((kind) => [kind, { l1Hits: 0, l2Hits: 0, misses: 0 }])) as Record<
    CacheKind,
    { l1Hits: number; l2Hits: number; misses: number }
  >
  l2Lookups = 0
  staleServed = 0
  loaderCalls = 0
  loaderFailures = 0
  invalidations = 0
  l2Errors = 0
  private evictionsReported = 0
  readonly l1Latency = new Recent(RECENT)
  readonly l2Latency = new Recent(RECENT)
  readonly loaderLatency = new Recent(RECENT)

  l1Hit(kind: CacheKind): void {
    this.kinds[kind].l1Hits++
    metrics.l1Hits[kind].unsafeUpdate(1, [])
  }

  l2Hit(kind: CacheKind): void {
    this.kinds[kind].l2Hits++
    metrics.l2Hits[kind].unsafeUpdate(1, [])
  }

  miss(kind: CacheKind): void {
    this.kinds[kind].misses++
    metrics.missesByKind[kind].unsafeUpdate(1, [])
  }

  stale(): void {
    this.staleServed++
    metrics.staleServed.unsafeUpdate(1, [])
  }

  /** Reports evictions counted by the memory tier since the last call. */
  syncEvictions(total: number): void {
    if (total > this.evictionsReported) metrics.evictions.unsafeUpdate(total - this.evictionsReported, [])
    this.evictionsReported = total
  }

  hitRatePct(): number | null {
    let hits = 0
    let lookups = 0
    for (const kind of CACHE_KINDS) {
      const k = this.kinds[kind]
      hits += k.l1Hits + k.l2Hits
      lookups += k.l1Hits + k.l2Hits + k.misses
    }
    return lookups === 0 ? null : round((100 * hits) / lookups)
  }

  snapshot(evictions: number): CacheStats {
    let l1 = 0
    let l2 = 0
    let misses = 0
    for (const kind of CACHE_KINDS) {
      l1 += this.kinds[kind].l1Hits
      l2 += this.kinds[kind].l2Hits
      misses += this.kinds[kind].misses
    }
    return {
      hits: { l1, l2 },
      misses,
      staleServed: this.staleServed,
      hitRatePct: this.hitRatePct(),
      l2HitRatePct: this.l2Lookups === 0 ? null : round((100 * l2) / this.l2Lookups),
      loaderCalls: this.loaderCalls,
      loaderFailures: this.loaderFailures,
      evictions,
      invalidations: this.invalidations,
      l2Errors: this.l2Errors,
      byKind: Object.fromEntries(CACHE_KINDS.map((kind) => [kind, { ...this.kinds[kind] }])) as CacheStats["byKind"],
      latencyMs: {
        l1: this.l1Latency.percentiles(),
        l2: this.l2Latency.percentiles(),
        loader: this.loaderLatency.percentiles()
      }
    }
  }
}
