/**
 * The labelled corpus and the evaluation `npm run eval:narrative` prints: the corpus covers what
 * it must, and the analyzer keeps the floors it reaches on it (same code as the command).
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { readCorpus } from "../../../src/services/narrative/analyzer/evaluation/read.js"
import { summaryLine } from "../../../src/services/narrative/analyzer/evaluation/report.js"
import { evaluate } from "../../../src/services/narrative/analyzer/evaluation/score.js"
import { STAGES, TEXT_KINDS, THEMES } from "../../../src/services/narrative/analyzer/schema.js"
import { CORPUS_PATH } from "./support.js"

const corpus = readCorpus(readFileSync(CORPUS_PATH, "utf8"))
const texts = corpus.texts.map((line) => line.text)

/**
 * A little below what the analyzer reaches on the corpus (0.99, 0.99, 1.0, 0.954, 0.906 for version
 * 1.3.0; sentiment was 0.94 with the rules alone, 1.2.0); the issue asks at least 0.95, 0.8 and 0.7
 * for language, sentiment and stage. The learned layer was fitted on this corpus, so its sentiment
 * and stage figures here only guard against a broken model file.
 */
const FLOORS = { language: 0.975, sentiment: 0.95, stage: 0.95, themesF1: 0.9, skillsF1: 0.9 }

describe("the labelled corpus", () => {
  it("reads without a problem", () => {
    expect(corpus.problems).toEqual([])
  })

  it("has at least 60 texts, half French and half English, and mixed ones", () => {
    expect(texts.length).toBeGreaterThanOrEqual(60)
    const french = texts.filter((t) => t.expected.language === "fr").length
    const english = texts.filter((t) => t.expected.language === "en").length
    expect(french).toBe(english)
    expect(french).toBeGreaterThanOrEqual(30)
    expect(texts.filter((t) => t.expected.language === "mixed").length).toBeGreaterThanOrEqual(5)
  })

  it("covers every stage and every theme in both languages, and every kind", () => {
    for (const language of ["fr", "en"] as const) {
      const ofLanguage = texts.filter((t) => t.expected.language === language)
      for (const stage of STAGES) expect(ofLanguage.some((t) => t.expected.stage === stage), `${stage} in ${language}`).toBe(true)
      for (const theme of THEMES) expect(ofLanguage.some((t) => t.expected.themes.includes(theme)), `${theme} in ${language}`).toBe(true)
    }
    for (const kind of TEXT_KINDS) expect(texts.some((t) => t.kind === kind), kind).toBe(true)
  })

  it("has short texts, negations and every sentiment", () => {
    expect(texts.filter((t) => t.text.split(/\s+/).length <= 6).length).toBeGreaterThanOrEqual(8)
    expect(texts.filter((t) => /\b(ne|n'|pas|jamais|not|never|n't)\b/i.test(t.text)).length).toBeGreaterThanOrEqual(20)
    for (const sentiment of ["positive", "neutral", "negative"] as const) {
      expect(texts.filter((t) => t.expected.sentiment === sentiment).length).toBeGreaterThanOrEqual(10)
    }
  })

  it("has unique ids", () => {
    expect(new Set(texts.map((t) => t.id)).size).toBe(texts.length)
  })
})

describe("the evaluation", () => {
  const report = evaluate(corpus.texts)

  it("keeps the floors reached on the corpus", () => {
    expect(report.n).toBe(texts.length)
    expect(report.language).toBeGreaterThanOrEqual(FLOORS.language)
    expect(report.sentiment).toBeGreaterThanOrEqual(FLOORS.sentiment)
    expect(report.stage).toBeGreaterThanOrEqual(FLOORS.stage)
    expect(report.themes.f1).toBeGreaterThanOrEqual(FLOORS.themesF1)
    expect(report.skills.f1).toBeGreaterThanOrEqual(FLOORS.skillsF1)
  })

  it("counts the stage confusion matrix over every text", () => {
    let total = 0
    let diagonal = 0
    for (const expected of STAGES) {
      for (const actual of STAGES) {
        total += report.stageConfusion[expected][actual]
        if (expected === actual) diagonal += report.stageConfusion[expected][actual]
      }
    }
    expect(total).toBe(report.n)
    expect(diagonal / total).toBeCloseTo(report.stage, 10)
  })

  it("summarises in one JSON line", () => {
    expect(Object.keys(JSON.parse(summaryLine(report)))).toEqual(["eval", "n", "language", "sentiment", "stage", "themesF1", "skillsF1"])
  })
})

