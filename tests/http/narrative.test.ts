/**
 * The narrative analyzer through both doors, on both backends: a text and a batch analysed by
 * content (cached, evidence pointing into the text), the input bounds, who may call, and a user's
 * analysis (consent first, charged once per key, stored sealed, replayed, refused for another text)
 * with the insights its stored analyses make.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Chunk, Effect, Stream } from "effect"
import type { UserId } from "../../src/services/guardian/schema.js"
import { MAX_TEXT_CHARACTERS, MAX_TEXTS_PER_BATCH } from "../../src/services/narrative/analyzer/limits.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { call, callAs, errorOf, type Json, ok, testHubLayer } from "../support/hub.js"
import { asAdmin, RPC_TRANSPORTS } from "../support/rpc.js"

const backends = await backendsUnderTest()

const post = (path: string, body: unknown, credential: string = TEST_ADMIN_KEY) =>
  callAs(credential, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const FRENCH = "Je suis épuisé par mon poste de comptable et je ne trouve plus de sens à mon travail. " +
  "Je veux me reconvertir dans le développement web : je suis une formation en ligne et j'apprends JavaScript le soir."
const ENGLISH = "I finally started my new job as a data analyst last month. The team is welcoming and I feel confident, " +
  "although I still have a lot to learn about SQL and project management."

/** Every evidence span of an analysis is the substring of the text it claims to be. */
const expectEvidenceInText = (analysis: Json, text: string) => {
  const spans: Array<Json> = []
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk)
    else if (typeof value === "object" && value !== null) {
      const record = value as Json
      if (typeof record.start === "number" && typeof record.end === "number" && typeof record.text === "string") spans.push(record)
      Object.values(record).forEach(walk)
    }
  }
  walk(analysis)
  expect(spans.length).toBeGreaterThan(0)
  for (const span of spans) expect(text.slice(span.start, span.end)).toBe(span.text)
}

