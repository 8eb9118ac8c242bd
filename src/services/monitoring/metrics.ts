/**
 * The Hub's own metrics (Effect `Metric`, exported through OpenTelemetry). Names keep the seed's
 * `phoenix_` prefix; units are in the names.
 */
import { Metric, MetricBoundaries } from "effect"
import { counterFamily, histogramFamily } from "./metric-family.js"

/** Boundaries fine enough below 1 ms (the Hub's own overhead) and up to 10 s (slow dependencies). */
const LATENCY_BOUNDARIES_MS = MetricBoundaries.fromIterable([
  0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 25, 50, 75, 100, 250, 500, 1000, 2500, 5000, 10000
])

/** By method, route and status. */
export const httpRequestDurationMs = histogramFamily(
  "phoenix_http_request_duration_ms",
  LATENCY_BOUNDARIES_MS,
  "HTTP request duration in milliseconds, by method, route and status"
)

/** By method, route and status. */
export const httpRequests = counterFamily("phoenix_http_requests", "HTTP requests answered, by method, route and status")

/** By route, status and the error envelope's tag (e.g. InsufficientEnergy, RateLimited). */
export const httpErrors = counterFamily("phoenix_http_errors", "HTTP error answers (4xx and 5xx), by route, status and error tag")

export const dbPoolConnections = Metric.gauge("phoenix_db_pool_connections", {
  description: "Database pool connections by state (total, idle, waiting, max)"
})

/** 0 closed, 1 half-open, 2 open. */
export const breakerState = Metric.gauge("phoenix_circuit_breaker_state", {
  description: "Circuit breaker state by breaker: 0 closed, 1 half-open, 2 open"
})

export const breakerTransitions = Metric.gauge("phoenix_circuit_breaker_transitions", {
  description: "State changes of each circuit breaker since start"
})

export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const

// The seed's gauges, computed at scrape time from the figures (figures.ts) and the alert store.

/** Request latency percentiles over the last five minutes, in milliseconds. */
export const apiRequestDurationP50 = Metric.gauge("phoenix_api_request_duration_p50", {
  description: "Request latency p50 over the last five minutes, in milliseconds (this instance)"
})
export const apiRequestDurationP95 = Metric.gauge("phoenix_api_request_duration_p95", {
  description: "Request latency p95 over the last five minutes, in milliseconds (this instance)"
})
export const apiRequestDurationP99 = Metric.gauge("phoenix_api_request_duration_p99", {
  description: "Request latency p99 over the last five minutes, in milliseconds (this instance)"
})
export const apiThroughput = Metric.gauge("phoenix_api_throughput_rps", {
  description: "Requests answered per second over the last minute (this instance)"
})
export const apiErrorRatePct = Metric.gauge("phoenix_api_error_rate_pct", {
  description: "Share of 5xx answers over the last five minutes, in percent (this instance)"
})
/** The seed's totals, as gauges beside the counters (`…_total`) they are read from. */
export const rateLimiterTotalRequests = Metric.gauge("phoenix_rate_limiter_total_requests", {
  description: "Rate-limit checks answered since start (gauge of the seed; the counter is phoenix_rate_limiter_checks_total)"
})
export const rateLimiterBlocked = Metric.gauge("phoenix_rate_limiter_blocked", {
  description: "Rate-limit checks refused since start (gauge of the seed; the counter is phoenix_rate_limiter_refusals_total)"
})
/** By severity. */
export const activeAlerts = Metric.gauge("phoenix_active_alerts_total", {
  description: "Firing alerts of the cluster, by severity"
})
/** By dependency (database, redis): 1 up, 0 down. */
export const dependencyUp = Metric.gauge("phoenix_dependency_up", {
  description: "1 when the dependency answers its probe, else 0"
})
/** By stat (p50, p99, max), over the last 10-second sample. */
export const eventLoopLagMs = Metric.gauge("phoenix_runtime_event_loop_lag_ms", {
  description: "Event-loop delay over the last 10-second sample, in milliseconds, by stat (p50, p99, max)"
})
export const heapUsedBytes = Metric.gauge("phoenix_runtime_heap_used_bytes", { description: "V8 heap in use, in bytes" })
export const heapTotalBytes = Metric.gauge("phoenix_runtime_heap_total_bytes", { description: "V8 heap reserved, in bytes" })
export const rssBytes = Metric.gauge("phoenix_runtime_rss_bytes", { description: "Resident set size of the process, in bytes" })
export const fibersAlive = Metric.gauge("phoenix_runtime_fibers", { description: "Fibers alive in the Effect runtime" })
