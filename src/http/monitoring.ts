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
import { AlertsReport, TestAlertReport } from "../services/monitoring/alerts/schema.js"
import { CurrentMetrics, PerformanceReport } from "../services/monitoring/figures-schema.js"
import { SystemInfo } from "../services/monitoring/system-info-schema.js"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { Authentication } from "./authentication.js"
import { envelope } from "./envelope.js"

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
export const NDJSON_CONTENT_TYPE = "application/x-ndjson"
export const PrometheusText = HttpApiSchema.Text({ contentType: PROMETHEUS_CONTENT_TYPE })
export const HTML_CONTENT_TYPE = "text/html; charset=utf-8"

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
  .add(
    HttpApiEndpoint.get("metricsCurrent", "/metrics/current")
      .addSuccess(CurrentMetrics)
      .annotate(OpenApi.Summary, "Current figures")
      .annotate(
        OpenApi.Description,
        "This instance's figures now: latency percentiles, throughput and error rate over sliding 1-minute and " +
          "5-minute windows, errors by route, dependencies, cache, rate limits, runtime and alert counts."
      )
  )
  .add(
    HttpApiEndpoint.get("performance", "/performance")
      .addSuccess(PerformanceReport)
      .annotate(OpenApi.Summary, "Performance over the last hour")
      .annotate(
        OpenApi.Description,
        "The dashboard's data: one point every 10 seconds for the last hour (kept in memory), and the current figures."
      )
  )
  .add(
    HttpApiEndpoint.get("alerts", "/alerts")
      .addSuccess(AlertsReport)
      .addError(envelope(ServiceUnavailable))
      .annotate(OpenApi.Summary, "Active and recent alerts")
      .annotate(
        OpenApi.Description,
        "Pending and firing alerts, the latest resolved ones, and the rules with their thresholds. " +
          "The rules are evaluated once per cluster; every instance answers the same."
      )
  )
  .add(
    HttpApiEndpoint.get("dashboard", "/dashboard")
      .addSuccess(HttpApiSchema.Text({ contentType: HTML_CONTENT_TYPE }))
      .annotate(OpenApi.Summary, "Performance dashboard")
      .annotate(
        OpenApi.Description,
        "A self-contained page (its script and chart library served by the Hub) drawing /monitoring/performance " +
          "and /monitoring/alerts live."
      )
  )
  .prefix("/monitoring")
  .annotate(OpenApi.Title, "Monitoring")
  .annotate(OpenApi.Description, "Liveness, health, readiness, version, metrics, alerts and the dashboard.")
{}

/** Monitoring operations for operators (an `admin` key): they reach outside or show the configuration. */
export class MonitoringAdminApi extends HttpApiGroup.make("monitoringAdmin")
  .add(
    HttpApiEndpoint.post("testAlert", "/alerts/test")
      .addSuccess(TestAlertReport)
      .addError(envelope(ServiceUnavailable))
      .annotate(OpenApi.Summary, "Fire a test alert")
      .annotate(
        OpenApi.Description,
        "Fires a test alert through every configured channel (log, webhook), resolves it, and reports each delivery."
      )
  )
  .add(
    HttpApiEndpoint.get("systemInfo", "/system-info")
      .addSuccess(SystemInfo)
      .annotate(OpenApi.Summary, "System information")
      .annotate(
        OpenApi.Description,
        "Process, runtime, configuration (secrets redacted), dependency versions, cluster runners and shards."
      )
  )
  .middleware(Authentication)
  .annotate(AccessAnnotation, Access.admin)
  .prefix("/monitoring")
  .annotate(OpenApi.Title, "Monitoring (operators)")
  .annotate(OpenApi.Description, "Test alerts and system information; an API key with the `admin` scope.")
{}
