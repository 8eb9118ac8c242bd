export { type RetryPolicy, retrySchedule, retryWhile } from "./retry.js"
export { TimeoutExceeded, withTimeout } from "./timeout.js"
export {
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerState,
  type CircuitBreaker,
  CircuitOpen,
  makeCircuitBreaker,
  type PromiseSettle,
  type PromiseSettlement,
  started
} from "./circuit-breaker.js"
