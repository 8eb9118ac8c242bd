/**
 * Journey 3 (JOURNEYS.md): the coach app, as the user. With a user token for u-123 it reads that
 * user's balance, posts a journal entry for narrative analysis (consent given first), gets themes,
 * stage and evidence back, and is refused (403) when it asks for u-456's balance. Through HTTP.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { call, callAs, errorOf, ok, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const JOURNAL = "Depuis des mois je suis épuisée par mon travail de comptable et je n'y trouve plus de sens. " +
  "J'ai décidé de me reconvertir : je commence une formation de développeuse web en janvier."

for (const backend of backends) {
  describe.skipIf(backend.skip)(`journey 3: the coach app, as the user (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      it.effect("reads the user's balance, analyses a journal entry once consent is given, and is refused another user's balance", () =>
        Effect.gen(function* () {
          const user = `u-123-${runToken()}`
          const other = `u-456-${runToken()}`
          // Phoenix set the user up: an account, and the consent the user gave in the app.
          for (const who of [user, other]) ok(yield* call(`/energy/${who}/account`, json({ plan: "free" })))
          const asUser = yield* Effect.promise(() => userToken(user))
          const coach = (path: string, init?: RequestInit) => callAs(asUser, path, init)

          expect(ok(yield* coach(`/energy/${user}/balance`))).toMatchObject({ userId: user, balance: 100 })

          const entry = { text: JOURNAL, kind: "journal", idempotencyKey: `journal-${runToken()}` }
          expect(errorOf(yield* coach(`/narrative/${user}/analyze`, json(entry)))).toMatchObject({ tag: "ConsentRequired", dataCategory: "narrative_analysis" })
          ok(yield* call("/gdpr/consent", json({ userId: user, consentType: "narrative_analysis", granted: true, source: "mobile" })), 201)

          const analysed = ok(yield* coach(`/narrative/${user}/analyze`, json(entry)))
          const { analysis } = analysed
          expect(analysis.language.value).toBe("fr")
          expect(analysis.themes.map((t: { theme: string }) => t.theme)).toEqual(expect.arrayContaining(["burnout_stress", "meaning_purpose"]))
          expect(["exploration", "decision", "preparation", "transition", "integration"]).toContain(analysis.stage.value)
          expect(analysis.stage.evidence.length).toBeGreaterThan(0)
          for (const conclusion of [...analysis.themes, analysis.stage]) {
            for (const span of conclusion.evidence) expect(JOURNAL.slice(span.start, span.end)).toBe(span.text)
          }
          expect(analysed.charge).toMatchObject({ action: "narrative_analysis", amount: 10 })
          expect(ok(yield* coach(`/energy/${user}/balance`)).balance).toBe(90)

          const refused = yield* coach(`/energy/${other}/balance`)
          expect(refused.status).toBe(403)
          expect(errorOf(refused).tag).toBe("Forbidden")
        }))
    })
  })
}
