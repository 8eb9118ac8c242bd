/**
 * Analyses on the wire between a worker and the main thread: numbers only, in one Float64Array, in
 * a fixed order. Vocabularies (kind, language, sentiment, stage, theme, skill) travel as their index
 * in the analyzer's lists; evidence spans and key phrases as their offsets, since each is exactly
 * `text.slice(start, end)` of its input, which the main thread holds (it sent it).
 *
 * Why not JSON or a structured clone of the objects: an analysis is ~2.2 KB and ~52 objects for a
 * ~30 µs analysis of a corpus text, and receiving it is main-thread work, which the pool exists to
 * spare. Why no strings at all: the platform's worker client keeps each call's answer reachable
 * from Maps that V8 keeps old tables of until a full collection (see `onPool` in live.ts), so every
 * object in an answer could be copied and promoted by each scavenge; one typed array is one object,
 * its contents off the heap. Writing costs the worker ~2 µs an analysis, reading ~2 µs on the main
 * thread. Objects are built with their final shape, keys in `analyze`'s order (emotions and stage
 * scores in the lists' order, as `analyze` builds them), so JSON of either is the same text. Adding
 * a field to `Analysis` breaks the build here (`decodeAnalyses` builds typed objects), and
 * tests/services/narrative/pool.test.ts compares the pool's answers with `analyze` on the corpus.
 */
import {
  type Analysis,
  type Emotion,
  type EmotionResult,
  EMOTIONS,
  type Evidence,
  type KeyPhrase,
  LANGUAGES,
  SENTIMENTS,
  type SkillResult,
  type Stage,
  STAGES,
  TEXT_KINDS,
  type ThemeResult,
  type ThemeRole,
  THEMES
} from "../analyzer/index.js"
import { SKILLS } from "../analyzer/data/skills.js"

export interface AnalysesWire {
  readonly analyzerVersion: string
  readonly count: number
  readonly numbers: Float64Array
}

const indexes = <T extends string>(values: ReadonlyArray<T>): ReadonlyMap<T, number> =>
  new Map(values.map((value, index) => [value, index]))

const KIND = indexes(TEXT_KINDS)
const LANGUAGE = indexes(LANGUAGES)
const SENTIMENT = indexes(SENTIMENTS)
const STAGE = indexes(STAGES)
const THEME = indexes(THEMES)
const SKILL_NAMES: ReadonlyArray<string> = [...new Set(SKILLS.map((skill) => skill.name))]
const SKILL = indexes(SKILL_NAMES)

const indexIn = <T extends string>(table: ReadonlyMap<T, number>, value: T): number => table.get(value) ?? -1

/** The numbers of one encoding, in a buffer kept between calls (a worker encodes one chunk at a time). */
let buffer = new Float64Array(16_384)
let written = 0

const put = (value: number): void => {
  if (written === buffer.length) {
    const larger = new Float64Array(buffer.length * 2)
    larger.set(buffer)
    buffer = larger
  }
  buffer[written++] = value
}

const putEvidence = (list: ReadonlyArray<Evidence>): void => {
  put(list.length)
  for (const e of list) {
    put(e.start)
    put(e.end)
    put(e.weight)
    put(e.negated ? 1 : 0)
  }
}

const putAnalysis = (a: Analysis): void => {
  put(indexIn(KIND, a.kind))
  put(a.wordCount)
  put(indexIn(LANGUAGE, a.language.value))
  put(a.language.confidence)
  putEvidence(a.language.evidence)
  put(indexIn(SENTIMENT, a.sentiment.label))
  put(a.sentiment.score)
  putEvidence(a.sentiment.evidence)
  for (const emotion of EMOTIONS) {
    put(a.emotions[emotion].score)
    putEvidence(a.emotions[emotion].evidence)
  }
  put(indexIn(STAGE, a.stage.value))
  put(a.stage.confidence)
  for (const stage of STAGES) put(a.stage.scores[stage])
  putEvidence(a.stage.evidence)
  put(a.themes.length)
  for (const t of a.themes) {
    put(indexIn(THEME, t.theme))
    put(t.score)
    putEvidence(t.evidence)
  }
  put(a.skills.length)
  for (const k of a.skills) {
    put(SKILL.get(k.name) ?? -1)
    putEvidence(k.evidence)
  }
  for (const roles of [a.motivations, a.blockers]) {
    put(roles.length)
    for (const r of roles) {
      put(indexIn(THEME, r.theme))
      putEvidence(r.evidence)
    }
  }
  put(a.keyPhrases.length)
  for (const k of a.keyPhrases) {
    put(k.start)
    put(k.end)
    put(k.score)
  }
}

