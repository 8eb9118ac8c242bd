/**
 * Sentiment and stage as answered: the learned model's most likely class when the model has the
 * task, the rules' otherwise. When the model agrees with the rules the rules' answer is given
 * unchanged (score, confidence, shares, evidence). When it overrules them:
 * - sentiment: the score is P(positive) - P(negative) moved into the label's band (so
 *   `labelOf(score)` is the label, as profiles assume);
 * - stage: the shares are the model's probabilities and the confidence is the chosen stage's
 *   probability times what the rules' cues make sure of (their certainty, or NO_CUE_CONFIDENCE);
 * - evidence: the rules' spans for the answer (every valence for sentiment; the chosen stage's
 *   cues) and the model's strongest words for it (up to MODEL_EVIDENCE_WORDS), in text order.
 */
import { STOPWORDS } from "../data/stopwords.js"
import { boundEvidence, evidenceOf, round3 } from "../evidence.js"
import { MAX_EVIDENCE_PER_CONCLUSION } from "../limits.js"
import type { TextReading } from "../read-text.js"
import { type Analysis, type Evidence, SENTIMENTS, type SentimentLabel, type Stage, STAGES } from "../schema.js"
import { isNegated } from "../scopes.js"
import { NEGATIVE_THRESHOLD, POLARITY_THRESHOLD } from "../sentiment.js"
import { CERTAINTY_SCALE, NO_CUE_CONFIDENCE } from "../stage.js"
import { DENSE_SIZE, writeDenseFeatures } from "./features.js"
import { type CompiledModel, ROW_SIZE, type RowTrace, scoreText, SENTIMENT_COLUMN, STAGE_COLUMN } from "./model.js"
import { softmaxInPlace } from "./softmax.js"

/** The model's words given as evidence when it overrules the rules. */
export const MODEL_EVIDENCE_WORDS = 3
/** A word counts as evidence when it favours the answer over every other class by at least this (in logits). */
const MIN_SUPPORT = 0.05

const POSITIVE = SENTIMENTS.indexOf("positive")
const NEGATIVE = SENTIMENTS.indexOf("negative")

/** The best class among columns `from … from + classes - 1`, as a class index. */
const argmax = (p: Float64Array, from: number, classes: number): number => {
  let best = 0
  for (let k = 1; k < classes; k++) if (p[from + k]! > p[from + best]!) best = k
  return best
}

/**
 * Scratch space for one text's features, logits and trace, reused from text to text: `decide` is
 * synchronous and every worker thread has its own module instance, so no two texts share it at
 * once. (Typed arrays over 64 bytes get an off-heap store: one per text cost more than scoring.)
 */
const DENSE = new Float64Array(DENSE_SIZE)
const LOGITS = new Float64Array(ROW_SIZE)
let TRACE: RowTrace = { words: new Int32Array(256), pairs: new Int32Array(256) }

/** The trace scratch, grown (to a power of two) for a text of `count` tokens. */
const traceFor = (count: number): RowTrace => {
  if (TRACE.words.length < count) {
    const size = 2 ** Math.ceil(Math.log2(count))
    TRACE = { words: new Int32Array(size), pairs: new Int32Array(size) }
  }
  return TRACE
}

type Task = "sentiment" | "stage"

interface Candidate {
  /** The feature's row in `CompiledModel.rows`. */
  readonly row: number
  readonly start: number
  readonly end: number
  readonly support: number
}

/** How much a row favours class `c` over the best other class (in logits). */
const supportOf = (rows: Float64Array, at: number, classes: number, c: number): number => {
  let other = -Infinity
  for (let k = 0; k < classes; k++) if (k !== c && rows[at + k]! > other) other = rows[at + k]!
  return rows[at + c]! - other
}

/**
 * Adds the word `at` (or the pair `first`, `at`) to the candidates when it favours the answer
 * enough, once per feature. Filler words ("la", "I") weigh in the model but explain nothing: a
 * filler word is left out, a pair only when both its words are fillers. (No closure: tsx wraps
 * each one it creates.)
 */
const consider = (found: Array<Candidate>, row: number, first: number, at: number, text: TextReading, rows: Float64Array, from: number, classes: number, c: number) => {
  const support = supportOf(rows, row * ROW_SIZE + from, classes, c)
  if (support < MIN_SUPPORT) return
  for (let f = 0; f < found.length; f++) if (found[f]!.row === row) return
  const { lower } = text.tokens
  if (STOPWORDS.has(lower[at]!) && (first === at || STOPWORDS.has(lower[first]!))) return
  found.push({ row, start: first, end: at + 1, support })
}

const bySupport = (a: Candidate, b: Candidate) => b.support - a.support || a.start - b.start

/**
 * The words and pairs of words that favour class `c` over every other class most, one span per
 * feature, strongest first, fillers left out. Weights are in the model's units (logits): signed for
 * sentiment (towards positive, away from negative), for a stage how much the word favours it.
 */
