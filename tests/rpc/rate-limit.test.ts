/**
 * The scopes on the RPC door, through the exported client over both transports: the same typed
 * `RateLimited` as HTTP's 429, GLOBAL_DDOS counted per call (the probes' twins excepted),
 * API_GENERAL per principal, AUTH_LOGIN after five failed authentications.
 * The client speaks from 127.0.0.1; each test starts by resetting that address.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { HubClient } from "../../src/rpc/client.js"
import { RateLimits } from "../../src/services/rate-limit/RateLimits.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { userIds } from "../support/energy.js"
import { testHubLayer } from "../support/hub.js"
import { RPC_TRANSPORTS, withClient } from "../support/rpc.js"

const backends = await backendsUnderTest()

const SCOPES = {
  GLOBAL_DDOS: { limit: 30, windowSeconds: 60 },
  API_GENERAL: { limit: 10, windowSeconds: 60 },
  AUTH_LOGIN: { limit: 5, windowSeconds: 900 }
}

const LOOPBACK = "127.0.0.1"
const freshLoopback = Effect.flatMap(RateLimits, (limits) => limits.reset(LOOPBACK))

const refusal = <A, E extends { readonly _tag: string }, R>(call: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(call), (error) => error as E & { readonly scope?: string; readonly retryAfterSeconds?: number })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`rate limits at the RPC door (${backend.name})`, () => {
    layer(testHubLayer(backend.name, { env: { RATE_LIMIT_SCOPES: JSON.stringify(SCOPES) } }), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()

      for (const transport of RPC_TRANSPORTS) {
        it.effect(`${transport.name}: API_GENERAL refuses a user's 11th call with RateLimited; another user is counted apart`, () =>
          Effect.gen(function* () {
            yield* freshLoopback
            const token = yield* Effect.promise(() => userToken(user()))
            yield* withClient(transport.layer, token, (hub) =>
              Effect.gen(function* () {
                for (let i = 0; i < 10; i++) yield* hub.Energy.Actions()
                const refused = yield* refusal(hub.Energy.Actions())
                expect(refused._tag).toBe("RateLimited")
                expect(refused.scope).toBe("api_general")
                expect(refused.retryAfterSeconds).toBeGreaterThan(0)
              }))
            const other = yield* Effect.promise(() => userToken(user()))
            yield* withClient(transport.layer, other, (hub) => hub.Energy.Actions())
          }))
      }

      it.effect("AUTH_LOGIN: after five failed authentications from the address, even the admin key is refused", () =>
        Effect.gen(function* () {
          yield* freshLoopback
          yield* withClient(HubClient.layer, "luna_dev_not-a-real-key-0000000000000000", (hub) =>
            Effect.gen(function* () {
              for (let i = 0; i < 5; i++) expect((yield* refusal(hub.Keys.List()))._tag).toBe("Unauthorized")
            }))
          const refused = yield* withClient(HubClient.layer, TEST_ADMIN_KEY, (hub) => refusal(hub.Keys.List()))
          expect(refused._tag).toBe("RateLimited")
          expect(refused.scope).toBe("auth_login")
          yield* freshLoopback
          yield* withClient(HubClient.layer, TEST_ADMIN_KEY, (hub) => hub.Keys.List())
        }))

      for (const transport of RPC_TRANSPORTS) {
        it.effect(`${transport.name}: GLOBAL_DDOS counts each call, public ones included, before authentication; the probes' twins are never refused`, () =>
          Effect.gen(function* () {
            yield* freshLoopback
            yield* withClient(transport.layer, undefined, (hub) =>
              Effect.gen(function* () {
                // Over WebSocket the upgrade request is one request of the address too.
                const calls = transport.name === "WebSocket" ? 29 : 30
                for (let i = 0; i < calls; i++) yield* hub.Monitoring.Version()
                const refused = yield* refusal(hub.Monitoring.Version())
                expect(refused._tag).toBe("RateLimited")
                expect(refused.scope).toBe("global_ddos")
                // Before authentication: a call without credentials is refused by the limit, not by Auth.
                expect((yield* refusal(hub.Keys.List())).scope).toBe("global_ddos")
                const health = yield* hub.Monitoring.Health()
                expect(health.status).toBeDefined()
              }))
          }))
      }
    })
  })
}
