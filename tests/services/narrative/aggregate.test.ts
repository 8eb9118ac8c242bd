/** The profile of several texts, built from their analyses alone. */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { aggregate, analyze, analyzeMany, NarrativeBatchAnalysis } from "../../../src/services/narrative/analyzer/index.js"

const texts = [
  { text: "Je suis épuisée et je me pose des questions sur mon poste actuel.", kind: "journal" },
  { text: "J'hésite entre une formation en UX design et la gestion de projet.", kind: "coach_chat" },
  { text: "I enrolled in a UX design course and I'm networking on LinkedIn.", kind: "journal" }
] as const

describe("analyzeMany and aggregate", () => {
  it("answers one analysis per text and a profile that matches its schema", () => {
    const batch = analyzeMany(texts)
    expect(batch.analyses).toHaveLength(3)
    expect(Schema.is(NarrativeBatchAnalysis)(batch)).toBe(true)
    expect(batch.profile.texts).toBe(3)
    expect(batch.profile.languages).toEqual({ fr: 2, en: 1, mixed: 0, unknown: 0 })
  })

  it("is the same whether the analyses are fresh or taken from a cache", () => {
    const cached = texts.map((t) => JSON.parse(JSON.stringify(analyze(t))))
    expect(aggregate(cached)).toEqual(analyzeMany(texts).profile)
  })

  it("merges skills and themes with the texts they come from", () => {
    const { profile } = analyzeMany(texts)
    const ux = profile.skills.find((s) => s.name === "UX design")
    expect(ux?.texts).toBe(2)
    expect(ux?.evidence.map((e) => e.textIndex)).toEqual([1, 2])
    const training = profile.themes.find((t) => t.theme === "training_learning")
    expect(training?.texts).toBe(2)
    for (const e of training!.evidence) expect(texts[e.textIndex]!.text.slice(e.start, e.end)).toBe(e.text)
  })

  it("weighs the stage by each text's confidence and stays within [0, 1]", () => {
    const { profile } = analyzeMany(texts)
    expect(profile.stage.value).toBe("preparation")
    expect(profile.stage.confidence).toBeGreaterThan(0)
    expect(profile.stage.confidence).toBeLessThanOrEqual(1)
    expect(Object.values(profile.stage.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2)
  })

  it("answers an empty profile for no text", () => {
    const profile = aggregate([])
    expect(profile).toMatchObject({ texts: 0, wordCount: 0, themes: [], skills: [], sentiment: { label: "neutral", score: 0 } })
  })
})
