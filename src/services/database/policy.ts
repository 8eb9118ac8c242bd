/**
 * Every resilience number of the database concern, in one place. The live layer takes these as
 * defaults; tests override them through `DatabaseLayerOptions` (never through HubConfig).
 */
import type { Duration } from "effect"
import type { BreakerOptions, RetryPolicy } from "../../resilience/index.js"

/** Circuit breaker "database": opens on 5 consecutive connection failures, or ≥ 50 % over 10 s with ≥ 10 calls. */
export const DATABASE_BREAKER = {
  name: "database",
  failureThreshold: 5,
  failureRate: { threshold: 0.5, window: "10 seconds", minimumCalls: 10 },
  cooldown: "5 seconds",
  halfOpenSuccesses: 2
} as const satisfies Omit<BreakerOptions, "isFailure">

/** Retries of one guarded call after a connection-class failure; `maxRetries` comes from SUPABASE_RETRY_ATTEMPTS. */
export const GUARD_RETRY = {
  baseDelay: "100 millis",
  factor: 2,
  maxDelay: "2 seconds",
  jitter: true
} as const satisfies Omit<RetryPolicy, "maxRetries">

/** Background migrations retry forever while the database is unreachable, at most this far apart. */
export const MIGRATION_RETRY = {
  baseDelay: "500 millis",
  factor: 2,
  maxDelay: "30 seconds",
  jitter: true
} as const satisfies Omit<RetryPolicy, "maxRetries">

/** `probe` never waits longer than this (nor longer than SUPABASE_TIMEOUT). */
export const PROBE_TIMEOUT_CAP: Duration.DurationInput = "2 seconds"

/** Idle pooled connections are closed after this. */
export const POOL_IDLE_TIMEOUT: Duration.DurationInput = "30 seconds"

/** Bound on each shutdown step (pool end, socket server stop, PGlite close). */
export const SHUTDOWN_STEP_TIMEOUT: Duration.DurationInput = "3 seconds"

/** Reported to Postgres as `application_name`. */
export const APPLICATION_NAME = "luna-hub"

/**
 * Extra connections the embedded socket server accepts beyond the pool size: one for PgClient's
 * LISTEN client, the rest as slack for sockets that are closing while their replacement connects.
 */
export const EMBEDDED_EXTRA_CONNECTIONS = 4

/**
 * The embedded pool has one connection, whatever SUPABASE_POOL_SIZE says. PGlite runs one
 * statement at a time anyway, and pglite-socket keeps a connection to itself only inside a
 * transaction: outside one, the protocol messages of two connections interleave (one's Parse
 * replaces the other's unnamed statement: "26000 unnamed prepared statement does not exist").
 * With one connection, queries wait in the pool instead.
 */
export const EMBEDDED_POOL_SIZE = 1

/** Advisory lock key (bigint) taken by every migration run: "luna" in ASCII. */
export const MIGRATION_LOCK_KEY = 0x6c756e61

/** Table in which applied migrations are recorded (the @effect/sql Migrator layout). */
export const MIGRATIONS_TABLE = "luna_migrations"
