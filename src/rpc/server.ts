/**
 * The RPC door on the shared router: `/rpc` (HTTP POST, ndjson) and `/rpc/ws` (WebSocket, JSON).
 */
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { Effect, Layer } from "effect"
import { HubConfig } from "../config.js"
import { tracingEnabled } from "../services/telemetry/tracing.js"
import { HubRpcs } from "./group.js"
import { RPC_HTTP_PATH, RPC_WS_PATH } from "./paths.js"
import { RpcAdmissionLive, RpcAuthenticationLive } from "./authentication.js"
import { CacheRpcLive } from "./cache-handlers.js"
import { EnergyRpcLive } from "./energy-handlers.js"
import { EventsRpcLive } from "./events-handlers.js"
import { KeySelfRpcLive, KeysRpcLive } from "./keys-handlers.js"
import { MonitoringAdminRpcLive, MonitoringRpcLive } from "./monitoring-handlers.js"
import { RateLimitingRpcLive } from "./rate-limiting-handlers.js"
import { GdprRpcLive } from "./gdpr-handlers.js"
import { NarrativeRpcLive } from "./narrative-handlers.js"

export { RPC_HTTP_PATH, RPC_WS_PATH }

const handlers = Layer.mergeAll(MonitoringRpcLive, MonitoringAdminRpcLive, EventsRpcLive, KeysRpcLive, KeySelfRpcLive, EnergyRpcLive, CacheRpcLive, RateLimitingRpcLive, GdprRpcLive, NarrativeRpcLive, RpcAuthenticationLive, RpcAdmissionLive)

// A span per call (`RpcServer.<Group>.<Call>`) only with tracing on: even a no-op span costs a few µs.
export const RpcRoutes = Layer.unwrapEffect(
  Effect.map(HubConfig, (settings) => {
    const disableTracing = !tracingEnabled(settings)
    return Layer.mergeAll(
      RpcServer.layerHttpRouter({ group: HubRpcs, path: RPC_HTTP_PATH, protocol: "http", disableTracing }).pipe(
        Layer.provide(RpcSerialization.layerNdjson)
      ),
      RpcServer.layerHttpRouter({ group: HubRpcs, path: RPC_WS_PATH, protocol: "websocket", disableTracing }).pipe(
        Layer.provide(RpcSerialization.layerJson)
      )
    )
  })
).pipe(Layer.provide(handlers))