describe("reading a corpus", () => {
  it("names each bad line and the field at fault, and skips blank lines", () => {
    const good = JSON.stringify({ id: 1, text: "Je suis épuisée.", kind: "journal", expected: { language: "fr", sentiment: "negative", stage: "exploration", themes: ["burnout_stress"], skills: [] } })
    const badStage = good.replace('"exploration"', '"limbo"')
    const badTheme = good.replace('"burnout_stress"', '"burnout"')
    const missing = JSON.stringify({ id: "x", text: "t", kind: "journal" })
    const { problems, texts } = readCorpus([good, "", "{not json", badStage, badTheme, missing, "\r"].join("\n"))
    expect(texts.map((t) => t.line)).toEqual([1])
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6])
    expect(problems[0]!.message).toMatch(/^not valid JSON/)
    expect(problems[1]!.message).toContain("expected.stage")
    expect(problems[2]!.message).toContain("expected.themes.0")
    expect(problems[3]!.message).toContain("expected")
  })

  it("scores precision and recall, 0/0 counting as right", () => {
    const line = (id: string, text: string, themes: ReadonlyArray<string>, skills: ReadonlyArray<string>) =>
      JSON.stringify({ id, text, kind: "journal", expected: { language: "fr", sentiment: "negative", stage: "exploration", themes, skills } })
    const { texts: lines } = readCorpus([
      line("a", "Je suis épuisée, je fais de la gestion de projet.", ["burnout_stress"], ["Project Management "]),
      line("b", "Je suis épuisée.", ["burnout_stress", "money_security"], [])
    ].join("\n"))
    const report = evaluate(lines)
    expect(report.themes).toMatchObject({ truePositives: 2, falsePositives: 0, falseNegatives: 1, precision: 1 })
    expect(report.themes.recall).toBeCloseTo(2 / 3)
    expect(report.skills).toMatchObject({ truePositives: 1, precision: 1, recall: 1, f1: 1 })
  })
})

/**
 * Labelled sets written blind by other hands, who saw neither the analyzer nor the corpus above.
 * dev, train-a and train-b were then used to tune the analyzer and to fit its learned layer; holdout
 * never was: its figures are the estimate of how the analyzer does on texts it has not seen, and its
 * floors only guard against regressions (tune on the others: once its texts are read to fix errors,
 * it is no longer a holdout). Floors a little below what analyzer 1.3.0 reaches (README, "Narrative
 * analysis"); on dev, train-a and train-b its sentiment and stage (0.99 and 0.99, 0.953 and 0.98,
 * 0.993 and 0.993) are those of texts the model was fitted on, not an estimate of anything.
 */
const LABELLED_SETS: Readonly<Record<string, typeof FLOORS>> = {
  "dev.jsonl": { language: 0.975, sentiment: 0.95, stage: 0.95, themesF1: 0.76, skillsF1: 0.85 },
  "train-a.jsonl": { language: 0.975, sentiment: 0.925, stage: 0.95, themesF1: 0.62, skillsF1: 0.58 },
  "train-b.jsonl": { language: 0.975, sentiment: 0.95, stage: 0.95, themesF1: 0.68, skillsF1: 0.62 },
  "holdout.jsonl": { language: 0.95, sentiment: 0.74, stage: 0.625, themesF1: 0.55, skillsF1: 0.53 }
}

describe.each(Object.entries(LABELLED_SETS))("the labelled set %s", (file, floors) => {
  const set = readCorpus(readFileSync(new URL(`../../fixtures/narrative/${file}`, import.meta.url), "utf8"))

  it("reads without a problem, with unique ids, in both languages", () => {
    expect(set.problems).toEqual([])
    expect(new Set(set.texts.map((line) => line.text.id)).size).toBe(set.texts.length)
    for (const language of ["fr", "en", "mixed"] as const) {
      expect(set.texts.filter((line) => line.text.expected.language === language).length, language).toBeGreaterThanOrEqual(10)
    }
  })

  it("keeps its floors", () => {
    const report = evaluate(set.texts)
    expect(report.language).toBeGreaterThanOrEqual(floors.language)
    expect(report.sentiment).toBeGreaterThanOrEqual(floors.sentiment)
    expect(report.stage).toBeGreaterThanOrEqual(floors.stage)
    expect(report.themes.f1).toBeGreaterThanOrEqual(floors.themesF1)
    expect(report.skills.f1).toBeGreaterThanOrEqual(floors.skillsF1)
  })
})
