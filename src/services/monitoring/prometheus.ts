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
import { BREAKER_STATE_VALUE, breakerState, breakerTransitions, dbPoolConnections } from "./metrics.js"

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
})

export const PrometheusMetricsLive: Layer.Layer<PrometheusMetrics, never, HubConfig | BuildInfo | Database | RedisStore> =
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const settings = yield* HubConfig
      const build = yield* BuildInfo
      const exporter = new PrometheusExporter({ preventServerStart: true })
      const serializer = new PrometheusSerializer()
      const scrapeLayer = Layer.effect(
        PrometheusMetrics,
        Effect.gen(function* () {
          const context = yield* Effect.context<Database | RedisStore>()
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