/** The narrative kind's cache counters: hits from either tier, and misses. */
const narrativeKinds = (stats: Json) => {
  const counts = stats.byKind.narrative as { l1Hits: number; l2Hits: number; misses: number }
  return { hits: counts.l1Hits + counts.l2Hits, misses: counts.misses }
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`narrative (${backend.name})`, () => {
    // With workers, so a large batch takes the pool (results must equal the main thread's).
    layer(testHubLayer(backend.name, { env: { NARRATIVE_WORKERS: "2" } }), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("a French and an English text: language, stage, themes and skills with evidence inside the text; the same text again is a cache hit", () =>
        Effect.gen(function* () {
          const french = ok(yield* post("/narrative/analyze", { text: FRENCH, kind: "journal" }))
          expect(french.language.value).toBe("fr")
          expect(french.themes.map((t: Json) => t.theme)).toEqual(expect.arrayContaining(["burnout_stress", "meaning_purpose", "training_learning"]))
          expect(french.stage.value).toBe("preparation")
          expectEvidenceInText(french, FRENCH)
          const english = ok(yield* post("/narrative/analyze", { text: ENGLISH, kind: "journal", languageHint: "en" }))
          expect(english.language.value).toBe("en")
          expect(english.stage.value).toBe("integration")
          expect(english.skills.map((s: Json) => s.name)).toEqual(expect.arrayContaining(["SQL", "project management"].map((s) => expect.stringMatching(new RegExp(`^${s}$`, "i")))))
          expectEvidenceInText(english, ENGLISH)

          const before = narrativeKinds(ok(yield* call("/monitoring/cache/stats")))
          expect(ok(yield* post("/narrative/analyze", { text: FRENCH, kind: "journal" }))).toEqual(french)
          const after = narrativeKinds(ok(yield* call("/monitoring/cache/stats")))
          expect(after.hits).toBe(before.hits + 1)
          expect(after.misses).toBe(before.misses)
        }))

      it.effect("a batch answers one analysis per text in order, and their profile", () =>
        Effect.gen(function* () {
          const texts = [FRENCH, ENGLISH, "Entretien demain chez Airbus, je suis stressé mais motivé."]
          const batch = ok(yield* post("/narrative/analyze/batch", { texts: texts.map((text) => ({ text, kind: "coach_chat" })) }))
          expect(batch.analyses.map((a: Json) => a.language.value)).toEqual(["fr", "en", "fr"])
          batch.analyses.forEach((analysis: Json, i: number) => expectEvidenceInText(analysis, texts[i]!))
          expect(batch.profile.texts).toBe(3)
          const single = ok(yield* post("/narrative/analyze", { text: texts[2], kind: "coach_chat" }))
          expect(batch.analyses[2]).toEqual(single)
        }))

      it.effect("a batch of 100 texts (large enough for the workers) answers what each text alone answers", () =>
        Effect.gen(function* () {
          const texts = Array.from({ length: 100 }, (_, i) => `${i % 2 === 0 ? FRENCH : ENGLISH} (${i})`)
          const batch = ok(yield* post("/narrative/analyze/batch", { texts: texts.map((text) => ({ text, kind: "journal" })) }))
          expect(batch.analyses).toHaveLength(100)
          for (const i of [0, 1, 57, 99]) {
            expect(batch.analyses[i]).toEqual(ok(yield* post("/narrative/analyze", { text: texts[i], kind: "journal" })))
          }
        }))

      it.effect("bounds: an empty or blank text, a text over the limit, too many texts, an unknown kind are 400 naming the field", () =>
        Effect.gen(function* () {
          for (const body of [{ text: "", kind: "journal" }, { text: "   \n ", kind: "journal" }, { text: "x".repeat(MAX_TEXT_CHARACTERS + 1), kind: "journal" }, { text: "ok", kind: "diary" }]) {
            const answer = yield* post("/narrative/analyze", body)
            expect(answer.status, answer.text).toBe(400)
          }
          const many = yield* post("/narrative/analyze/batch", { texts: Array.from({ length: MAX_TEXTS_PER_BATCH + 1 }, () => ({ text: "bonjour", kind: "journal" })) })
          expect(many.status).toBe(400)
          expect(many.text).toContain("texts")
        }))

      it.effect("a user's text: consent first, charged once per key, stored sealed, replayed, refused for another text; insights", () =>
        Effect.gen(function* () {
          const u = `narr-${runToken()}`
          const key = `n-${runToken()}`
          const request = { text: FRENCH, kind: "journal", idempotencyKey: key }
          expect(errorOf(yield* post(`/narrative/${u}/analyze`, request)).tag).toBe("ConsentRequired")
          ok(yield* post("/gdpr/consent", { userId: u, consentType: "narrative_analysis", granted: true, source: "api" }), 201)
          expect(errorOf(yield* post(`/narrative/${u}/analyze`, request)).tag).toBe("UserNotFound")
          ok(yield* post(`/energy/${u}/account`, { plan: "free" }))

          const own = yield* Effect.promise(() => userToken(u))
          const first = ok(yield* post(`/narrative/${u}/analyze`, request, own))
          expect(first).toMatchObject({ replayed: false, charge: { kind: "consume", action: "narrative_analysis", amount: 10 } })
          expect(first.analysis.language.value).toBe("fr")
          const again = ok(yield* post(`/narrative/${u}/analyze`, request, own))
          expect(again).toMatchObject({ replayed: true, analysisId: first.analysisId, charge: { transactionId: first.charge.transactionId } })
          expect(ok(yield* call(`/energy/${u}/balance`)).balance).toBe(90)
          const reused = yield* post(`/narrative/${u}/analyze`, { ...request, text: ENGLISH }, own)
          expect(reused.status).toBe(409)
          expect(errorOf(reused)).toMatchObject({ tag: "NarrativeKeyReused", analysisId: first.analysisId })
          expect((yield* post(`/narrative/someone-else/analyze`, request, own)).status).toBe(403)

          // Stored encrypted: the row holds none of the text's words.
          const sql = yield* PgClient.PgClient
          const rows = yield* sql<{ readonly row: string }>`SELECT (n.*)::text AS row FROM narrative_analyses n WHERE user_id = ${u}`
          expect(rows).toHaveLength(1)
          expect(rows[0]!.row).not.toContain("comptable")
          expect(rows[0]!.row).toContain("$sealed")

          ok(yield* post(`/narrative/${u}/analyze`, { text: ENGLISH, kind: "journal", idempotencyKey: `${key}-2` }))
          const insights = ok(yield* callAs(own, `/narrative/${u}/insights`))
          expect(insights).toMatchObject({ userId: u, analyses: 2, profile: { texts: 2, languages: { fr: 1, en: 1 } } })
          expect(ok(yield* call(`/energy/${u}/balance`)).balance).toBe(80)

          // Withdrawal stops processing at once.
          ok(yield* post("/gdpr/consent", { userId: u, consentType: "narrative_analysis", granted: false, source: "api" }), 201)
          expect(errorOf(yield* post(`/narrative/${u}/analyze`, { ...request, idempotencyKey: `${key}-3` })).tag).toBe("ConsentRequired")
        }))

      it.effect("who may call: the stateless analysis needs a key with narrative:analyze; a user token is refused", () =>
        Effect.gen(function* () {
          const token = yield* Effect.promise(() => userToken("u-any"))
          expect((yield* post("/narrative/analyze", { text: FRENCH, kind: "journal" }, token)).status).toBe(403)
          const issued = ok(yield* post("/admin/keys", { name: "coach", env: "dev", scopes: ["narrative:analyze"] }), 201)
          ok(yield* post("/narrative/analyze", { text: ENGLISH, kind: "coach_chat" }, issued.key))
          const narrow = ok(yield* post("/admin/keys", { name: "reader", env: "dev", scopes: ["events:read"] }), 201)
          expect((yield* post("/narrative/analyze", { text: ENGLISH, kind: "coach_chat" }, narrow.key)).status).toBe(403)
        }))

      for (const transport of RPC_TRANSPORTS) {
        it.effect(`the same over RPC (${transport.name}): Analyze, AnalyzeStream in order, AnalyzeForUser, Insights`, () =>
          Effect.gen(function* () {
            const u = `narr-rpc-${runToken()}` as UserId
            ok(yield* post("/gdpr/consent", { userId: u, consentType: "narrative_analysis", granted: true, source: "api" }), 201)
            ok(yield* post(`/energy/${u}/account`, { plan: "free" }))
            const texts = [ENGLISH, FRENCH, ENGLISH, "Je commence lundi !"]
            const result = yield* asAdmin(transport.layer, (rpc) =>
              Effect.gen(function* () {
                const one = yield* rpc.Narrative.Analyze({ text: FRENCH, kind: "journal" })
                const streamed = Chunk.toReadonlyArray(yield* Stream.runCollect(rpc.Narrative.AnalyzeStream({ texts: texts.map((text) => ({ text, kind: "journal" as const })) })))
                const mine = yield* rpc.Narrative.AnalyzeForUser({ userId: u, text: ENGLISH, kind: "journal", idempotencyKey: `rpc-${u}` })
                const insights = yield* rpc.Narrative.Insights({ userId: u })
                return { one, streamed, mine, insights }
              }))
            expect(result.one.language.value).toBe("fr")
            expect(result.streamed.map((a) => a.language.value)).toEqual(["en", "fr", "en", "fr"])
            expect(result.mine.replayed).toBe(false)
            expect(result.insights.analyses).toBe(1)
          }))
      }
    })
  })
}
