import { Effect } from "effect"
import { Monitoring } from "../services/monitoring/Monitoring.js"
import { MonitoringRpcs } from "./monitoring.js"

export const MonitoringRpcLive = MonitoringRpcs.toLayer(
  Effect.gen(function* () {
    const monitoring = yield* Monitoring
    return {
      "Monitoring.Health": () => monitoring.health,
      "Monitoring.Ready": () => monitoring.ready,
      "Monitoring.Version": () => monitoring.version,
      "Monitoring.WatchHealth": (request) => monitoring.watchHealth(request)
    }
  })
)
