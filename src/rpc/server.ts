/**
 * The RPC door on the shared router: `/rpc` (HTTP POST, ndjson) and `/rpc/ws` (WebSocket, JSON).
 */
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { Layer } from "effect"
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

export const RpcRoutes = Layer.mergeAll(
  RpcServer.layerHttpRouter({ group: HubRpcs, path: RPC_HTTP_PATH, protocol: "http", disableTracing: true }).pipe(
    Layer.provide(RpcSerialization.layerNdjson)
  ),
  RpcServer.layerHttpRouter({ group: HubRpcs, path: RPC_WS_PATH, protocol: "websocket", disableTracing: true }).pipe(
    Layer.provide(RpcSerialization.layerJson)
  )
).pipe(Layer.provide(handlers))
