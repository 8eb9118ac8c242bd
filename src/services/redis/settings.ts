/**
 * The tuning constants of the Redis concern, in one place. Values that come from the operator
 * (URL, timeout, retry attempts, key prefix) live in `HubConfig`; these are the engineering choices.
 */
import { Duration } from "effect"
import type { BreakerOptions } from "../../resilience/index.js"

/** The breaker in front of every Redis call (both backends expose one; memory's never opens). */
export const REDIS_BREAKER: BreakerOptions = {
  name: "redis",
  failureThreshold: 5,
  cooldown: Duration.seconds(5),
  halfOpenSuccesses: 2
}

/** ioredis reconnect backoff: base · 2^attempt, capped; it never gives up, so Redis coming back heals by itself. */
export const RECONNECT_BASE_MS = 100
export const RECONNECT_MAX_MS = 2_000

/** A socket silent for this many command timeouts while commands wait is destroyed and reconnected. */
export const SOCKET_TIMEOUT_FACTOR = 2

/** Upper bound on QUIT at scope close before the socket is simply dropped. */
export const QUIT_TIMEOUT = Duration.seconds(1)

/** SCAN COUNT hint per round trip (and the memory store's chunk size). */
export const SCAN_COUNT = 250

/**
 * Messages buffered per local subscriber before the oldest are dropped (sliding). Redis itself
 * disconnects a pub/sub client whose output buffer overflows, so a stalled consumer loses messages
 * in both backends rather than growing memory without bound.
 */
export const SUBSCRIBER_BUFFER = 4_096

/** Memory store: expired keys are removed lazily on access, plus this periodic, bounded sweep. */
export const SWEEP_INTERVAL = Duration.seconds(1)
export const SWEEP_BUDGET = 1_000

/** Dependency name in `ServiceUnavailable` and the `logger` annotation of every log line. */
export const DEPENDENCY = "redis"
