/**
 * Monitoring over RPC: the same operations and schemas as the HTTP monitoring group.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { HealthV2, NotReady, ReadyReport, VersionInfo, WatchHealthRequest } from "../services/monitoring/schema.js"

export class MonitoringRpcs extends RpcGroup.make(
  Rpc.make("Health", { success: HealthV2 }),
  Rpc.make("Ready", { success: ReadyReport, error: NotReady }),
  Rpc.make("Version", { success: VersionInfo }),
  Rpc.make("WatchHealth", { payload: WatchHealthRequest, success: HealthV2, stream: true })
).prefix("Monitoring.") {}
