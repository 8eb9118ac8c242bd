/**
 * Journey 6 (JOURNEYS.md): a user leaves. Support exports everything the Hub holds about u-123 as
 * one JSON file, then erases the user: afterwards no table, Redis key, cache or log line written
 * after erasure holds the user's id or texts; the erasure certificate holds no personal data; other
 * users are untouched. Through HTTP, as the apps and support would.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { call, callAs, errorOf, type Json, ok, TestHub, testHubLayer } from "../support/hub.js"
import { everythingStored, holding } from "../support/stored.js"

const backends = await backendsUnderTest()

const json = (body: unknown, method = "POST"): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`journey 6: a user leaves (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      it.effect("support exports u-123 as one JSON file, erases them; nothing holds their id or texts afterwards; others untouched", () =>
        Effect.gen(function* () {
          const token = runToken()
          const user = `u-123-${token}`
          const neighbour = `u-456-${token}`
          const texts = [`Journal: I want to leave accounting ${token}`, `marie.curie.${token}@example.fr`, `Cover letter for ACME ${token}`]

          // Support and the apps have their keys; the user lives a while in Phoenix.
          const support = ok(yield* call("/admin/keys", json({ name: "Support", env: "dev", scopes: ["service", "gdpr:manage"] })), 201).key as string
          const asSupport = (path: string, init?: RequestInit) => callAs(support, path, init)
          const asUser = yield* Effect.promise(() => userToken(user))
          for (const who of [user, neighbour]) {
            ok(yield* asSupport(`/energy/${who}/account`, json({ plan: "free" })))
            ok(yield* asSupport("/gdpr/consent", json({ userId: who, consentType: "behavioral", granted: true, source: "web", ipAddress: "192.0.2.44" })), 201)
          }
          ok(yield* callAs(asUser, `/energy/${user}/consume`, json({ action: "coach_message", idempotencyKey: `c-${token}-1`, metadata: { entry: texts[0]!, contact: texts[1]! } })))
          ok(yield* callAs(asUser, `/energy/${user}/consume`, json({ action: "cover_letter_generation", idempotencyKey: `c-${token}-2`, metadata: { draft: texts[2]! } })))
          ok(yield* callAs(asUser, `/energy/${user}/stats`))
          ok(yield* asSupport(`/energy/${neighbour}/consume`, json({ action: "coach_message", idempotencyKey: `n-${token}`, metadata: { entry: "neighbour's text" } })))
          const neighbourBefore = {
            balance: ok(yield* asSupport(`/energy/${neighbour}/balance`)),
            transactions: ok(yield* asSupport(`/energy/${neighbour}/transactions`)),
            consents: ok(yield* asSupport(`/gdpr/consent/${neighbour}`))
          }

          // The export: one JSON file with everything, texts readable.
          const exported = yield* asSupport(`/gdpr/export/${user}`)
          expect(exported.status).toBe(200)
          expect(exported.headers.get("content-disposition")).toBe(`attachment; filename="luna-export-${user}.json"`)
          const file = exported.json as Json
          expect(file).toMatchObject({ schemaVersion: 1, userId: user, account: { userId: user } })
          expect(file.transactions.map((t: Json) => t.kind).sort()).toEqual(["consume", "consume", "credit"])
          expect(file.events.length).toBe(4)
          expect(file.consents.history).toHaveLength(1)
          for (const text of texts) expect(exported.text).toContain(text)

          // The erasure, and its certificate.
          const logsBefore = (yield* TestHub).logs.length
          const erased = ok(yield* asSupport(`/gdpr/delete/${user}`, { method: "DELETE" }), 202)
          expect(erased.status).toBe("completed")
          const certificate = JSON.stringify(erased.certificate)
          for (const secret of [user, ...texts]) expect(certificate).not.toContain(secret)

          // Nothing stored, and no log line since, holds the user's id or texts.
          const needles = [user, ...texts]
          expect(holding(yield* everythingStored, needles), "stored data still naming the user").toEqual([])
          const newLogs = (yield* TestHub).logs.slice(logsBefore)
          expect(newLogs.length).toBeGreaterThan(0)
          expect(holding(newLogs, needles), "log lines naming the user").toEqual([])

          // The Hub answers as if the user never was; the neighbour is untouched.
          expect(errorOf(yield* asSupport(`/energy/${user}/balance`)).tag).toBe("UserNotFound")
          expect(ok(yield* asSupport(`/energy/${neighbour}/balance`))).toEqual(neighbourBefore.balance)
          expect(ok(yield* asSupport(`/energy/${neighbour}/transactions`))).toEqual(neighbourBefore.transactions)
          expect(ok(yield* asSupport(`/gdpr/consent/${neighbour}`))).toEqual(neighbourBefore.consents)
          expect(JSON.stringify(neighbourBefore.transactions)).toContain("neighbour's text")
        }))
    })
  })
}
