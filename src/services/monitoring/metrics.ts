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
