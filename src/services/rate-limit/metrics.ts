/**
 * Rate-limit metrics, with the seed's names. Series are per (scope, algorithm[, reason]); the
 * limiter builds each combination's counters once and keeps them.
 */
import { counterFamily } from "../monitoring/metric-family.js"

/** Checks answered; labels: scope, algorithm. */
export const totalRequests = counterFamily("phoenix_rate_limiter_total_requests", "Rate-limit checks answered, by scope and algorithm")

/** Checks refused; labels: scope, algorithm, reason (`limit`). */
export const blockedRequests = counterFamily("phoenix_rate_limiter_blocked", "Rate-limit checks refused, by scope, algorithm and reason")
