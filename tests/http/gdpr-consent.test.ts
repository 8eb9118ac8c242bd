/**
 * Consent through both doors: the seeded types, grants and withdrawals appended to a history, the
 * check by data category (current version only), anonymised IP and user agent, the errors, who may
 * call, and `Consent.require` as processing uses it (off with `GDPR_ENABLED=false`).
 */
import { describe, expect, layer } from "@effect/vitest"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Context, Effect, Layer } from "effect"
import { HubClient } from "../../src/rpc/client.js"
import { Consent } from "../../src/services/gdpr/consent/Consent.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { userIds } from "../support/energy.js"
import { call, callAs, errorOf, type Json, ok, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const post = (path: string, body: unknown, credential = TEST_ADMIN_KEY) =>
  callAs(credential, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const RAW_AGENT = "Mozilla/5.0 (X11; Linux x86_64) CanaryBrowser/9.9"

for (const backend of backends) {
  describe.skipIf(backend.skip)(`GDPR consent (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()

      it.effect("the four seeded consent types, essential required", () =>
        Effect.gen(function* () {
          const { consentTypes } = ok(yield* call("/gdpr/info/consent-types"))
          expect(consentTypes.map((t: Json) => t.code).sort()).toEqual(["behavioral", "essential", "marketing", "narrative_analysis"])
          expect(consentTypes.find((t: Json) => t.code === "essential")).toMatchObject({ required: true, version: 1, dataCategory: "account" })
          expect(consentTypes.find((t: Json) => t.code === "narrative_analysis")).toMatchObject({ required: false, dataCategory: "narrative_analysis" })
        }))

      it.effect("grant, check, withdraw: the history keeps both; the IP is truncated and the user agent never stored", () =>
        Effect.gen(function* () {
          const u = user()
          const before = ok(yield* call(`/gdpr/check-consent/${u}?data_category=narrative_analysis`))
          expect(before).toEqual({ userId: u, dataCategory: "narrative_analysis", granted: false, version: null, since: null })

          const granted = ok(yield* post("/gdpr/consent", {
            userId: u, consentType: "narrative_analysis", granted: true, source: "web", ipAddress: "203.0.113.77", userAgent: RAW_AGENT
          }), 201)
          expect(granted.record).toMatchObject({ consentType: "narrative_analysis", version: 1, granted: true, source: "web", ipAnonymised: "203.0.113.0" })
          const check = ok(yield* call(`/gdpr/check-consent/${u}?data_category=narrative_analysis`))
          expect(check).toMatchObject({ granted: true, version: 1, since: granted.record.recordedAt })

          ok(yield* post("/gdpr/consent", { userId: u, consentType: "narrative_analysis", granted: false, source: "mobile", ipAddress: "2001:db8:abcd:12::1" }), 201)
          expect(ok(yield* call(`/gdpr/check-consent/${u}?data_category=narrative_analysis`)).granted).toBe(false)

          const consents = ok(yield* call(`/gdpr/consent/${u}`))
          expect(consents.history.map((r: Json) => [r.granted, r.source, r.ipAnonymised])).toEqual([
            [true, "web", "203.0.113.0"],
            [false, "mobile", "2001:db8:abcd::"]
          ])
          expect(consents.consents.find((c: Json) => c.consentType === "narrative_analysis")).toMatchObject({ granted: false, version: 1, currentVersion: 1 })
          expect(consents.consents.find((c: Json) => c.consentType === "marketing")).toMatchObject({ granted: false, version: null, since: null })

          // Nothing in the table holds the raw address or user agent.
          const rows = yield* Effect.flatMap(PgClient.PgClient, (sql) => sql<{ readonly row: string }>`SELECT row_to_json(r)::text AS row FROM gdpr_consent_records r WHERE user_id = ${u}`)
          expect(rows).toHaveLength(2)
          for (const { row } of rows) {
            expect(row).not.toContain("203.0.113.77")
            expect(row).not.toContain("CanaryBrowser")
            expect(row).not.toContain(":12::1")
          }
        }))

      it.effect("errors: unknown type 400, another version 409, unknown data category 400, bad body 400", () =>
        Effect.gen(function* () {
          const u = user()
          const unknown = yield* post("/gdpr/consent", { userId: u, consentType: "astrology", granted: true, source: "web" })
          expect(unknown.status).toBe(400)
          expect(errorOf(unknown)).toMatchObject({ tag: "UnknownConsentType", consentType: "astrology" })
          const stale = yield* post("/gdpr/consent", { userId: u, consentType: "marketing", granted: true, version: 2, source: "web" })
          expect(stale.status).toBe(409)
          expect(errorOf(stale)).toMatchObject({ tag: "ConsentVersionMismatch", currentVersion: 1, given: 2 })
          const category = yield* call(`/gdpr/check-consent/${u}?data_category=horoscope`)
          expect(category.status).toBe(400)
          expect(errorOf(category)).toMatchObject({ tag: "UnknownDataCategory" })
          const bad = yield* post("/gdpr/consent", { userId: u, consentType: "marketing", granted: "yes", source: "web" })
          expect(bad.status).toBe(400)
          expect(errorOf(bad).tag).toBe("InvalidRequest")
        }))

      it.effect("a user token reads its own consents only; recording needs a gdpr:manage key", () =>
        Effect.gen(function* () {
          const self = user()
          const token = yield* Effect.promise(() => userToken(self))
          expect((yield* callAs(token, `/gdpr/consent/${self}`)).status).toBe(200)
          expect((yield* callAs(token, `/gdpr/check-consent/${self}?data_category=behavioral`)).status).toBe(200)
          expect((yield* callAs(token, `/gdpr/consent/${user()}`)).status).toBe(403)
          expect((yield* post("/gdpr/consent", { userId: self, consentType: "behavioral", granted: true, source: "web" }, token)).status).toBe(403)
          const created = yield* post("/admin/keys", { name: `gdpr ${runToken()}`, env: "dev", scopes: ["gdpr:manage"] })
          const gdprKey = (created.json as { key: string }).key
          ok(yield* post("/gdpr/consent", { userId: self, consentType: "behavioral", granted: true, source: "api" }, gdprKey), 201)
          expect(ok(yield* callAs(token, `/gdpr/check-consent/${self}?data_category=behavioral`)).granted).toBe(true)
        }))

      it.effect("the same operations over RPC", () =>
        Effect.gen(function* () {
          const u = user()
          const hub = yield* TestHub
          const answers = yield* Effect.scoped(Effect.flatMap(Layer.build(HubClient.layer({ url: hub.url, credential: TEST_ADMIN_KEY })), (context) =>
            Effect.gen(function* () {
              const rpc = Context.get(context, HubClient)
              const types = yield* rpc.Gdpr.ConsentTypes()
              const recorded = yield* rpc.Gdpr.RecordConsent({ userId: u, consentType: "behavioral", granted: true, source: "api" })
              const check = yield* rpc.Gdpr.CheckConsent({ userId: u, dataCategory: "behavioral" })
              const all = yield* rpc.Gdpr.UserConsents({ userId: u })
              const unknown = yield* Effect.flip(rpc.Gdpr.CheckConsent({ userId: u, dataCategory: "horoscope" }))
              return { types, recorded, check, all, unknown }
            })))
          expect(answers.types.consentTypes).toHaveLength(4)
          expect(answers.recorded.record.granted).toBe(true)
          expect(answers.check).toMatchObject({ granted: true, version: 1 })
          expect(answers.all.history).toHaveLength(1)
          expect(answers.unknown._tag).toBe("UnknownDataCategory")
        }))

      it.effect("require: ConsentRequired until granted, again after a withdrawal", () =>
        Effect.gen(function* () {
          const consent = yield* Consent
          const u = user()
          expect(yield* Effect.flip(consent.require(u, "narrative_analysis"))).toMatchObject({ _tag: "ConsentRequired", dataCategory: "narrative_analysis" })
          yield* consent.record({ userId: u, consentType: "narrative_analysis", granted: true, source: "api" })
          yield* consent.require(u, "narrative_analysis")
          yield* consent.record({ userId: u, consentType: "narrative_analysis", granted: false, source: "api" })
          expect(yield* Effect.flip(consent.require(u, "narrative_analysis"))).toMatchObject({ _tag: "ConsentRequired" })
        }))
    })

    layer(testHubLayer(backend.name, { env: { GDPR_ENABLED: "false" } }), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("GDPR_ENABLED=false: require lets processing through and says so at start", () =>
        Effect.gen(function* () {
          const consent = yield* Consent
          yield* consent.require(`u-off-${runToken()}`, "narrative_analysis")
          const hub = yield* TestHub
          expect(hub.logs.some((line) => line.includes("GDPR consent checks disabled"))).toBe(true)
        }))
    })
  })
}