export const encodeAnalyses = (analyzerVersion: string, analyses: ReadonlyArray<Analysis>): AnalysesWire => {
  written = 0
  for (const a of analyses) putAnalysis(a)
  return { analyzerVersion, count: analyses.length, numbers: buffer.slice(0, written) }
}

/** A wire that does not read back whole (an unknown index, too few or too many values). */
export class MalformedWire extends Error {
  readonly _tag = "MalformedWire"
}

/**
 * The analyses of `wire` for `inputs` (the chunk it answers, whose texts the spans are sliced
 * from), or why it is malformed; reads every value exactly once.
 */
export const decodeAnalyses = (
  wire: AnalysesWire,
  inputs: ReadonlyArray<{ readonly text: string }>
): ReadonlyArray<Analysis> | MalformedWire => {
  if (inputs.length !== wire.count) return new MalformedWire(`${wire.count} analyses for ${inputs.length} texts`)
  const n = wire.numbers
  const analyzerVersion = wire.analyzerVersion
  let i = 0
  let text = ""
  let bad: string | undefined
  const num = (): number => {
    if (i >= n.length) bad ??= "too few numbers"
    return n[i++] ?? 0
  }
  /** `text.slice(start, end)` for the next two numbers, which must fit the text. */
  const span = (start: number, end: number): string => {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > text.length) {
      bad ??= `span ${start}-${end} outside a text of ${text.length} characters`
      return ""
    }
    return text.slice(start, end)
  }
  const of = <T extends string>(values: ReadonlyArray<T>, what: string): T => {
    const index = num()
    const value = values[index]
    if (value === undefined) {
      bad ??= `unknown ${what} index ${index}`
      return values[0]!
    }
    return value
  }
  const evidence = (): ReadonlyArray<Evidence> => {
    const length = num()
    const list: Array<Evidence> = []
    for (let k = 0; k < length && bad === undefined; k++) {
      const start = num()
      const end = num()
      const weight = num()
      list.push({ text: span(start, end), start, end, weight, negated: num() === 1 })
    }
    return list
  }
  const emotion = () => {
    const score = num()
    return { score, evidence: evidence() }
  }
  const roles = (): ReadonlyArray<ThemeRole> => {
    const length = num()
    const list: Array<ThemeRole> = []
    for (let k = 0; k < length && bad === undefined; k++) {
      const theme = of(THEMES, "theme")
      list.push({ theme, evidence: evidence() })
    }
    return list
  }

  const analyses: Array<Analysis> = []
  for (let a = 0; a < wire.count && bad === undefined; a++) {
    text = inputs[a]!.text
    const kind = of(TEXT_KINDS, "kind")
    const wordCount = num()
    const languageValue = of(LANGUAGES, "language")
    const languageConfidence = num()
    const language = { value: languageValue, confidence: languageConfidence, evidence: evidence() }
    const label = of(SENTIMENTS, "sentiment")
    const sentimentScore = num()
    const sentiment = { label, score: sentimentScore, evidence: evidence() }
    const emotions = {} as Record<Emotion, EmotionResult>
    for (const name of EMOTIONS) emotions[name] = emotion()
    const stageValue = of(STAGES, "stage")
    const stageConfidence = num()
    const scores = {} as Record<Stage, number>
    for (const name of STAGES) scores[name] = num()
    const stage = { value: stageValue, confidence: stageConfidence, scores, evidence: evidence() }
    const themeCount = num()
    const themes: Array<ThemeResult> = []
    for (let k = 0; k < themeCount && bad === undefined; k++) {
      const theme = of(THEMES, "theme")
      const score = num()
      themes.push({ theme, score, evidence: evidence() })
    }
    const skillCount = num()
    const skills: Array<SkillResult> = []
    for (let k = 0; k < skillCount && bad === undefined; k++) {
      const name = of(SKILL_NAMES, "skill")
      skills.push({ name, evidence: evidence() })
    }
    const motivations = roles()
    const blockers = roles()
    const phraseCount = num()
    const keyPhrases: Array<KeyPhrase> = []
    for (let k = 0; k < phraseCount && bad === undefined; k++) {
      const start = num()
      const end = num()
      keyPhrases.push({ text: span(start, end), start, end, score: num() })
    }
    analyses.push({
      analyzerVersion,
      kind,
      wordCount,
      language,
      sentiment,
      emotions,
      stage,
      themes,
      skills,
      motivations,
      blockers,
      keyPhrases
    })
  }
  if (bad !== undefined) return new MalformedWire(bad)
  if (i !== n.length) return new MalformedWire("values left over")
  return analyses
}
