import { Clock, Effect, Either, Layer, Schedule, Stream } from "effect"
import { HubConfig } from "../../config.js"
import { Database } from "../database/Database.js"
import { RedisStore } from "../redis/RedisStore.js"
import { BuildInfo } from "./build-info.js"
import { Lifecycle } from "./lifecycle.js"
import { Monitoring } from "./Monitoring.js"
import { type HealthV2, NotReady } from "./schema.js"

/** How long a load balancer should wait before asking a not-ready instance again. */
const READY_RETRY_AFTER_SECONDS = 2

export const MonitoringLive: Layer.Layer<Monitoring, never, HubConfig | Database | RedisStore | Lifecycle | BuildInfo> =
  Layer.effect(
    Monitoring,
    Effect.gen(function* () {
      const settings = yield* HubConfig
      const db = yield* Database
      const kv = yield* RedisStore
      const lifecycle = yield* Lifecycle
      const build = yield* BuildInfo
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

      return Monitoring.of({
        liveness: Effect.succeed({ status: "healthy" as const }),
        health,
        ready,
        version: Effect.succeed(build),
        watchHealth: ({ intervalMs, limit }) =>
          Stream.repeatEffectWithSchedule(health, Schedule.spaced(intervalMs)).pipe(Stream.take(limit))
      })
    })
  )
