/**
 * The live `Database` layer: one `pg.Pool` (to Postgres in production, to embedded PGlite through
 * its socket otherwise), the `PgClient`/`SqlClient` built on it, the "database" circuit breaker,
 * and migrations applied in the background.
 *
 * The layer builds even when Postgres is down (no connection is made at build): the Hub starts,
 * reports not ready (`probe` fails, `migrated` is false) and recovers by itself: migrations retry
 * with backoff until the database answers, the pool reconnects on demand, the breaker closes again.
 *
 * Callers run their SQL through `guard`:
 * - connection-class failures are retried (SUPABASE_RETRY_ATTEMPTS, jittered exponential backoff),
 *   count against the breaker and end as `ServiceUnavailable`; so do server statement timeouts
 *   (57014: counted, not retried);
 * - any other `SqlError` (unique violation, syntax error, …) that reaches `guard` becomes a defect:
 *   catch the ones you expect *inside* the guarded effect, e.g.
 *   `db.guard(insert.pipe(Effect.catchIf(isUniqueViolation, () => Effect.fail(new AlreadyExists()))))`;
 * - guard the whole unit of work (e.g. the whole `sql.withTransaction(...)`), not statements inside
 *   a transaction, so a retry restarts the transaction on a fresh connection.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Context, Duration, Effect, Layer, Option, Redacted, Ref, Runtime, Schedule, type Scope, Stream } from "effect"
import { hostname } from "node:os"
import { randomUUID } from "node:crypto"
import * as Pg from "pg"
import { HubConfig, type HubSettings } from "../../config.js"
import { PACKAGE } from "../../package-info.js"
import {
  type BreakerOptions,
  type BreakerSnapshot,
  CircuitOpen,
  makeCircuitBreaker,
  retrySchedule,
  type RetryPolicy,
  retryWhile,
  TimeoutExceeded,
  withTimeout
} from "../../resilience/index.js"
import { ServiceUnavailable } from "../common/errors.js"
import { Database, type DatabaseProbe, type PoolStats } from "./Database.js"
import { closeBounded, startEmbedded } from "./embedded.js"
import { classifyFailure, describeFailure, isConnectionFailure, isOutage, isSqlError } from "./failures.js"
import { type MigrationFailed, MIGRATIONS_DIRECTORY, runMigrationsFrom } from "./migrations.js"
import {
  APPLICATION_NAME,
  DATABASE_BREAKER,
  EMBEDDED_EXTRA_CONNECTIONS,
  EMBEDDED_POOL_SIZE,
  GUARD_RETRY,
  MIGRATION_RETRY,
  POOL_IDLE_TIMEOUT,
  PROBE_TIMEOUT_CAP
} from "./policy.js"

export interface Endpoint {
  readonly host: string
  readonly port: number
}

/** Knobs for tests and tools; the Hub itself uses the defaults of `policy.ts`. */
export interface DatabaseLayerOptions {
  /** Folder of `NNNN_name.sql` files (default: the project's `migrations/`). */
  readonly migrationsDirectory?: string
  /** Apply migrations in the background at start (default true); when false, `migrated` reports true at once. */
  readonly migrate?: boolean
  /** Insert this process into `hub_instances` once migrated (default true). */
  readonly registerInstance?: boolean
  readonly breaker?: Partial<Omit<BreakerOptions, "name" | "isFailure">>
  readonly guardRetry?: Partial<Omit<RetryPolicy, "maxRetries">>
  readonly migrationRetry?: Partial<Omit<RetryPolicy, "maxRetries">>
  readonly probeTimeout?: Duration.DurationInput
  readonly idleTimeout?: Duration.DurationInput
  /** Embedded only: connections the PGlite socket accepts (default pool size + EMBEDDED_EXTRA_CONNECTIONS). */
  readonly embeddedMaxConnections?: number
  /**
   * Test hook: receives the server's address and returns the one the pool should dial instead
   * (e.g. a fault-injecting TCP proxy started in the same scope).
   */
  readonly route?: (upstream: Endpoint) => Effect.Effect<Endpoint, never, Scope.Scope>
  /** Reported in `hub_instances.version` (default: package.json's version). */
  readonly version?: string
}

export type DatabaseServices = Database | PgClient.PgClient | SqlClient

const PROBE_OPERATION = "database probe"

const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000))


/** Where the pool connects: the production URL (possibly re-routed) or the embedded socket. */
const poolTarget = (
  settings: HubSettings,
  options: DatabaseLayerOptions
): Effect.Effect<{ readonly backend: "postgres" | "pglite"; readonly config: Pg.PoolConfig }, SqlError, Scope.Scope> =>
  Effect.gen(function*() {
    const db = settings.database
    if (Option.isSome(db.url)) {
      const url = Redacted.value(db.url.value)
      const route = options.route
      if (route === undefined) return { backend: "postgres" as const, config: { connectionString: url, statement_timeout: db.statementTimeoutMs } }
      const parsed = new URL(url)
      const to = yield* route({ host: parsed.hostname || "127.0.0.1", port: Number(parsed.port || 5432) })
      parsed.hostname = to.host
      parsed.port = String(to.port)
      return { backend: "postgres" as const, config: { connectionString: parsed.toString(), statement_timeout: db.statementTimeoutMs } }
    }
    const server = yield* startEmbedded({
      dataDir: db.dataDir,
      maxConnections: options.embeddedMaxConnections ?? db.poolSize + EMBEDDED_EXTRA_CONNECTIONS
    })
    const to = options.route === undefined ? server : yield* options.route(server)
    // PGlite ignores startup parameters, so no statement_timeout here (it would not apply).
    return { backend: "pglite" as const, config: { host: to.host, port: to.port, user: "postgres", database: "postgres" } }
  })

