/**
 * The exported RPC client against the test Hub, over both transports: what the door suites and
 * journeys call instead of building the client themselves.
 */
import { Context, Effect, Layer } from "effect"
import { HubClient, type HubClientOptions } from "../../src/rpc/client.js"
import { TEST_ADMIN_KEY } from "./auth.js"
import { TestHub } from "./hub.js"

export const RPC_TRANSPORTS = [
  { name: "HTTP", layer: HubClient.layer },
  { name: "WebSocket", layer: HubClient.layerWebSocket }
] as const

export type MakeClient = (options: HubClientOptions) => Layer.Layer<HubClient>

/** The exported client, pointed at the test Hub, sending `credential` (none: undefined). */
export const withClient = <A, E, R>(make: MakeClient, credential: string | undefined, use: (hub: HubClient["Type"]) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(TestHub, (testHub) =>
    Effect.scoped(Effect.flatMap(Layer.build(make({ url: testHub.url, credential })), (context) => use(Context.get(context, HubClient))))
  )

/** The same, as the bootstrap admin. */
export const asAdmin = <A, E, R>(make: MakeClient, use: (hub: HubClient["Type"]) => Effect.Effect<A, E, R>) => withClient(make, TEST_ADMIN_KEY, use)
