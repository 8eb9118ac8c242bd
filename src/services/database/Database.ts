/**
 * The database concern: one Postgres-compatible pool (real Postgres in production, PGlite in
 * embedded mode) reached through `SqlClient`/`PgClient`, plus the resilience around it.
 * Services run their SQL through `guard` so that connection failures retry with jitter, feed the
 * circuit breaker and surface as a typed `ServiceUnavailable` instead of a raw `SqlError`.
 */
import type { SqlError } from "@effect/sql/SqlError"
import { Context, type Effect } from "effect"
import type { BreakerSnapshot } from "../../resilience/index.js"
import type { ServiceUnavailable } from "../common/errors.js"

export interface PoolStats {
  readonly total: number
  readonly idle: number
  readonly waiting: number
  readonly max: number
}

export interface DatabaseProbe {
  readonly latencyMs: number
}

export class Database extends Context.Tag("luna/Database")<Database, {
  readonly backend: "postgres" | "pglite"
  /** Retry connection failures with jittered backoff, behind the breaker; SqlError → ServiceUnavailable. */
  readonly guard: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, Exclude<E, SqlError> | ServiceUnavailable, R>
  /** `SELECT 1` through the breaker, no retries: what health and readiness call. */
  readonly probe: Effect.Effect<DatabaseProbe, ServiceUnavailable>
  readonly poolStats: Effect.Effect<PoolStats>
  readonly breaker: Effect.Effect<BreakerSnapshot>
  /** True once every migration has been applied by this process (or found applied). */
  readonly migrated: Effect.Effect<boolean>
}>() {}