/** Builds everything in the current scope and returns the three services. */
export const makeDatabase = (
  options: DatabaseLayerOptions = {}
): Effect.Effect<Context.Context<DatabaseServices>, SqlError, HubConfig | Scope.Scope> =>
  Effect.gen(function*() {
    const settings = yield* HubConfig
    const db = settings.database
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)

    const target = yield* poolTarget(settings, options)
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const pool = new Pg.Pool({
          ...target.config,
          max: target.backend === "pglite" ? EMBEDDED_POOL_SIZE : db.poolSize,
          connectionTimeoutMillis: db.connectTimeoutMs,
          idleTimeoutMillis: Duration.toMillis(options.idleTimeout ?? POOL_IDLE_TIMEOUT),
          application_name: APPLICATION_NAME,
          keepAlive: true
        })
        // An idle client whose connection dies emits "error" on the pool; unhandled, it would crash the process.
        pool.on("error", (error) => {
          runFork(
            Effect.logDebug("Idle database connection failed").pipe(
              Effect.annotateLogs({ logger: "database", reason: describeFailure(error) })
            )
          )
        })
        return pool
      }),
      (pool) => closeBounded("Closing the database pool", () => pool.end())
    )
    // fromPool (unlike make) does not SELECT 1 at build: the Hub starts while Postgres is down.
    const client = yield* PgClient.fromPool({ acquire: Effect.succeed(pool), applicationName: APPLICATION_NAME }).pipe(
      Effect.provide(Reactivity.layer)
    )

    const breaker = yield* makeCircuitBreaker({
      ...DATABASE_BREAKER,
      ...options.breaker,
      name: DATABASE_BREAKER.name,
      isFailure: (error) =>
        (isSqlError(error) && isOutage(error)) || (error instanceof TimeoutExceeded && error.operation === PROBE_OPERATION)
    })

    yield* breaker.stateChanges.pipe(
      Stream.runForEach((s: BreakerSnapshot) =>
        s.state === "closed"
          ? Effect.logInfo("Database recovered").pipe(Effect.annotateLogs({ state: s.state }))
          : Effect.logWarning("Database unavailable").pipe(
            Effect.annotateLogs({ state: s.state, retryAfterMs: s.retryAfterMs, consecutiveFailures: s.consecutiveFailures })
          )
      ),
      Effect.annotateLogs({ logger: "database" }),
      Effect.forkScoped
    )
    yield* Effect.yieldNow() // let the subscriber attach before any call can cause a transition

    const unavailable = (error: unknown): Effect.Effect<ServiceUnavailable> =>
      error instanceof CircuitOpen
        ? Effect.succeed(new ServiceUnavailable({
          dependency: "database",
          reason: "circuit open after repeated connection failures",
          retryAfterSeconds: retryAfterSeconds(error.retryAfterMs)
        }))
        : Effect.map(breaker.snapshot, (snapshot) =>
          new ServiceUnavailable({
            dependency: "database",
            reason: error instanceof TimeoutExceeded ? `no answer within ${error.timeoutMs} ms` : describeFailure(error),
            retryAfterSeconds: retryAfterSeconds(snapshot.retryAfterMs)
          }))

    const isOurCircuitOpen = (error: unknown): error is CircuitOpen =>
      error instanceof CircuitOpen && error.breaker === breaker.name

    const guardPolicy: RetryPolicy = { ...GUARD_RETRY, ...options.guardRetry, maxRetries: db.retryAttempts }

    // @effect/sql runs COMMIT/ROLLBACK under orDie: on a dead connection they surface as defects.
    // Those are outages like any other connection failure, so they become failures again.
    const outageDefectsAsFailures = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
      Effect.catchSomeDefect(self, (defect) =>
        isSqlError(defect) && classifyFailure(defect).kind !== "other" ? Option.some(Effect.fail(defect)) : Option.none()
      )

    const guard = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, SqlError> | ServiceUnavailable, R> =>
      breaker.run(outageDefectsAsFailures(self)).pipe(
        // Each attempt goes through the breaker: once it opens, the next attempt fails fast (CircuitOpen is not retried).
        retryWhile(guardPolicy, (error: E | SqlError | CircuitOpen) => isSqlError(error) && isConnectionFailure(error)),
        Effect.catchAll((error: E | SqlError | CircuitOpen): Effect.Effect<never, Exclude<E, SqlError> | ServiceUnavailable> => {
          if (isOurCircuitOpen(error)) return Effect.flatMap(unavailable(error), Effect.fail)
          if (isSqlError(error)) {
            // A query error the caller did not handle is a bug, not an outage.
            return classifyFailure(error).kind === "other" ? Effect.die(error) : Effect.flatMap(unavailable(error), Effect.fail)
          }
          return Effect.fail(error as Exclude<E, SqlError>)
        })
      )

    const probeTimeout = Duration.min(Duration.millis(db.connectTimeoutMs), Duration.decode(options.probeTimeout ?? PROBE_TIMEOUT_CAP))
    const probe: Effect.Effect<DatabaseProbe, ServiceUnavailable> = breaker.run(
      // disconnect: answer at the deadline even if cancelling the query takes longer (PGlite runs
      // pg_cancel_backend only after the statement in progress, so interruption would wait for it).
      Effect.disconnect(client`SELECT 1`).pipe(withTimeout(PROBE_OPERATION, probeTimeout))
    ).pipe(
      Effect.timed,
      Effect.map(([elapsed]): DatabaseProbe => ({ latencyMs: Math.round(Duration.toMillis(elapsed) * 100) / 100 })),
      Effect.catchAll((error) => Effect.flatMap(unavailable(error), Effect.fail))
    )

    const poolStats: Effect.Effect<PoolStats> = Effect.sync(() => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max ?? db.poolSize
    }))

    // --- migrations and instance registration, in the background --------------------------------
    const migrated = yield* Ref.make(false)
    const instanceId = randomUUID()
    const registered = yield* Ref.make(false)

    const register = client`INSERT INTO hub_instances ${
      client.insert({
        instance_id: instanceId,
        version: options.version ?? PACKAGE.version,
        mode: settings.mode,
        hostname: hostname(),
        pid: process.pid
      })
    }`.pipe(
      Effect.zipRight(Ref.set(registered, true)),
      Effect.tap(() => Effect.logDebug("Registered Hub instance").pipe(Effect.annotateLogs({ instanceId }))),
      Effect.catchAll((error) =>
        Effect.logDebug("Could not register Hub instance").pipe(Effect.annotateLogs({ reason: describeFailure(error) }))
      )
    )

    // Runs before the pool closes (finalizers run in reverse order): marks a clean stop, best effort.
    yield* Effect.addFinalizer(() =>
      Effect.whenEffect(
        client`UPDATE hub_instances SET stopped_at = now() WHERE instance_id = ${instanceId}`.pipe(
          Effect.timeoutOption("1 second"),
          Effect.ignore
        ),
        Ref.get(registered)
      )
    )

    if (options.migrate !== false) {
      const migrationPolicy: RetryPolicy = { ...MIGRATION_RETRY, ...options.migrationRetry, maxRetries: Number.MAX_SAFE_INTEGER }
      yield* runMigrationsFrom(options.migrationsDirectory ?? MIGRATIONS_DIRECTORY).pipe(
        Effect.tapError((error: MigrationFailed) =>
          error.connectionFailure
            ? Effect.logWarning("Database migrations could not run; retrying").pipe(Effect.annotateLogs({ reason: error.reason }))
            : Effect.logError("Database migration failed; not retrying").pipe(
              Effect.annotateLogs({ migration: error.migration ?? "(none)", reason: error.reason })
            )
        ),
        Effect.retry({ schedule: retrySchedule(migrationPolicy), while: (error) => error.connectionFailure }),
        Effect.zipRight(Ref.set(migrated, true)),
        Effect.zipRight(options.registerInstance === false ? Effect.void : register),
        Effect.ignore, // failures were logged above; `migrated` stays false and readiness says so
        Effect.provideService(SqlClient, client),
        Effect.annotateLogs({ logger: "database" }),
        Effect.forkScoped
      )
    } else {
      yield* Ref.set(migrated, true)
    }

    const database = Database.of({
      backend: target.backend,
      guard,
      probe,
      poolStats,
      breaker: breaker.snapshot,
      migrated: Ref.get(migrated)
    })

    return Context.make(Database, database).pipe(
      Context.add(PgClient.PgClient, client),
      Context.add(SqlClient, client)
    )
  }).pipe(Effect.annotateLogs({ logger: "database" }))

/**
 * `Database` + `PgClient` + `SqlClient` from `HubConfig`: Postgres when DATABASE_URL is set,
 * embedded PGlite under DATA_DIR otherwise. Fails to build only when embedded PGlite cannot start.
 */
export const DatabaseLive = (options: DatabaseLayerOptions = {}): Layer.Layer<DatabaseServices, SqlError, HubConfig> =>
  Layer.scopedContext(makeDatabase(options))

/** Waits until this process has applied (or found applied) every migration; never fails. */
export const awaitMigrated: Effect.Effect<void, never, Database> = Effect.flatMap(Database, (db) =>
  Effect.repeat(db.migrated, { until: (done) => done, schedule: Schedule.spaced("50 millis") }).pipe(Effect.asVoid))