const modelWords = (model: CompiledModel, task: Task, text: TextReading, trace: RowTrace, c: number): ReadonlyArray<Evidence> => {
  const { tokens } = text
  const { rows } = model
  const from = task === "sentiment" ? SENTIMENT_COLUMN : STAGE_COLUMN
  const classes = task === "sentiment" ? SENTIMENTS.length : STAGES.length
  const found: Array<Candidate> = []
  for (let i = 0; i < tokens.count; i++) {
    if (trace.pairs[i]! >= 0) consider(found, trace.pairs[i]!, i - 1, i, text, rows, from, classes, c)
    if (trace.words[i]! >= 0) consider(found, trace.words[i]!, i, i, text, rows, from, classes, c)
  }
  found.sort(bySupport)
  const evidence: Array<Evidence> = []
  for (let f = 0; f < found.length && f < MODEL_EVIDENCE_WORDS; f++) {
    const { end, row, start, support } = found[f]!
    const at = row * ROW_SIZE + from
    const weight = task === "sentiment" ? rows[at + POSITIVE]! - rows[at + NEGATIVE]! : support
    evidence.push(evidenceOf(tokens, start, end, weight, isNegated(text.reading.scopes, start, end)))
  }
  return evidence
}

const sameSpan = (list: ReadonlyArray<Evidence>, e: Evidence): boolean => {
  for (const other of list) if (other.start === e.start && other.end === e.end) return true
  return false
}

const byPosition = (a: Evidence, b: Evidence) => a.start - b.start || a.end - b.end

/** The rules' spans and the model's words, in text order, the model's always kept. */
const merge = (rules: ReadonlyArray<Evidence>, model: ReadonlyArray<Evidence>): ReadonlyArray<Evidence> => {
  const fresh: Array<Evidence> = []
  for (const e of model) if (!sameSpan(rules, e)) fresh.push(e)
  const kept = boundEvidence(rules).slice(0, MAX_EVIDENCE_PER_CONCLUSION - fresh.length)
  return [...kept, ...fresh].sort(byPosition)
}

const BANDS: { readonly [L in SentimentLabel]: readonly [number, number] } = {
  positive: [POLARITY_THRESHOLD, 1],
  neutral: [-NEGATIVE_THRESHOLD + 0.001, POLARITY_THRESHOLD - 0.001],
  negative: [-1, -NEGATIVE_THRESHOLD]
}

export interface Decisions {
  readonly sentiment: Analysis["sentiment"]
  readonly stage: Analysis["stage"]
}

export const decide = (text: TextReading, model: CompiledModel | undefined): Decisions => {
  const { sentiment: rulesSentiment, stage: rulesStage } = text
  const rules: Decisions = {
    sentiment: { label: rulesSentiment.label, score: rulesSentiment.score, evidence: rulesSentiment.evidence },
    stage: { value: rulesStage.value, confidence: rulesStage.confidence, scores: rulesStage.scores, evidence: rulesStage.evidence }
  }
  if (model === undefined || text.tokens.words === 0) return rules
  const p = LOGITS
  const trace = traceFor(text.tokens.count)
  writeDenseFeatures(text, DENSE)
  scoreText(model, DENSE, text.tokens, p, trace)
  let sentiment = rules.sentiment
  if (model.sentiment) {
    softmaxInPlace(p, SENTIMENT_COLUMN, SENTIMENT_COLUMN + SENTIMENTS.length)
    const c = argmax(p, SENTIMENT_COLUMN, SENTIMENTS.length)
    const label = SENTIMENTS[c]!
    if (label !== rulesSentiment.label) {
      const [low, high] = BANDS[label]
      const score = round3(Math.min(high, Math.max(low, p[SENTIMENT_COLUMN + POSITIVE]! - p[SENTIMENT_COLUMN + NEGATIVE]!)))
      sentiment = { label, score, evidence: merge(rulesSentiment.evidence, modelWords(model, "sentiment", text, trace, c)) }
    }
  }
  let stage = rules.stage
  if (model.stage) {
    softmaxInPlace(p, STAGE_COLUMN, STAGE_COLUMN + STAGES.length)
    const c = argmax(p, STAGE_COLUMN, STAGES.length)
    const value: Stage = STAGES[c]!
    if (value !== rulesStage.value) {
      let cueWeight = 0
      for (const s of STAGES) cueWeight += rulesStage.cues[s]
      const certainty = cueWeight > 0 ? 1 - Math.exp(-cueWeight / CERTAINTY_SCALE) : NO_CUE_CONFIDENCE
      const scores = { exploration: 0, decision: 0, preparation: 0, transition: 0, integration: 0 }
      for (let k = 0; k < STAGES.length; k++) scores[STAGES[k]!] = round3(p[STAGE_COLUMN + k]!)
      stage = {
        value,
        confidence: round3(p[STAGE_COLUMN + c]! * certainty),
        scores,
        evidence: merge(rulesStage.cueEvidence.get(value) ?? [], modelWords(model, "stage", text, trace, c))
      }
    }
  }
  return { sentiment, stage }
}
