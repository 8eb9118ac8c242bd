/**
 * The Hub's typed RPC client for TypeScript services:
 *
 *   const program = Effect.gen(function* () {
 *     const hub = yield* HubClient
 *     const health = yield* hub.Monitoring.Health()
 *   }).pipe(Effect.provide(HubClient.layer({ url: "http://127.0.0.1:8000", credential: process.env.LUNA_KEY })))
 *
 * `credential` (an API key or an end-user token) is sent as `Authorization: Bearer …` with every
 * call; only the monitoring RPCs answer without one.
 * `layer` speaks HTTP (ndjson) to `<url>/rpc`; `layerWebSocket` keeps one WebSocket to `<url>/rpc/ws`
 * (for live streams). Errors arrive typed, as the classes declared on each RPC.
 */
import { FetchHttpClient, Socket } from "@effect/platform"
import { NodeSocket } from "@effect/platform-node"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { Context, Effect, Layer } from "effect"
import { rpcCredentialLayer } from "./authentication.js"
import { HubRpcs } from "./group.js"

const makeClient = () => RpcClient.make(HubRpcs, { disableTracing: true })

export type HubRpcClient = Effect.Effect.Success<ReturnType<typeof makeClient>>

export interface HubClientOptions {
  /** The Hub's base URL, e.g. http://127.0.0.1:8000. */
  readonly url: string
  /** An API key or an end-user token; omit for the public (monitoring) RPCs only. */
  readonly credential?: string | undefined
}

const trimSlash = (url: string) => url.replace(/\/+$/, "")

export class HubClient extends Context.Tag("luna/HubClient")<HubClient, HubRpcClient>() {
  /** HTTP transport: one POST per call (streams are streamed back as ndjson). */
  static readonly layer = (options: HubClientOptions): Layer.Layer<HubClient> =>
    Layer.scoped(HubClient, makeClient()).pipe(
      Layer.provide(rpcCredentialLayer(options.credential)),
      Layer.provide(RpcClient.layerProtocolHttp({ url: `${trimSlash(options.url)}/rpc` })),
      Layer.provide([RpcSerialization.layerNdjson, FetchHttpClient.layer])
    )

  /** WebSocket transport: one connection for every call, reconnecting on transient errors. */
  static readonly layerWebSocket = (options: HubClientOptions): Layer.Layer<HubClient> =>
    Layer.scoped(HubClient, makeClient()).pipe(
      Layer.provide(rpcCredentialLayer(options.credential)),
      Layer.provide(RpcClient.layerProtocolSocket({ retryTransientErrors: true })),
      Layer.provide([
        RpcSerialization.layerJson,
        Socket.layerWebSocket(`${trimSlash(options.url).replace(/^http/, "ws")}/rpc/ws`).pipe(
          Layer.provide(NodeSocket.layerWebSocketConstructor)
        )
      ])
    )
}
