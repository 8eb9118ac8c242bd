/**
 * Behavioural statistics (`Energy.stats`: GET /energy/{userId}/stats and `Energy.Stats`) need the
 * user's `behavioral` consent, asked through `Consent.require` on every call: 403 ConsentRequired
 * without it, the stats once granted, 403 again right after a withdrawal (a cached answer is not
 * served), and no check with `GDPR_ENABLED=false`. Through both doors, on both backends.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Cache } from "../../src/services/cache/Cache.js"
import { ConsentRequired } from "../../src/services/gdpr/consent/schema.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { key, userIds } from "../support/energy.js"
import { call, callAs, errorOf, type HttpAnswer, ok, testHubLayer } from "../support/hub.js"
import { asAdmin, RPC_TRANSPORTS, withClient } from "../support/rpc.js"

const backends = await backendsUnderTest()

const post = (path: string, body: unknown, credential = TEST_ADMIN_KEY) =>
  callAs(credential, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const expectConsentRequired = (answer: HttpAnswer, userId: string) => {
  expect(answer.status, answer.text).toBe(403)
  expect(answer.json, answer.text).toEqual({
    error: { tag: "ConsentRequired", message: expect.stringContaining("behavioral"), userId, dataCategory: "behavioral" }
  })
}

const consentTo = (userId: string, granted: boolean) =>
  Effect.map(post("/gdpr/consent", { userId, consentType: "behavioral", granted, source: "api" }), (answer) => ok(answer, 201))

/** An account with one charge on it. */
const openWithCharge = (userId: string) =>
  Effect.gen(function* () {
    ok(yield* post(`/energy/${userId}/account`, {}))
    ok(yield* post(`/energy/${userId}/consume`, { action: "coach_message", idempotencyKey: key() }))
  })

const userStatsHits = Effect.flatMap(Cache, (cache) => Effect.map(cache.stats, (stats) => stats.byKind.user_stats?.l1Hits ?? 0))

for (const backend of backends) {
  describe.skipIf(backend.skip)(`behavioural stats need consent (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()

      it.effect("HTTP: 403 ConsentRequired without consent, 200 once granted, 403 again after a withdrawal though the stats are cached", () =>
        Effect.gen(function* () {
          const u = user()
          yield* openWithCharge(u)
          const token = yield* Effect.promise(() => userToken(u))
          expectConsentRequired(yield* callAs(TEST_ADMIN_KEY, `/energy/${u}/stats?period=all`), u)
          // The user's own token is allowed to read, and still refused for want of consent.
          expectConsentRequired(yield* callAs(token, `/energy/${u}/stats`), u)

          yield* consentTo(u, true)
          const stats = ok(yield* call(`/energy/${u}/stats?period=all`))
          expect(stats).toMatchObject({ userId: u, period: "all", consumed: 5 })
          const hitsBefore = yield* userStatsHits
          expect(ok(yield* callAs(token, `/energy/${u}/stats?period=all`))).toEqual(stats)
          // That answer came from the cache: the entry is there when consent is withdrawn.
          expect((yield* userStatsHits) - hitsBefore).toBe(1)

          yield* consentTo(u, false)
          expectConsentRequired(yield* call(`/energy/${u}/stats?period=all`), u)
          expectConsentRequired(yield* callAs(token, `/energy/${u}/stats`), u)
          // Other reads of the ledger do not need it.
          ok(yield* call(`/energy/${u}/transactions`))
          ok(yield* call(`/energy/${u}/balance`))
        }))

      it.effect("HTTP: consent is asked before anything is read: a user with neither account nor consent is 403, not 404", () =>
        Effect.gen(function* () {
          const never = user("never")
          expectConsentRequired(yield* call(`/energy/${never}/stats`), never)
          yield* consentTo(never, true)
          const missing = yield* call(`/energy/${never}/stats`)
          expect(missing.status, missing.text).toBe(404)
          expect(errorOf(missing)).toMatchObject({ tag: "UserNotFound", userId: never })
        }))

      it.effect("/openapi.json declares 403 ConsentRequired on the stats operation", () =>
        Effect.gen(function* () {
          const spec = ok(yield* call("/openapi.json"))
          const refused = JSON.stringify(spec.paths["/energy/{userId}/stats"].get.responses["403"] ?? null)
          expect(refused).toContain('"#/components/schemas/ConsentRequired"')
          expect(spec.components.schemas.ConsentRequired.properties.error.required).toEqual(
            expect.arrayContaining(["tag", "message", "userId", "dataCategory"])
          )
          expect(spec.paths["/energy/{userId}/stats"].get.description).toContain("ConsentRequired")
          // Only the stats need it.
          expect(JSON.stringify(spec.paths["/energy/{userId}/transactions"].get.responses["403"] ?? null)).not.toContain("ConsentRequired")
        }))

      for (const transport of RPC_TRANSPORTS) {
        it.effect(`${transport.name}: Stats fails with ConsentRequired without consent, answers once granted, fails again after a withdrawal`, () =>
          Effect.gen(function* () {
            const u = user()
            yield* openWithCharge(u)
            const token = yield* Effect.promise(() => userToken(u))
            yield* asAdmin(transport.layer, (hub) =>
              Effect.gen(function* () {
                const refused = yield* Effect.flip(hub.Energy.Stats({ userId: u, period: "all" }))
                expect(refused).toBeInstanceOf(ConsentRequired)
                expect(refused).toMatchObject({ userId: u, dataCategory: "behavioral" })

                yield* hub.Gdpr.RecordConsent({ userId: u, consentType: "behavioral", granted: true, source: "api" })
                const stats = yield* hub.Energy.Stats({ userId: u, period: "all" })
                expect(stats).toMatchObject({ userId: u, period: "all", consumed: 5 })
                expect(yield* hub.Energy.Stats({ userId: u, period: "all" })).toEqual(stats)

                yield* hub.Gdpr.RecordConsent({ userId: u, consentType: "behavioral", granted: false, source: "api" })
                expect(yield* Effect.flip(hub.Energy.Stats({ userId: u, period: "all" }))).toBeInstanceOf(ConsentRequired)
              }))
            // The user's own token: allowed to call, refused for want of consent.
            const own = yield* withClient(transport.layer, token, (hub) => Effect.flip(hub.Energy.Stats({ userId: u })))
            expect(own).toBeInstanceOf(ConsentRequired)
          }))
      }
    })

    layer(testHubLayer(backend.name, { env: { GDPR_ENABLED: "false" } }), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()

      it.effect("GDPR_ENABLED=false: stats answer without any consent, over HTTP and RPC", () =>
        Effect.gen(function* () {
          const u = user()
          yield* openWithCharge(u)
          expect(ok(yield* call(`/energy/${u}/stats?period=all`))).toMatchObject({ userId: u, period: "all", consumed: 5 })
          const token = yield* Effect.promise(() => userToken(u))
          ok(yield* callAs(token, `/energy/${u}/stats`))
          for (const transport of RPC_TRANSPORTS) {
            const stats = yield* asAdmin(transport.layer, (hub) => hub.Energy.Stats({ userId: u, period: "all" }))
            expect(stats, transport.name).toMatchObject({ userId: u, consumed: 5 })
          }
        }))
    })
  })
}
