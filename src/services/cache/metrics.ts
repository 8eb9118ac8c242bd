/**
 * Cache metrics (exported through OpenTelemetry with the rest). One counter per tier and kind,
 * built at load, so a hit only updates it.
 */
import { Metric } from "effect"
import { counterFamily } from "../monitoring/metric-family.js"
import { CACHE_KINDS, type CacheKind } from "./schema.js"

const hits = counterFamily("phoenix_cache_hits", "Cache hits, by tier (l1, l2) and kind")
const misses = counterFamily("phoenix_cache_misses", "Cache misses (the loader ran), by kind")

const byKind = <A>(make: (kind: CacheKind) => A): Record<CacheKind, A> =>
  Object.fromEntries(CACHE_KINDS.map((kind) => [kind, make(kind)])) as Record<CacheKind, A>

export const l1Hits = byKind((kind) => hits({ tier: "l1", kind }))
export const l2Hits = byKind((kind) => hits({ tier: "l2", kind }))
export const missesByKind = byKind((kind) => misses({ kind }))

export const staleServed = Metric.counter("phoenix_cache_stale_served", {
  description: "Stale values served because the loader failed (within the grace period)",
  incremental: true
})

export const evictions = Metric.counter("phoenix_cache_evictions", {
  description: "Entries evicted from the memory tier by its entry or byte bound",
  incremental: true
})

export const hitRatePct = Metric.gauge("phoenix_redis_hit_rate_pct", {
  description: "Cache hit rate (memory and Redis tiers over all lookups) since start, in percent"
})

export const redisLatencyMs = Metric.gauge("phoenix_redis_latency_ms", {
  description: "95th percentile of the cache's recent Redis calls, in milliseconds"
})

export const l1Entries = Metric.gauge("phoenix_cache_l1_entries", { description: "Entries held in the memory tier" })
export const l1Bytes = Metric.gauge("phoenix_cache_l1_bytes", { description: "Bytes held in the memory tier (encoded values)" })
