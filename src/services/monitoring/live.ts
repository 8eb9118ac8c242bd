import type * as Sharding from "@effect/cluster/Sharding"
import type * as PgClient from "@effect/sql-pg/PgClient"
import { Clock, Effect, Either, Layer, Schedule, Stream } from "effect"
import { HubConfig } from "../../config.js"
import { Database } from "../database/Database.js"
import { RedisStore } from "../redis/RedisStore.js"
import { BuildInfo } from "./build-info.js"
import { Alerts } from "./alerts/Alerts.js"
import { Figures } from "./figures.js"
import type { CurrentMetrics, DependencyFigures } from "./figures-schema.js"
import { HOUR_STEPS, STEP_MS } from "./request-window.js"
import { Lifecycle } from "./lifecycle.js"
import { makeSystemInfo } from "./system-info.js"
import { Monitoring } from "./Monitoring.js"
import { type HealthV2, NotReady } from "./schema.js"

/** How long a load balancer should wait before asking a not-ready instance again. */
const READY_RETRY_AFTER_SECONDS = 2

type MonitoringNeeds = HubConfig | Database | RedisStore | Lifecycle | BuildInfo | Figures | Alerts | Sharding.Sharding | PgClient.PgClient

const dependencyFigures = (dependency: HealthV2["dependencies"]["database" | "redis"]): DependencyFigures => ({
  status: dependency.status,
  backend: dependency.backend,
  latencyMs: dependency.latencyMs,
  breaker: dependency.breaker.state
})

export const MonitoringLive: Layer.Layer<Monitoring, never, MonitoringNeeds> =
  Layer.effect(
    Monitoring,
    Effect.gen(function* () {
      const settings = yield* HubConfig
      const db = yield* Database
      const kv = yield* RedisStore
      const lifecycle = yield* Lifecycle
      const build = yield* BuildInfo
      const figures = yield* Figures
      const alerts = yield* Alerts
      const systemInfo = yield* makeSystemInfo
      const startedAtMs = Date.parse(build.startedAt)

      const databaseHealth = Effect.all(
        [Effect.either(db.probe), db.poolStats, db.breaker, db.migrated],
        { concurrency: "unbounded" }
      ).pipe(
        Effect.map(([probe, pool, breaker, migrated]) => ({
          status: Either.isRight(probe) ? ("up" as const) : ("down" as const),
          backend: db.backend,
          latencyMs: Either.isRight(probe) ? probe.right.latencyMs : null,
          ...(Either.isLeft(probe) ? { error: probe.left.reason } : {}),
          migrated,
          pool,
          breaker
        }))
      )

      const redisHealth = Effect.all([Effect.either(kv.ping), kv.breaker], { concurrency: "unbounded" }).pipe(
        Effect.map(([probe, breaker]) => ({
          status: Either.isRight(probe) ? ("up" as const) : ("down" as const),
          backend: kv.backend,
          latencyMs: Either.isRight(probe) ? probe.right.latencyMs : null,
          ...(Either.isLeft(probe) ? { error: probe.left.reason } : {}),
          breaker
        }))
      )

      const health: Effect.Effect<HealthV2> = Effect.gen(function* () {
        const [database, redis] = yield* Effect.all([databaseHealth, redisHealth], { concurrency: "unbounded" })
        const now = yield* Clock.currentTimeMillis
        const base = {
          mode: settings.mode,
          version: build.version,
          uptimeSeconds: Math.max(0, Math.round((now - startedAtMs) / 100) / 10),
          checkedAt: new Date(now).toISOString(),
          dependencies: { database, redis }
        }
        if (database.status === "down") return { status: "unhealthy" as const, ...base }
        return { status: redis.status === "down" ? ("degraded" as const) : ("healthy" as const), ...base }
      })

      const ready = Effect.gen(function* () {
        const [draining, migrated, database, redis] = yield* Effect.all(
          [lifecycle.draining, db.migrated, Effect.either(db.probe), Effect.either(kv.ping)],
          { concurrency: "unbounded" }
        )
        const reasons = [
          ...(draining ? ["shutting down"] : []),
          ...(migrated ? [] : ["migrations have not run yet"]),
          ...(Either.isLeft(database) ? [`database: ${database.left.reason}`] : [])
        ]
        if (reasons.length > 0) {
          return yield* new NotReady({ reasons, retryAfterSeconds: READY_RETRY_AFTER_SECONDS })
        }
        // Redis is reported but never blocks readiness: everything on it fails open (cache, limits).
        return { ready: true as const, checks: { migrations: migrated, database: true, redis: Either.isRight(redis) } }
      })

      const currentMetrics: Effect.Effect<CurrentMetrics> = Effect.gen(function* () {
        const [oneMinute, fiveMinutes, errorsByRoute, report, counters, runtime, alertCounts] = yield* Effect.all(
          [figures.window(60), figures.window(300), figures.errorsByRoute(300, 20), health, figures.counters, figures.runtime, alerts.counts],
          { concurrency: "unbounded" }
        )
        return {
          at: report.checkedAt,
          uptimeSeconds: report.uptimeSeconds,
          windows: { oneMinute, fiveMinutes },
          errorsByRoute,
          dependencies: {
            database: dependencyFigures(report.dependencies.database),
            redis: dependencyFigures(report.dependencies.redis)
          },
          cache: counters.cache,
          rateLimit: counters.rateLimit,
          runtime,
          alerts: { firing: alertCounts.firing, pending: alertCounts.pending }
        }
      })

      const performance = Effect.all([figures.series, currentMetrics]).pipe(
        Effect.map(([points, current]) => ({
          resolutionSeconds: STEP_MS / 1000,
          windowSeconds: (HOUR_STEPS * STEP_MS) / 1000,
          points,
          current
        }))
      )

      return Monitoring.of({
        currentMetrics,
        performance,
        systemInfo,
        liveness: Effect.succeed({ status: "healthy" as const }),
        health,
        ready,
        version: Effect.succeed(build),
        watchHealth: ({ intervalMs, limit }) =>
          Stream.repeatEffectWithSchedule(health, Schedule.spaced(intervalMs)).pipe(Stream.take(limit))
      })
    })
  )
