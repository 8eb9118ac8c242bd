/**
 * Monitoring over RPC: the same operations and schemas as the HTTP monitoring groups.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { AlertsReport, TestAlertReport } from "../services/monitoring/alerts/schema.js"
import { CurrentMetrics, PerformanceReport } from "../services/monitoring/figures-schema.js"
import { HealthV2, NotReady, ReadyReport, VersionInfo, WatchHealthRequest } from "../services/monitoring/schema.js"
import { SystemInfo } from "../services/monitoring/system-info-schema.js"
import { RpcAuthentication } from "./authentication.js"

export class MonitoringRpcs extends RpcGroup.make(
  Rpc.make("Health", { success: HealthV2 }),
  Rpc.make("Ready", { success: ReadyReport, error: NotReady }),
  Rpc.make("Version", { success: VersionInfo }),
  Rpc.make("WatchHealth", { payload: WatchHealthRequest, success: HealthV2, stream: true }),
  Rpc.make("MetricsCurrent", { success: CurrentMetrics }),
  Rpc.make("Performance", { success: PerformanceReport }),
  Rpc.make("Alerts", { success: AlertsReport, error: ServiceUnavailable })
).prefix("Monitoring.") {}

/** For operators (an `admin` key), as on HTTP. */
export class MonitoringAdminRpcs extends RpcGroup.make(
  Rpc.make("TestAlert", { success: TestAlertReport, error: ServiceUnavailable }),
  Rpc.make("SystemInfo", { success: SystemInfo })
)
  .prefix("Monitoring.")
  .middleware(RpcAuthentication)
  .annotateRpcs(AccessAnnotation, Access.admin) {}
