/**
 * analyze as a whole: evidence that points at the right substrings, determinism, blank input,
 * the output schema (and the OpenAPI example being a real answer), language detection, limits.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, JSONSchema, Schema } from "effect"
import { readFileSync } from "node:fs"
import { analyze } from "../../../src/services/narrative/analyzer/analyze.js"
import { readCorpus } from "../../../src/services/narrative/analyzer/evaluation/read.js"
import { LEXICON_PROBLEMS } from "../../../src/services/narrative/analyzer/lexicon/index.js"
import { MAX_EVIDENCE_PER_CONCLUSION, MAX_TEXT_CHARACTERS } from "../../../src/services/narrative/analyzer/limits.js"
import { Analysis, AnalyzeInput } from "../../../src/services/narrative/analyzer/schema.js"
import { ANALYSIS_EXAMPLE, ANALYZE_EXAMPLE_INPUT } from "../../../src/services/narrative/analyzer/schema-example.js"
import { ANALYZER_VERSION } from "../../../src/services/narrative/analyzer/version.js"
import { allEvidence, CORPUS_PATH, run } from "./support.js"

const corpus = readCorpus(readFileSync(CORPUS_PATH, "utf8")).texts.map((line) => line.text)

describe("the lexicons", () => {
  it("compile without a problem", () => {
    expect(LEXICON_PROBLEMS).toEqual([])
  })
})

describe("evidence", () => {
  it("is exactly text.slice(start, end), on every text of the corpus", () => {
    let checked = 0
    for (const { kind, text } of corpus) {
      for (const [where, e] of allEvidence(analyze({ text, kind }))) {
        expect(text.slice(e.start, e.end), `${where} in ${text}`).toBe(e.text)
        expect(e.end).toBeGreaterThan(e.start)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })

  it("points at the right words, elisions, hyphens and accents included", () => {
    const text = "Depuis l’arrivée du burn-out, je ne suis plus motivée par la gestion de projet."
    const a = run(text)
    expect(a.skills[0]!.evidence[0]).toMatchObject({ text: "gestion de projet", start: text.indexOf("gestion") })
    expect(a.themes.find((t) => t.theme === "burnout_stress")!.evidence[0]).toMatchObject({ text: "burn-out", start: text.indexOf("burn") })
    expect(a.sentiment.evidence.find((e) => e.text === "motivée")).toMatchObject({ negated: true, start: text.indexOf("motivée") })
  })

  it("keeps UTF-16 offsets right after emoji and other astral characters", () => {
    const text = "😩🔥 Je suis épuisée 😩 et stressée."
    for (const [, e] of allEvidence(run(text))) expect(text.slice(e.start, e.end)).toBe(e.text)
    // Emoji carry valence too (version 1.1.0): each one is evidence, at its own UTF-16 offsets.
    expect(run(text).sentiment.evidence.map((e) => e.text)).toEqual(["😩", "épuisée", "😩", "stressée"])
    expect(run(text).sentiment.evidence.map((e) => e.start)).toEqual([0, text.indexOf("épuisée"), text.lastIndexOf("😩"), text.indexOf("stressée")])
  })

  it("is bounded per conclusion", () => {
    const a = run("Je suis épuisée. ".repeat(40))
    expect(a.sentiment.evidence).toHaveLength(MAX_EVIDENCE_PER_CONCLUSION)
    expect(a.themes[0]!.evidence).toHaveLength(MAX_EVIDENCE_PER_CONCLUSION)
  })
})

describe("determinism", () => {
  it("gives the same output for the same input, call after call and text after text", () => {
    const first = corpus.map(({ kind, text }) => JSON.stringify(analyze({ text, kind })))
    const again = [...corpus].reverse().map(({ kind, text }) => JSON.stringify(analyze({ text, kind }))).reverse()
    expect(again).toEqual(first)
  })

  it("depends on the kind only where the kind matters", () => {
    const text = "Je me pose des questions."
    expect(run(text, "journal").sentiment).toEqual(run(text, "coach_chat").sentiment)
  })
})

describe("blank input", () => {
  it("answers an empty analysis for empty or whitespace-only text", () => {
    for (const text of ["", "   ", "\n\t \n", "…!!"]) {
      const a = run(text)
      expect(a).toMatchObject({
        wordCount: 0,
        language: { value: "unknown", confidence: 0, evidence: [] },
        sentiment: { label: "neutral", score: 0, evidence: [] },
        stage: { value: "exploration", confidence: 0 },
        themes: [],
        skills: [],
        motivations: [],
        blockers: [],
        keyPhrases: []
      })
      expect(Object.values(a.emotions).every((e) => e.score === 0)).toBe(true)
      expect(Schema.is(Analysis)(a)).toBe(true)
    }
  })

  it("is refused by the input schema (the doors answer 400)", () => {
    expect(Either.isLeft(Schema.decodeUnknownEither(AnalyzeInput)({ text: "  \n ", kind: "journal" }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(AnalyzeInput)({ text: "x".repeat(MAX_TEXT_CHARACTERS + 1), kind: "journal" }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(AnalyzeInput)({ text: "ok", kind: "tweet" }))).toBe(true)
    expect(Either.isRight(Schema.decodeUnknownEither(AnalyzeInput)({ text: "ok", kind: "journal", languageHint: "fr" }))).toBe(true)
  })
})

describe("the output", () => {
  it("matches the Analysis schema on every corpus text", () => {
    for (const { kind, text } of corpus) {
      const a = analyze({ text, kind })
      expect(Schema.is(Analysis)(a), text).toBe(true)
      expect(a.analyzerVersion).toBe(ANALYZER_VERSION)
    }
  })

  it("the OpenAPI example is what analyze answers for the example input", () => {
    expect(Schema.is(AnalyzeInput)(ANALYZE_EXAMPLE_INPUT)).toBe(true)
    expect(analyze(ANALYZE_EXAMPLE_INPUT)).toEqual(ANALYSIS_EXAMPLE)
    const document = JSONSchema.make(Analysis) as { $defs: Record<string, { description?: string; examples?: ReadonlyArray<unknown> }> }
    expect(document.$defs["NarrativeAnalysis"]?.examples).toEqual([ANALYSIS_EXAMPLE])
    expect(document.$defs["NarrativeAnalysis"]?.description).toContain("Deterministic")
    expect(document.$defs["NarrativeEvidence"]).toBeDefined()
  })
})

describe("language", () => {
  it("tells French, English and mixed texts apart, with evidence", () => {
    expect(run("Je ne sais pas ce que je veux faire de ma vie.").language.value).toBe("fr")
    expect(run("I don't know what I want to do with my life.").language.value).toBe("en")
    const mixed = run("J'ai eu l'entretien ce matin. Honestly, it went really well and they want me back!")
    expect(mixed.language.value).toBe("mixed")
    expect(mixed.language.evidence.some((e) => e.text === "J'")).toBe(true)
    expect(mixed.language.evidence.some((e) => e.text === "they")).toBe(true)
  })

  it("reads short texts from accents and lexicon words, and says unknown when it cannot tell", () => {
    expect(run("Épuisée.").language.value).toBe("fr")
    expect(run("Completely exhausted.").language.value).toBe("en")
    expect(run("Python, SQL, Tableau").language).toMatchObject({ value: "unknown", confidence: 0 })
    expect(run("ok").language.value).toBe("unknown")
  })

  it("uses the client's hint only when the text cannot tell", () => {
    expect(analyze({ text: "Python, SQL, Tableau", kind: "cv_summary", languageHint: "en" }).language.value).toBe("en")
    expect(analyze({ text: "Je suis épuisée par mon travail.", kind: "journal", languageHint: "en" }).language.value).toBe("fr")
  })

  it("applies each language's lexicon: French « pain » is bread, not pain", () => {
    expect(run("J'achète du pain et je rentre chez moi.").sentiment.score).toBe(0)
    expect(run("I am in pain at work every day.").sentiment.label).toBe("negative")
  })
})

describe("limits", () => {
  it("analyses the longest accepted text", () => {
    const text = "Je suis épuisée mais j'ai postulé à une formation de gestion de projet. ".repeat(400).slice(0, MAX_TEXT_CHARACTERS)
    const a = run(text)
    expect(a.wordCount).toBeGreaterThan(2500)
    expect(a.keyPhrases.length).toBeGreaterThan(0)
  })
})
