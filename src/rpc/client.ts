/**
 * The Hub's typed RPC client for TypeScript services:
 *
 *   const program = Effect.gen(function* () {
 *     const hub = yield* HubClient
 *     const health = yield* hub.Monitoring.Health()
 *   }).pipe(Effect.provide(HubClient.layer({ url: "http://127.0.0.1:8000" })))
 *
 * `layer` speaks HTTP (ndjson) to `<url>/rpc`; `layerWebSocket` keeps one WebSocket to `<url>/rpc/ws`
 * (for live streams). Errors arrive typed, as the classes declared on each RPC.
 */
import { FetchHttpClient, Socket } from "@effect/platform"
import { NodeSocket } from "@effect/platform-node"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { Context, Effect, Layer } from "effect"
import { HubRpcs } from "./group.js"

const makeClient = () => RpcClient.make(HubRpcs, { disableTracing: true })

export type HubRpcClient = Effect.Effect.Success<ReturnType<typeof makeClient>>

const trimSlash = (url: string) => url.replace(/\/+$/, "")

export class HubClient extends Context.Tag("luna/HubClient")<HubClient, HubRpcClient>() {
  /** HTTP transport: one POST per call (streams are streamed back as ndjson). */
  static readonly layer = (options: { readonly url: string }): Layer.Layer<HubClient> =>
    Layer.scoped(HubClient, makeClient()).pipe(
      Layer.provide(RpcClient.layerProtocolHttp({ url: `${trimSlash(options.url)}/rpc` })),
      Layer.provide([RpcSerialization.layerNdjson, FetchHttpClient.layer])
    )

  /** WebSocket transport: one connection for every call, reconnecting on transient errors. */
  static readonly layerWebSocket = (options: { readonly url: string }): Layer.Layer<HubClient> =>
    Layer.scoped(HubClient, makeClient()).pipe(
      Layer.provide(RpcClient.layerProtocolSocket({ retryTransientErrors: true })),
      Layer.provide([
        RpcSerialization.layerJson,
        Socket.layerWebSocket(`${trimSlash(options.url).replace(/^http/, "ws")}/rpc/ws`).pipe(
          Layer.provide(NodeSocket.layerWebSocketConstructor)
        )
      ])
    )
}
