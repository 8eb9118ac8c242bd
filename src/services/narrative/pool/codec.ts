/**
 * Analyses on the wire between a worker and the main thread: every number in one Float64Array and
 * every free text (evidence spans, key phrases, skill names) in one string list, in a fixed order;
 * vocabularies (kind, language, sentiment, stage, theme) as their index in the analyzer's lists.
 *
 * Why not JSON or a structured clone of the objects: an analysis is ~2.2 KB and ~52 objects for a
 * ~35 µs analysis of a corpus text, and receiving it is main-thread work, which the pool exists to
 * spare. Per 1,000 corpus texts the main thread spent ~9 ms in JSON.parse plus ~11 ms of GC (a
 * structured clone: more); with this form, ~1.5 ms decoding plus ~7 ms of GC (the analyses
 * themselves, which the caller keeps). Writing it costs the worker ~3 µs an analysis against ~6 µs
 * for JSON.stringify. Objects are built with their final shape, keys in `analyze`'s order (emotions
 * and stage scores in the lists' order, as `analyze` builds them), so JSON of either is the same text.
 * Adding a field to `Analysis` breaks the build here (`decodeAnalyses` builds typed objects), and
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

export interface AnalysesWire {
  readonly analyzerVersion: string
  readonly count: number
  readonly numbers: Float64Array
  readonly strings: ReadonlyArray<string>
}

const indexes = <T extends string>(values: ReadonlyArray<T>): ReadonlyMap<T, number> =>
  new Map(values.map((value, index) => [value, index]))

const KIND = indexes(TEXT_KINDS)
const LANGUAGE = indexes(LANGUAGES)
const SENTIMENT = indexes(SENTIMENTS)
const STAGE = indexes(STAGES)
const THEME = indexes(THEMES)

const indexIn = <T extends string>(table: ReadonlyMap<T, number>, value: T): number => table.get(value) ?? -1

export const encodeAnalyses = (analyzerVersion: string, analyses: ReadonlyArray<Analysis>): AnalysesWire => {
  const n: Array<number> = []
  const s: Array<string> = []
  const evidence = (list: ReadonlyArray<Evidence>) => {
    n.push(list.length)
    for (const e of list) {
      s.push(e.text)
      n.push(e.start, e.end, e.weight, e.negated ? 1 : 0)
    }
  }
  for (const a of analyses) {
    n.push(indexIn(KIND, a.kind), a.wordCount)
    n.push(indexIn(LANGUAGE, a.language.value), a.language.confidence)
    evidence(a.language.evidence)
    n.push(indexIn(SENTIMENT, a.sentiment.label), a.sentiment.score)
    evidence(a.sentiment.evidence)
    for (const emotion of EMOTIONS) {
      n.push(a.emotions[emotion].score)
      evidence(a.emotions[emotion].evidence)
    }
    n.push(indexIn(STAGE, a.stage.value), a.stage.confidence)
    for (const stage of STAGES) n.push(a.stage.scores[stage])
    evidence(a.stage.evidence)
    n.push(a.themes.length)
    for (const t of a.themes) {
      n.push(indexIn(THEME, t.theme), t.score)
      evidence(t.evidence)
    }
    n.push(a.skills.length)
    for (const k of a.skills) {
      s.push(k.name)
      evidence(k.evidence)
    }
    for (const roles of [a.motivations, a.blockers]) {
      n.push(roles.length)
      for (const r of roles) {
        n.push(indexIn(THEME, r.theme))
        evidence(r.evidence)
      }
    }
    n.push(a.keyPhrases.length)
    for (const k of a.keyPhrases) {
      s.push(k.text)
      n.push(k.start, k.end, k.score)
    }
  }
  return { analyzerVersion, count: analyses.length, numbers: Float64Array.from(n), strings: s }
}

/** A wire that does not read back whole (an unknown index, too few or too many values). */
export class MalformedWire {
  readonly _tag = "MalformedWire"
  constructor(readonly message: string) {}
}

/** The analyses of `wire`, or why it is malformed; reads every value exactly once. */
export const decodeAnalyses = (wire: AnalysesWire): ReadonlyArray<Analysis> | MalformedWire => {
  const n = wire.numbers
  const s = wire.strings
  const analyzerVersion = wire.analyzerVersion
  let i = 0
  let j = 0
  let bad: string | undefined
  const num = (): number => {
    if (i >= n.length) bad ??= "too few numbers"
    return n[i++] ?? 0
  }
  const str = (): string => {
    if (j >= s.length) bad ??= "too few strings"
    return s[j++] ?? ""
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
      const text = str()
      const start = num()
      const end = num()
      const weight = num()
      list.push({ text, start, end, weight, negated: num() === 1 })
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
      const name = str()
      skills.push({ name, evidence: evidence() })
    }
    const motivations = roles()
    const blockers = roles()
    const phraseCount = num()
    const keyPhrases: Array<KeyPhrase> = []
    for (let k = 0; k < phraseCount && bad === undefined; k++) {
      const text = str()
      const start = num()
      const end = num()
      keyPhrases.push({ text, start, end, score: num() })
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
  if (i !== n.length || j !== s.length) return new MalformedWire("values left over")
  return analyses
}
