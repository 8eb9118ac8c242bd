import { Effect } from "effect"
import { Alerts } from "../services/monitoring/alerts/Alerts.js"
import { Monitoring } from "../services/monitoring/Monitoring.js"
import { MonitoringAdminRpcs, MonitoringRpcs } from "./monitoring.js"

export const MonitoringRpcLive = MonitoringRpcs.toLayer(
  Effect.gen(function* () {
    const monitoring = yield* Monitoring
    const alerts = yield* Alerts
    return {
      "Monitoring.Health": () => monitoring.health,
      "Monitoring.Ready": () => monitoring.ready,
      "Monitoring.Version": () => monitoring.version,
      "Monitoring.WatchHealth": (request) => monitoring.watchHealth(request),
      "Monitoring.MetricsCurrent": () => monitoring.currentMetrics,
      "Monitoring.Performance": () => monitoring.performance,
      "Monitoring.Alerts": () => alerts.report
    }
  })
)

export const MonitoringAdminRpcLive = MonitoringAdminRpcs.toLayer(
  Effect.gen(function* () {
    const monitoring = yield* Monitoring
    const alerts = yield* Alerts
    return {
      "Monitoring.TestAlert": () => alerts.fireTest,
      "Monitoring.SystemInfo": () => monitoring.systemInfo
    }
  })
)
