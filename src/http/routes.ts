/**
 * Everything served on the Hub's one port, as routes on the shared `HttpLayerRouter`: the REST
 * API with `/openapi.json`, offline docs at `/docs`, Prometheus text also at `/metrics`, and the
 * RPC door.
 */
import { HttpApiScalar, HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect, Layer } from "effect"
import { RpcRoutes } from "../rpc/server.js"
import { PrometheusMetrics } from "../services/monitoring/prometheus.js"
import { LunaApi } from "./api.js"
import { AuthenticationLive } from "./authentication.js"
import { CacheHttpLive } from "./cache-handlers.js"
import { EnergyAdminHttpLive, EnergyHttpLive } from "./energy-handlers.js"
import { EventsHttpLive } from "./events-handlers.js"
import { RateLimitingHttpLive } from "./rate-limiting-handlers.js"
import { GdprHttpLive } from "./gdpr-handlers.js"
import { NarrativeHttpLive } from "./narrative-handlers.js"
import { KeySelfHttpLive, KeysHttpLive } from "./keys-handlers.js"
import { DashboardAssets } from "./dashboard/assets.js"
import { MonitoringAdminHttpLive, MonitoringHttpLive } from "./monitoring-handlers.js"
import { PROMETHEUS_CONTENT_TYPE } from "./monitoring.js"
import { RouteLabel } from "./route-label.js"

export const OPENAPI_PATH = "/openapi.json"
export const DOCS_PATH = "/docs"

const ApiRoutes = HttpLayerRouter.addHttpApi(LunaApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide([MonitoringHttpLive, Layer.mergeAll(MonitoringAdminHttpLive, EventsHttpLive, KeysHttpLive, KeySelfHttpLive, EnergyHttpLive, EnergyAdminHttpLive, CacheHttpLive, RateLimitingHttpLive, GdprHttpLive, NarrativeHttpLive).pipe(Layer.provide(AuthenticationLive(LunaApi)))])
)

const DocsRoutes = HttpApiScalar.layerHttpLayerRouter({ api: LunaApi, path: DOCS_PATH })

/** Prometheus' conventional path, same text as /monitoring/metrics/prometheus/v2. */
const MetricsAlias = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    const prometheus = yield* PrometheusMetrics
    yield* router.add(
      "GET",
      "/metrics",
      Effect.map(prometheus.scrape, (text) =>
        HttpServerResponse.text(text, { contentType: PROMETHEUS_CONTENT_TYPE })
      )
    )
  })
)

export const HubRoutes = Layer.mergeAll(ApiRoutes, DocsRoutes, MetricsAlias, DashboardAssets, RpcRoutes).pipe(
  Layer.provide(RouteLabel.layer)
)
