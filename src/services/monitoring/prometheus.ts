/**
 * Prometheus text exposition of the Effect metrics, through @effect/opentelemetry and the
 * OpenTelemetry Prometheus exporter (its own HTTP server disabled: the Hub serves the text on
 * its shared port). Gauges read from live objects (pool, breakers) are refreshed at scrape time.
 */
import { Metrics, Resource } from "@effect/opentelemetry"
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus"
import { Context, Effect, Layer, Metric } from "effect"
import { HubConfig } from "../../config.js"
import { Database } from "../database/Database.js"
import { RedisStore } from "../redis/RedisStore.js"
import { BuildInfo } from "./build-info.js"
import { Alerts } from "./alerts/Alerts.js"
import { Figures } from "./figures.js"
import {
  activeAlerts,
  apiErrorRatePct,
  apiRequestDurationP50,
  apiRequestDurationP95,
  apiRequestDurationP99,
  apiThroughput,
  BREAKER_STATE_VALUE,
  breakerState,
  breakerTransitions,
  dbPoolConnections,
  dependencyUp,
  eventLoopLagMs,
  fibersAlive,
  heapTotalBytes,
  heapUsedBytes,
  rateLimiterBlocked,
  rateLimiterTotalRequests,
  rssBytes
} from "./metrics.js"

export class PrometheusMetrics extends Context.Tag("luna/PrometheusMetrics")<PrometheusMetrics, {
  readonly scrape: Effect.Effect<string>
}>() {}

const refreshLiveGauges = Effect.gen(function* () {
  const db = yield* Database
  const kv = yield* RedisStore
  const [pool, dbBreaker, kvBreaker] = yield* Effect.all([db.poolStats, db.breaker, kv.breaker])
  for (const [state, value] of Object.entries(pool)) {
    yield* Metric.set(Metric.tagged(dbPoolConnections, "state", state), value)
  }
  for (const breaker of [dbBreaker, kvBreaker]) {
    yield* Metric.set(Metric.tagged(breakerState, "breaker", breaker.name), BREAKER_STATE_VALUE[breaker.state])
    yield* Metric.set(Metric.tagged(breakerTransitions, "breaker", breaker.name), breaker.transitions)
  }
  yield* refreshSeedGauges
})

/** The seed's gauges and the runtime's, from the figures the Hub keeps. */
const refreshSeedGauges = Effect.gen(function* () {
  const figures = yield* Figures
  const alerts = yield* Alerts
  const db = yield* Database
  const kv = yield* RedisStore
  const [fiveMinutes, oneMinute, counters, runtime, alertCounts, dbProbe, kvProbe] = yield* Effect.all(
    [figures.window(300), figures.window(60), figures.counters, figures.runtime, alerts.counts, Effect.either(db.probe), Effect.either(kv.ping)],
    { concurrency: "unbounded" }
  )
  const latency = fiveMinutes.latencyMs
  yield* Metric.set(apiRequestDurationP50, latency.p50 ?? 0)
  yield* Metric.set(apiRequestDurationP95, latency.p95 ?? 0)
  yield* Metric.set(apiRequestDurationP99, latency.p99 ?? 0)
  yield* Metric.set(apiThroughput, oneMinute.throughputPerSecond)
  yield* Metric.set(apiErrorRatePct, fiveMinutes.errorRatePct)
  yield* Metric.set(rateLimiterTotalRequests, counters.rateLimit.totalRequests)
  yield* Metric.set(rateLimiterBlocked, counters.rateLimit.blocked)
  for (const severity of ["warning", "critical"] as const) {
    yield* Metric.set(Metric.tagged(activeAlerts, "severity", severity), alertCounts.firingBySeverity[severity])
  }
  yield* Metric.set(Metric.tagged(dependencyUp, "dependency", "database"), dbProbe._tag === "Right" ? 1 : 0)
  yield* Metric.set(Metric.tagged(dependencyUp, "dependency", "redis"), kvProbe._tag === "Right" ? 1 : 0)
  for (const stat of ["p50", "p99", "max"] as const) {
    yield* Metric.set(Metric.tagged(eventLoopLagMs, "stat", stat), runtime.eventLoopLagMs[stat])
  }
  yield* Metric.set(heapUsedBytes, runtime.heapUsedBytes)
  yield* Metric.set(heapTotalBytes, runtime.heapTotalBytes)
  yield* Metric.set(rssBytes, runtime.rssBytes)
  yield* Metric.set(fibersAlive, runtime.fibers)
})

export const PrometheusMetricsLive: Layer.Layer<PrometheusMetrics, never, HubConfig | BuildInfo | Database | RedisStore | Figures | Alerts> =
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const settings = yield* HubConfig
      const build = yield* BuildInfo
      const exporter = new PrometheusExporter({ preventServerStart: true })
      const serializer = new PrometheusSerializer()
      const scrapeLayer = Layer.effect(
        PrometheusMetrics,
        Effect.gen(function* () {
          const context = yield* Effect.context<Database | RedisStore | Figures | Alerts>()
          const collect = Effect.tryPromise(() => exporter.collect()).pipe(
            Effect.map(({ resourceMetrics }) => serializer.serialize(resourceMetrics)),
            Effect.orDie
          )
          return {
            scrape: refreshLiveGauges.pipe(Effect.zipRight(collect), Effect.provide(context))
          }
        })
      )
      return scrapeLayer.pipe(
        Layer.provideMerge(Metrics.layer(() => exporter)),
        Layer.provide(Resource.layer({ serviceName: settings.telemetry.serviceName, serviceVersion: build.version }))
      )
    })
  )
