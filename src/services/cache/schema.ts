/**
 * The cache's contract as both doors show it: kinds, the health and stats reports, and the
 * answer to an invalidation.
 */
import { Schema } from "effect"
import { BreakerSnapshot } from "../monitoring/schema.js"

/** What is cached; each kind has its TTL setting (`CACHE_TTL_<KIND>`). */
export const CacheKind = Schema.Literal("user_energy", "transactions", "user_stats", "leaderboard", "narrative")
export type CacheKind = typeof CacheKind.Type
export const CACHE_KINDS: ReadonlyArray<CacheKind> = CacheKind.literals

const Count = Schema.NonNegativeInt

export const CacheHealth = Schema.Struct({
  status: Schema.Literal("healthy", "degraded").annotations({
    description: "`degraded`: Redis is unavailable and the cache serves from memory only (no request fails because of it)."
  }),
  tiers: Schema.Struct({
    l1: Schema.Struct({
      status: Schema.Literal("up"),
      entries: Count,
      bytes: Count,
      maxEntries: Count,
      maxBytes: Count
    }),
    l2: Schema.Struct({
      status: Schema.Literal("up", "down", "disabled").annotations({ description: "`disabled`: no REDIS_URL, memory only." }),
      latencyMs: Schema.NullOr(Schema.Number)
    })
  }),
  breaker: Schema.NullOr(BreakerSnapshot),
  bus: Schema.Struct({
    connected: Schema.Boolean,
    instanceId: Schema.String
  }),
  pendingInvalidations: Count.annotations({
    description: "Invalidations made while Redis was unavailable, replayed when it recovers."
  }),
  staleBoundSeconds: Schema.Number.annotations({
    description: "The longest an instance may serve a value after another instance invalidated it when a bus message is lost."
  })
}).annotations({ identifier: "CacheHealth", description: "Tiers, breaker, bus and sizes of the cache." })
export type CacheHealth = typeof CacheHealth.Type

const Percentiles = Schema.Struct({
  p50: Schema.NullOr(Schema.Number),
  p95: Schema.NullOr(Schema.Number),
  p99: Schema.NullOr(Schema.Number),
  samples: Count
}).annotations({ identifier: "CacheLatencyPercentiles", description: "Milliseconds over the most recent operations." })

const KindCounts = Schema.Struct({
  l1Hits: Count,
  l2Hits: Count,
  misses: Count
})

export const CacheStats = Schema.Struct({
  hits: Schema.Struct({ l1: Count, l2: Count }),
  misses: Count,
  staleServed: Count,
  hitRatePct: Schema.NullOr(Schema.Number).annotations({ description: "Hits over lookups since start, in percent; null before the first lookup." }),
  l2HitRatePct: Schema.NullOr(Schema.Number).annotations({ description: "Redis hits over Redis lookups, in percent." }),
  loaderCalls: Count,
  loaderFailures: Count,
  evictions: Count,
  invalidations: Count,
  l2Errors: Count,
  byKind: Schema.Record({ key: CacheKind, value: KindCounts }),
  latencyMs: Schema.Struct({ l1: Percentiles, l2: Percentiles, loader: Percentiles })
}).annotations({ identifier: "CacheStats", description: "Counters since the process started." })
export type CacheStats = typeof CacheStats.Type

export const CacheInvalidated = Schema.Struct({
  userId: Schema.String,
  tag: Schema.String,
  l1EntriesRemoved: Count,
  propagated: Schema.Boolean.annotations({
    description: "false when Redis is unavailable: the other instances get it when Redis recovers (and their memory tier expires within staleBoundSeconds)."
  })
}).annotations({ identifier: "CacheInvalidated" })
export type CacheInvalidated = typeof CacheInvalidated.Type
