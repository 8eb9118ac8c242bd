/**
 * The Keys RPCs and the RPC door's authentication, through the exported client over both
 * transports: admin-only Keys and Events, public Monitoring, errors arriving as their classes.
 */
import { describe, expect, layer } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { randomUUID } from "node:crypto"
import { HubClient } from "../../src/rpc/client.js"
import { Forbidden, Unauthorized } from "../../src/services/auth/schema.js"
import { generateApiKey } from "../../src/services/keys/format.js"
import { KeyNotFound, KeyNotRotatable, type Scope } from "../../src/services/keys/schema.js"
import { userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { testHubLayer } from "../support/hub.js"
import { asAdmin, RPC_TRANSPORTS, withClient } from "../support/rpc.js"

const backends = await backendsUnderTest()

const newKey = (hub: HubClient["Type"], scopes: ReadonlyArray<Scope> = ["events:read"]) =>
  hub.Keys.Create({ name: `rpc ${runToken()}`, env: "dev", scopes })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Keys RPC and RPC authentication through the exported client (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      for (const transport of RPC_TRANSPORTS) {
        it.effect(`${transport.name}: Create, Get, List and Status succeed with the admin key, decoded`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const created = yield* hub.Keys.Create({ name: `<i>rpc</i> ${runToken()}`, env: "prod", scopes: ["events:read"], expiresInDays: 5 })
              expect(created.key).toMatch(/^luna_prod_[0-9A-Za-z]{38}$/)
              expect(created.info).toMatchObject({ env: "prod", scopes: ["events:read"], status: "active", rotatedFrom: null })
              expect(created.info.name).not.toContain("<i>")
              expect(DateTime.isDateTime(created.info.createdAt)).toBe(true)
              const one = yield* hub.Keys.Get({ keyId: created.info.id })
              expect(one).toEqual(created.info)
              const list = yield* hub.Keys.List()
              expect(list.find((k) => k.id === created.info.id)).toEqual(created.info)
              expect(list.some((k) => k.name === "bootstrap admin")).toBe(true)
              const status = yield* hub.Keys.Status()
              const entry = status.keys.find((k) => k.id === created.info.id)
              expect(entry).toMatchObject({ id: created.info.id, expiringSoon: true, schedule: null })
              expect(entry!.secondsToExpiry).toBeGreaterThan(5 * 86_400 - 120)
              expect(status.expiringSoon.map((k) => k.id)).toContain(created.info.id)
              expect(JSON.stringify([one, list, status])).not.toContain(created.key)
            })
          ))

        it.effect(`${transport.name}: ScheduleRotation, Rotate, Revoke and Audit succeed with the admin key`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const { info } = yield* newKey(hub)
              const schedule = yield* hub.Keys.ScheduleRotation({ keyId: info.id, everySeconds: 7200 })
              expect(schedule).toMatchObject({ keyId: info.id, everySeconds: 7200 })
              expect(DateTime.toEpochMillis(schedule.nextRunAt)).toBeGreaterThan(Date.now() + 7100_000)
              const { current, previous } = yield* hub.Keys.Rotate({ keyId: info.id, overlapSeconds: 600 })
              expect(previous).toMatchObject({ id: info.id, status: "rotating", replacedBy: current.info.id })
              expect(current.info.rotatedFrom).toBe(info.id)
              expect(current.key).toMatch(/^luna_dev_/)
              const revoked = yield* hub.Keys.Revoke({ keyId: info.id })
              expect(revoked).toMatchObject({ id: info.id, status: "revoked" })
              expect(yield* hub.Keys.Revoke({ keyId: info.id })).toEqual(revoked)
              const trail = yield* hub.Keys.Audit({ keyId: info.id })
              expect(trail.map((e) => e.type)).toEqual(["ApiKeyCreated", "ApiKeyRotationScheduled", "ApiKeyRotated", "ApiKeyRevoked"])
              expect(typeof trail[0]!.position).toBe("bigint")
              expect(trail.every((e) => e.streamId === `apikey:${info.id}`)).toBe(true)
            })
          ))

        it.effect(`${transport.name}: a key made over RPC authenticates, and its successor too during the overlap`, () =>
          Effect.gen(function* () {
            const made = yield* asAdmin(transport.layer, (hub) => newKey(hub, ["admin"]))
            const rotated = yield* withClient(transport.layer, made.key, (hub) => hub.Keys.Rotate({ keyId: made.info.id }))
            for (const key of [made.key, rotated.current.key]) {
              const seen = yield* withClient(transport.layer, key, (hub) => hub.Keys.Get({ keyId: made.info.id }))
              expect(seen).toMatchObject({ status: "rotating", replacedBy: rotated.current.info.id })
            }
            // The rotation was made by the key itself.
            const trail = yield* asAdmin(transport.layer, (hub) => hub.Keys.Audit({ keyId: made.info.id }))
            expect(trail.at(-1)).toMatchObject({ type: "ApiKeyRotated", metadata: { actor: `key:${made.info.id}` } })
          }))

        it.effect(`${transport.name}: KeyNotFound and KeyNotRotatable arrive as their classes`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const unknown = randomUUID()
              for (const call of [
                hub.Keys.Get({ keyId: unknown }),
                hub.Keys.Revoke({ keyId: unknown }),
                hub.Keys.Audit({ keyId: unknown }),
                hub.Keys.Rotate({ keyId: unknown }),
                hub.Keys.ScheduleRotation({ keyId: unknown, everySeconds: 3600 })
              ] as ReadonlyArray<Effect.Effect<unknown, unknown>>) {
                const error = yield* Effect.flip(call)
                expect(error).toBeInstanceOf(KeyNotFound)
                expect(error).toMatchObject({ _tag: "KeyNotFound", keyId: unknown })
              }
              const { info } = yield* newKey(hub)
              yield* hub.Keys.Rotate({ keyId: info.id })
              const again = yield* Effect.flip(hub.Keys.Rotate({ keyId: info.id }))
              expect(again).toBeInstanceOf(KeyNotRotatable)
              expect(again).toMatchObject({ keyId: info.id, status: "rotating" })
              const revoked = (yield* newKey(hub)).info
              yield* hub.Keys.Revoke({ keyId: revoked.id })
              const schedule = yield* Effect.flip(hub.Keys.ScheduleRotation({ keyId: revoked.id, everySeconds: 3600 }))
              expect(schedule).toBeInstanceOf(KeyNotRotatable)
              expect(schedule).toMatchObject({ keyId: revoked.id, status: "revoked" })
            })
          ))

        it.effect(`${transport.name}: without a credential Events and Keys fail with Unauthorized (missing); Monitoring still answers`, () =>
          withClient(transport.layer, undefined, (hub) =>
            Effect.gen(function* () {
              const health = yield* hub.Monitoring.Health()
              expect(health.dependencies.database.status).toBe("up")
              expect((yield* hub.Monitoring.Version()).name).toBe("luna-hub")
              for (const [label, call] of [
                ["Events.ReadAll", hub.Events.ReadAll({ limit: 1 })],
                ["Keys.List", hub.Keys.List()],
                ["Keys.Create", hub.Keys.Create({ name: "nobody", env: "dev", scopes: ["admin"] })],
                ["Keys.Revoke", hub.Keys.Revoke({ keyId: randomUUID() })]
              ] as const) {
                const error = yield* Effect.flip(call as Effect.Effect<unknown, unknown>)
                expect(error, label).toBeInstanceOf(Unauthorized)
                expect(error, label).toMatchObject({ reason: "missing" })
              }
            })
          ))

        it.effect(`${transport.name}: malformed, unknown and revoked keys and invalid tokens fail with Unauthorized and their reason`, () =>
          Effect.gen(function* () {
            const revoked = yield* asAdmin(transport.layer, (hub) =>
              Effect.tap(newKey(hub, ["admin"]), (made) => hub.Keys.Revoke({ keyId: made.info.id })))
            const expired = yield* Effect.promise(() => userToken("u-self", { nowMs: Date.now() - 7200_000, ttlSeconds: 3600 }))
            for (const [credential, reason] of [
              ["luna_garbage", "malformed"],
              [`${generateApiKey("dev").slice(0, -1)}!`, "malformed"],
              [generateApiKey("dev"), "unknown"],
              [revoked.key, "revoked"],
              [expired, "invalid_token"]
            ] as const) {
              const error = yield* withClient(transport.layer, credential, (hub) => Effect.flip(hub.Keys.List()))
              expect(error, reason).toBeInstanceOf(Unauthorized)
              expect(error, reason).toMatchObject({ reason })
            }
          }))

        it.effect(`${transport.name}: a service key and a user token fail with Forbidden on Keys; Events needs events:read (service has it)`, () =>
          Effect.gen(function* () {
            const service = yield* asAdmin(transport.layer, (hub) => newKey(hub, ["service"]))
            const narrow = yield* asAdmin(transport.layer, (hub) => newKey(hub, ["energy:read"]))
            const user = yield* Effect.promise(() => userToken("u-self"))
            for (const [label, credential] of [["service key", service.key], ["user token", user], ["energy:read key", narrow.key]] as const) {
              yield* withClient(transport.layer, credential, (hub) =>
                Effect.gen(function* () {
                  for (const [rpc, call] of [
                    ["Keys.List", hub.Keys.List()],
                    ["Keys.Rotate", hub.Keys.Rotate({ keyId: service.info.id })]
                  ] as const) {
                    const error = yield* Effect.flip(call as Effect.Effect<unknown, unknown>)
                    expect(error, `${rpc} with a ${label}`).toBeInstanceOf(Forbidden)
                  }
                  const events = yield* Effect.either(hub.Events.ReadAll({ limit: 1 }))
                  if (label === "service key") expect(events._tag, `Events.ReadAll with a ${label}`).toBe("Right")
                  else expect(events._tag === "Left" ? events.left : events, `Events.ReadAll with a ${label}`).toBeInstanceOf(Forbidden)
                  // Public RPCs answer whoever calls.
                  expect((yield* hub.Monitoring.Health()).dependencies.database.status).toBe("up")
                })
              )
            }
            // The refused Rotate changed nothing.
            const after = yield* asAdmin(transport.layer, (hub) => hub.Keys.Get({ keyId: service.info.id }))
            expect(after.status).toBe("active")
          }))
      }
    })
  })
}
