import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect, Schema, Stream } from "effect"
import { Alerts } from "../services/monitoring/alerts/Alerts.js"
import { Monitoring } from "../services/monitoring/Monitoring.js"
import { PrometheusMetrics } from "../services/monitoring/prometheus.js"
import { HealthV2 } from "../services/monitoring/schema.js"
import { LunaApi } from "./api.js"
import { dashboardPage } from "./dashboard/page.js"
import { NDJSON_CONTENT_TYPE } from "./monitoring.js"

const encodeHealth = Schema.encodeSync(Schema.parseJson(HealthV2))
const encoder = new TextEncoder()

export const MonitoringHttpLive = HttpApiBuilder.group(LunaApi, "monitoring", (handlers) =>
  Effect.gen(function* () {
    const monitoring = yield* Monitoring
    const prometheus = yield* PrometheusMetrics
    const alerts = yield* Alerts
    return handlers
      .handle("health", () => monitoring.liveness)
      .handle("healthV2", () => monitoring.health)
      .handle("watchHealth", ({ urlParams }) =>
        Effect.succeed(
          HttpServerResponse.stream(
            monitoring.watchHealth(urlParams).pipe(Stream.map((report) => encoder.encode(encodeHealth(report) + "\n"))),
            { contentType: NDJSON_CONTENT_TYPE }
          )
        )
      )
      .handle("ready", () => monitoring.ready)
      .handle("version", () => monitoring.version)
      .handle("prometheus", () => prometheus.scrape)
      .handle("metricsCurrent", () => monitoring.currentMetrics)
      .handle("performance", () => monitoring.performance)
      .handle("alerts", () => alerts.report)
      .handle("dashboard", () => Effect.succeed(dashboardPage()))
  })
)

export const MonitoringAdminHttpLive = HttpApiBuilder.group(LunaApi, "monitoringAdmin", (handlers) =>
  Effect.gen(function* () {
    const monitoring = yield* Monitoring
    const alerts = yield* Alerts
    return handlers
      .handle("testAlert", () => alerts.fireTest)
      .handle("systemInfo", () => monitoring.systemInfo)
  })
)
