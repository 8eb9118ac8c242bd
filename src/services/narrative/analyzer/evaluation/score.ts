/**
 * Scores the analyzer against a labelled corpus: accuracy for language, sentiment and stage,
 * micro-averaged precision / recall / F1 for themes and skills (an empty prediction against an
 * empty label counts as right: 0/0 precision or recall is 1), a per-theme breakdown and the
 * stage confusion matrix. Runs `analyze` itself, so the command and the tests score alike.
 */
import { analyze, type AnalyzerInput } from "../analyze.js"
import { type Analysis, type Stage, STAGES, type Theme, THEMES } from "../schema.js"
import type { CorpusLine } from "./read.js"

export interface PrecisionRecall {
  readonly truePositives: number
  readonly falsePositives: number
  readonly falseNegatives: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

export interface Miss {
  readonly id: string | number
  readonly line: number
  readonly field: "language" | "sentiment" | "stage" | "themes" | "skills"
  readonly expected: string
  readonly actual: string
}

export interface EvaluationReport {
  readonly n: number
  readonly language: number
  readonly sentiment: number
  readonly stage: number
  readonly themes: PrecisionRecall
  readonly skills: PrecisionRecall
  readonly perTheme: ReadonlyArray<{ readonly theme: Theme } & PrecisionRecall>
  /** confusion[expected][actual] = count. */
  readonly stageConfusion: { readonly [E in Stage]: { readonly [A in Stage]: number } }
  readonly misses: ReadonlyArray<Miss>
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b)

const precisionRecall = (truePositives: number, falsePositives: number, falseNegatives: number): PrecisionRecall => {
  const precision = ratio(truePositives, truePositives + falsePositives)
  const recall = ratio(truePositives, truePositives + falseNegatives)
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { truePositives, falsePositives, falseNegatives, precision, recall, f1 }
}

const normaliseSkill = (skill: string) => skill.trim().toLowerCase()

interface Tally {
  tp: number
  fp: number
  fn: number
}
const tally = (): Tally => ({ tp: 0, fp: 0, fn: 0 })

const compareSets = (expected: ReadonlySet<string>, actual: ReadonlySet<string>, into: Tally) => {
  for (const item of actual) if (expected.has(item)) into.tp++
  else into.fp++
  for (const item of expected) if (!actual.has(item)) into.fn++
}

const list = (items: Iterable<string>) => [...items].sort().join(", ") || "(none)"

/** `analyzeText`: the analyzer scored, `analyze` unless told (e.g. `analyzeWith(input, undefined)`: the rules alone). */
export const evaluate = (corpus: ReadonlyArray<CorpusLine>, analyzeText: (input: AnalyzerInput) => Analysis = analyze): EvaluationReport => {
  let language = 0
  let sentiment = 0
  let stage = 0
  const themes = tally()
  const skills = tally()
  const perTheme = new Map<Theme, Tally>(THEMES.map((t) => [t, tally()]))
  const confusion = Object.fromEntries(STAGES.map((e) => [e, Object.fromEntries(STAGES.map((a) => [a, 0]))])) as Record<
    Stage,
    Record<Stage, number>
  >
  const misses: Array<Miss> = []
  for (const line of corpus) {
    const { expected, id } = line.text
    const analysis = analyzeText({ text: line.text.text, kind: line.text.kind })
    const miss = (field: Miss["field"], want: string, got: string) => misses.push({ id, line: line.line, field, expected: want, actual: got })
    if (analysis.language.value === expected.language) language++
    else miss("language", expected.language, analysis.language.value)
    if (analysis.sentiment.label === expected.sentiment) sentiment++
    else miss("sentiment", expected.sentiment, `${analysis.sentiment.label} (${analysis.sentiment.score})`)
    if (analysis.stage.value === expected.stage) stage++
    else miss("stage", expected.stage, analysis.stage.value)
    confusion[expected.stage][analysis.stage.value]++

    const expectedThemes = new Set<string>(expected.themes)
    const actualThemes = new Set<string>(analysis.themes.map((t) => t.theme))
    compareSets(expectedThemes, actualThemes, themes)
    for (const theme of THEMES) {
      compareSets(expectedThemes.has(theme) ? new Set([theme]) : new Set(), actualThemes.has(theme) ? new Set([theme]) : new Set(), perTheme.get(theme)!)
    }
    if (list(expectedThemes) !== list(actualThemes)) miss("themes", list(expectedThemes), list(actualThemes))

    const expectedSkills = new Set(expected.skills.map(normaliseSkill))
    const actualSkills = new Set(analysis.skills.map((s) => normaliseSkill(s.name)))
    compareSets(expectedSkills, actualSkills, skills)
    if (list(expectedSkills) !== list(actualSkills)) miss("skills", list(expectedSkills), list(actualSkills))
  }
  const n = corpus.length
  return {
    n,
    language: ratio(language, n),
    sentiment: ratio(sentiment, n),
    stage: ratio(stage, n),
    themes: precisionRecall(themes.tp, themes.fp, themes.fn),
    skills: precisionRecall(skills.tp, skills.fp, skills.fn),
    perTheme: THEMES.map((theme) => {
      const t = perTheme.get(theme)!
      return { theme, ...precisionRecall(t.tp, t.fp, t.fn) }
    }),
    stageConfusion: confusion,
    misses
  }
}
