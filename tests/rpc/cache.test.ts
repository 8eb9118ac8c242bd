/**
 * The Cache RPCs through the exported client over both transports: the same answers as the HTTP
 * door (entries seeded through the Hub's own `Cache`), the same policy, and bad user ids refused
 * by the client before sending and by the server on the wire.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Option, Schema } from "effect"
import { Forbidden, Unauthorized } from "../../src/services/auth/schema.js"
import { Cache, userTag } from "../../src/services/cache/Cache.js"
import type { UserId } from "../../src/services/guardian/schema.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { userIds } from "../support/energy.js"
import { TestHub, testHubLayer } from "../support/hub.js"
import { asAdmin, RPC_TRANSPORTS, withClient } from "../support/rpc.js"

const backends = await backendsUnderTest()


const Seeded = Schema.Struct({ n: Schema.Number })

const seed = (key: string, userId: string, n: number) =>
  Effect.flatMap(Cache, (cache) => cache.set(key, { n }, { kind: "user_stats", schema: Seeded, tags: [userTag(userId)] }))

const cached = (key: string) => Effect.flatMap(Cache, (cache) => cache.get(key, Seeded))

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Cache RPC through the exported client (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()
      const cacheKey = (name: string) => `test:${runToken()}:${name}`

      for (const transport of RPC_TRANSPORTS) {
        it.effect(`${transport.name}: Health answers the tiers (Redis ${backend.name === "real" ? "up" : "disabled"}) and Stats every counter`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const health = backend.name === "real"
                ? yield* eventually(hub.Cache.Health(), (h) => h.bus.connected, "10 seconds")
                : yield* hub.Cache.Health()
              expect(health.status).toBe("healthy")
              expect(health.tiers.l1).toMatchObject({ status: "up", maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 })
              expect(health.pendingInvalidations).toBe(0)
              if (backend.name === "real") {
                expect(health.tiers.l2.status).toBe("up")
                expect(health.tiers.l2.latencyMs).toBeGreaterThanOrEqual(0)
                expect(health.breaker?.state).toBe("closed")
                expect(health.staleBoundSeconds).toBe(5)
              } else {
                expect(health.tiers.l2).toEqual({ status: "disabled", latencyMs: null })
                expect(health.bus.connected).toBe(false)
                expect(health.breaker).toBeNull()
              }

              const before = yield* hub.Cache.Stats()
              const cache = yield* Cache
              const key = cacheKey("stats")
              const options = { kind: "user_energy", schema: Seeded } as const
              yield* cache.getOrSet(key, Effect.succeed({ n: 1 }), options)
              yield* cache.getOrSet(key, Effect.succeed({ n: 2 }), options)
              const after = yield* hub.Cache.Stats()
              expect(after.misses - before.misses).toBe(1)
              expect(after.hits.l1 - before.hits.l1).toBe(1)
              expect(after.byKind.user_energy.misses - before.byKind.user_energy.misses).toBe(1)
              expect(after.byKind.user_energy.l1Hits - before.byKind.user_energy.l1Hits).toBe(1)
              expect(after.loaderCalls - before.loaderCalls).toBe(1)
              expect(after.latencyMs.loader.samples).toBeGreaterThan(0)
            })
          ))

        it.effect(`${transport.name}: InvalidateUser drops the user's entries and answers {userId, tag, l1EntriesRemoved, propagated}`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const u = user()
              const other = user()
              const [mine, theirs] = [cacheKey("mine"), cacheKey("theirs")]
              yield* seed(mine, u, 1)
              yield* seed(theirs, other, 2)
              const before = (yield* hub.Cache.Stats()).invalidations
              expect(yield* hub.Cache.InvalidateUser({ userId: u })).toEqual({ userId: u, tag: `user:${u}`, l1EntriesRemoved: 1, propagated: true })
              expect(yield* cached(mine)).toEqual(Option.none())
              expect(yield* cached(theirs)).toEqual(Option.some({ n: 2 }))
              expect(yield* hub.Cache.InvalidateUser({ userId: u })).toEqual({ userId: u, tag: `user:${u}`, l1EntriesRemoved: 0, propagated: true })
              expect((yield* hub.Cache.Stats()).invalidations - before).toBe(2)
            })
          ))

        it.effect(`${transport.name}: a service key is let through; a user token and a narrower key are Forbidden; no credential is Unauthorized`, () =>
          Effect.gen(function* () {
            const u = user()
            const { narrow, service } = yield* asAdmin(transport.layer, (hub) =>
              Effect.gen(function* () {
                const narrow = yield* hub.Keys.Create({ name: `rpc cache ${runToken()}`, env: "dev", scopes: ["energy:read", "events:read"] })
                const service = yield* hub.Keys.Create({ name: `rpc cache ${runToken()}`, env: "dev", scopes: ["service"] })
                return { narrow: narrow.key, service: service.key }
              }))
            yield* withClient(transport.layer, service, (hub) =>
              Effect.gen(function* () {
                expect((yield* hub.Cache.Health()).status).toBe("healthy")
                expect((yield* hub.Cache.Stats()).misses).toBeGreaterThanOrEqual(0)
                expect((yield* hub.Cache.InvalidateUser({ userId: u })).tag).toBe(`user:${u}`)
              }))
            const token = yield* Effect.promise(() => userToken(u))
            for (const [label, credential, refusal] of [
              ["the user's own token", token, Forbidden],
              ["an energy:read + events:read key", narrow, Forbidden],
              ["no credential", undefined, Unauthorized]
            ] as const) {
              yield* withClient(transport.layer, credential, (hub) =>
                Effect.gen(function* () {
                  for (const [rpc, call] of [
                    ["Health", hub.Cache.Health()],
                    ["Stats", hub.Cache.Stats()],
                    ["InvalidateUser", hub.Cache.InvalidateUser({ userId: u })]
                  ] as const) {
                    const error = yield* Effect.flip(call as Effect.Effect<unknown, unknown>)
                    expect(error, `${rpc} with ${label}`).toBeInstanceOf(refusal)
                  }
                }))
            }
          }))

        it.effect(`${transport.name}: the client refuses a malformed user id before sending it`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const exit = yield* Effect.exit(Effect.suspend(() => hub.Cache.InvalidateUser({ userId: "bad user" as UserId })))
              expect(Exit.isFailure(exit) && String(Cause.squash(exit.cause))).toContain("a user id")
            })
          ))
      }

      it.effect("the server refuses a malformed user id sent on the wire, naming the field, and invalidates nothing", () =>
        Effect.gen(function* () {
          const testHub = yield* TestHub
          const before = (yield* Effect.flatMap(Cache, (cache) => cache.stats)).invalidations
          const body = JSON.stringify({
            _tag: "Request", id: "7", tag: "Cache.InvalidateUser", payload: { userId: "bad user" }, headers: []
          }) + "\n"
          const answer = yield* Effect.promise(() =>
            fetch(`${testHub.url}/rpc`, {
              method: "POST",
              body,
              headers: { "content-type": "application/ndjson", authorization: `Bearer ${TEST_ADMIN_KEY}` }
            }).then((r) => r.text())
          )
          const messages = answer.trim().split("\n").map((l) => JSON.parse(l))
          const exit = messages.find((m) => m._tag === "Exit")
          expect(exit.exit._tag, answer).toBe("Failure")
          const cause = JSON.stringify(exit.exit.cause)
          expect(cause).toContain("userId")
          expect(cause).toContain("a user id: 1 to 64 letters")
          expect((yield* Effect.flatMap(Cache, (cache) => cache.stats)).invalidations).toBe(before)
        }))
    })
  })
}
