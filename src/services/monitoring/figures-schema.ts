/**
 * The figures the Hub keeps about itself: what `/monitoring/metrics/current` and
 * `/monitoring/performance` answer (and the dashboard draws), shared by both doors.
 * Latencies are in milliseconds; a percentile is null when its window saw no request.
 */
import { Schema } from "effect"

const Milliseconds = Schema.NullOr(Schema.Number)

export const LatencyPercentiles = Schema.Struct({
  p50: Milliseconds,
  p95: Milliseconds,
  p99: Milliseconds,
  max: Milliseconds
}).annotations({ identifier: "LatencyPercentiles", description: "Request latency in milliseconds (null: no request)" })
export type LatencyPercentiles = typeof LatencyPercentiles.Type

export const WindowFigures = Schema.Struct({
  windowSeconds: Schema.Int,
  requests: Schema.Int,
  /** Answers with a 5xx status: the Hub's failures. */
  serverErrors: Schema.Int,
  /** Answers with a 4xx status: the callers' mistakes, refusals and limits. */
  clientErrors: Schema.Int,
  throughputPerSecond: Schema.Number,
  /** Share of 5xx answers, in percent (0 without requests). */
  errorRatePct: Schema.Number,
  latencyMs: LatencyPercentiles
}).annotations({ identifier: "WindowFigures", description: "Requests answered over a sliding window" })
export type WindowFigures = typeof WindowFigures.Type

export const RouteErrors = Schema.Struct({
  route: Schema.String,
  status: Schema.Int,
  count: Schema.Int
}).annotations({ identifier: "RouteErrors" })
export type RouteErrors = typeof RouteErrors.Type

export const DependencyFigures = Schema.Struct({
  status: Schema.Literal("up", "down"),
  backend: Schema.String,
  latencyMs: Schema.NullOr(Schema.Number),
  breaker: Schema.Literal("closed", "open", "half_open")
}).annotations({ identifier: "DependencyFigures" })
export type DependencyFigures = typeof DependencyFigures.Type

export const CacheFigures = Schema.Struct({
  hits: Schema.Int,
  misses: Schema.Int,
  /** Hits over lookups since start, in percent (null before the first lookup). */
  hitRatePct: Schema.NullOr(Schema.Number),
  /** Latest measured Redis round trip (null without Redis or before the first measure). */
  redisLatencyMs: Schema.NullOr(Schema.Number)
}).annotations({ identifier: "CacheFigures" })
export type CacheFigures = typeof CacheFigures.Type

export const RateLimitFigures = Schema.Struct({
  totalRequests: Schema.Int,
  blocked: Schema.Int,
  failedOpen: Schema.Int
}).annotations({ identifier: "RateLimitFigures" })
export type RateLimitFigures = typeof RateLimitFigures.Type

export const RuntimeFigures = Schema.Struct({
  /** Event-loop delay over the last sampling interval (perf_hooks). */
  eventLoopLagMs: Schema.Struct({ p50: Schema.Number, p99: Schema.Number, max: Schema.Number }),
  heapUsedBytes: Schema.Int,
  heapTotalBytes: Schema.Int,
  rssBytes: Schema.Int,
  /** Fibers alive in the runtime. */
  fibers: Schema.Int
}).annotations({ identifier: "RuntimeFigures" })
export type RuntimeFigures = typeof RuntimeFigures.Type

export const CurrentMetrics = Schema.Struct({
  at: Schema.String,
  uptimeSeconds: Schema.Number,
  windows: Schema.Struct({ oneMinute: WindowFigures, fiveMinutes: WindowFigures }),
  /** 4xx and 5xx answers of the last five minutes, by route and status, most frequent first (at most 20). */
  errorsByRoute: Schema.Array(RouteErrors),
  dependencies: Schema.Struct({ database: DependencyFigures, redis: DependencyFigures }),
  cache: CacheFigures,
  rateLimit: RateLimitFigures,
  runtime: RuntimeFigures,
  alerts: Schema.Struct({ firing: Schema.Int, pending: Schema.Int })
}).annotations({ identifier: "CurrentMetrics", description: "This instance's figures now" })
export type CurrentMetrics = typeof CurrentMetrics.Type

/** One 10-second step of the last hour. */
export const PerformancePoint = Schema.Struct({
  /** Start of the step (ISO 8601). */
  at: Schema.String,
  requests: Schema.Int,
  serverErrors: Schema.Int,
  clientErrors: Schema.Int,
  throughputPerSecond: Schema.Number,
  latencyMs: LatencyPercentiles,
  /** Cache hits over lookups during the step (null: no lookup). */
  cacheHitRatePct: Schema.NullOr(Schema.Number),
  /** Rate-limit refusals during the step. */
  rateLimitBlocked: Schema.Int,
  eventLoopLagP99Ms: Schema.NullOr(Schema.Number),
  heapUsedBytes: Schema.NullOr(Schema.Int)
}).annotations({ identifier: "PerformancePoint" })
export type PerformancePoint = typeof PerformancePoint.Type

export const PerformanceReport = Schema.Struct({
  resolutionSeconds: Schema.Int,
  windowSeconds: Schema.Int,
  /** Oldest first; steps before the Hub started are absent. */
  points: Schema.Array(PerformancePoint),
  current: CurrentMetrics
}).annotations({ identifier: "PerformanceReport", description: "The dashboard's data: the last hour at 10-second resolution" })
export type PerformanceReport = typeof PerformanceReport.Type
