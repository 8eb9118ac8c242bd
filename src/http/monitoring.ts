/**
 * Monitoring endpoints: the HTTP contract. Handlers are in monitoring-handlers.ts.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  HealthReport,
  LegacyHealth,
  NotReady,
  ReadyReport,
  UnhealthyReport,
  VersionInfo,
  WatchHealthParams
} from "../services/monitoring/schema.js"
import { envelope } from "./envelope.js"

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
export const NDJSON_CONTENT_TYPE = "application/x-ndjson"
export const PrometheusText = HttpApiSchema.Text({ contentType: PROMETHEUS_CONTENT_TYPE })

export class MonitoringApi extends HttpApiGroup.make("monitoring")
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(LegacyHealth)
      .annotate(OpenApi.Summary, "Liveness (legacy)")
      .annotate(OpenApi.Description, "Answers while the process runs; does not check dependencies.")
  )
  .add(
    HttpApiEndpoint.get("healthV2", "/health/v2")
      .addSuccess(HealthReport)
      .addSuccess(UnhealthyReport, { status: 503 })
      .annotate(OpenApi.Summary, "Health per dependency")
      .annotate(
        OpenApi.Description,
        "Database and Redis (or the in-memory store): status, probe latency, breaker state, pool figures. " +
          "200 when healthy or degraded (Redis down: the Hub fails open), 503 when the database is down."
      )
  )
  .add(
    HttpApiEndpoint.get("watchHealth", "/health/watch")
      .setUrlParams(WatchHealthParams)
      .addSuccess(HttpApiSchema.Text({ contentType: NDJSON_CONTENT_TYPE }))
      .annotate(OpenApi.Summary, "Watch health live")
      .annotate(
        OpenApi.Description,
        "Streams `limit` health reports (the /health/v2 body), one JSON object per line, every `intervalMs`. " +
          "Same as the `Monitoring.WatchHealth` RPC."
      )
  )
  .add(
    HttpApiEndpoint.get("ready", "/ready")
      .addSuccess(ReadyReport)
      .addError(envelope(NotReady))
      .annotate(OpenApi.Summary, "Readiness")
      .annotate(OpenApi.Description, "503 with Retry-After until migrations ran and the database answers, and while shutting down.")
  )
  .add(
    HttpApiEndpoint.get("version", "/version")
      .addSuccess(VersionInfo)
      .annotate(OpenApi.Summary, "Version and build")
  )
  .add(
    HttpApiEndpoint.get("prometheus", "/metrics/prometheus/v2")
      .addSuccess(PrometheusText)
      .annotate(OpenApi.Summary, "Prometheus metrics")
      .annotate(OpenApi.Description, "OpenTelemetry metrics in the Prometheus text format (also at /metrics).")
  )
  .prefix("/monitoring")
  .annotate(OpenApi.Title, "Monitoring")
  .annotate(OpenApi.Description, "Liveness, health, readiness, version and metrics.")
{}
