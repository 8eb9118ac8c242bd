/**
 * Rate-limit metrics. The seed's `phoenix_rate_limiter_total_requests` and `phoenix_rate_limiter_blocked`
 * are gauges read from these counters (monitoring/metrics.ts): one name cannot be both. Series are per (scope, algorithm[, reason]); the
 * limiter builds each combination's counters once and keeps them.
 */
import { counterFamily } from "../monitoring/metric-family.js"

/** Checks answered; labels: scope, algorithm. */
export const totalRequests = counterFamily("phoenix_rate_limiter_checks", "Rate-limit checks answered, by scope and algorithm")

/** Checks refused; labels: scope, algorithm, reason (`limit`). */
export const blockedRequests = counterFamily("phoenix_rate_limiter_refusals", "Rate-limit checks refused, by scope, algorithm and reason")

/** Checks let through because the store could not answer (`RATE_LIMIT_FAIL_OPEN`); labels: scope, reason. */
export const failedOpen = counterFamily("phoenix_rate_limiter_failed_open", "Rate-limit checks let through because the store could not answer, by scope and reason")
