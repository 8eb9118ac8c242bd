/**
 * Sentiment: the sum of the valences found (AFINN scale), each scaled by its intensifiers and its
 * side of a contrast and flipped at reduced strength when negated ("pas épuisée" is mildly
 * positive, not the opposite of exhausted), plus the emoji's valences, squashed into [-1, 1] as
 * VADER does.
 */
import { EMOJI_VALENCE } from "./data/emoji.js"
import { boundEvidence, evidenceOf, round3 } from "./evidence.js"
import { SENTIMENT } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import { isNegated } from "./scopes.js"
import type { Evidence, SentimentLabel, TextKind } from "./schema.js"

/** A negated valence counts this much, reversed (VADER's constant). */
const NEGATION_FACTOR = -0.74
/** VADER's normalisation constant: a sum of ±4 gives ±0.72. */
const SQUASH = 15
/** |score| at which a text stops being neutral: one mild word (±1, score ±0.25) is not enough. */
export const POLARITY_THRESHOLD = 0.3
/**
 * Score at or below which a text is negative: lower than the positive threshold, because writers of
 * career texts state a difficulty once and mildly ("c'est dur", "I froze") where praise comes in
 * several words; one plain negative word (±1, score -0.25) is enough.
 */
export const NEGATIVE_THRESHOLD = 0.2
/** A CV summary's praise is convention ("skilled", "strong"), not mood: its valences count half. */
const KIND_FACTOR: { readonly [K in TextKind]: number } = { cv_summary: 0.5, cover_letter: 1, journal: 1, coach_chat: 1 }

/** VADER's emphasis: each "!" adds this much to the sum's magnitude, up to MAX_EXCLAMATIONS of them. */
const EXCLAMATION_EMPHASIS = 0.292
const MAX_EXCLAMATIONS = 4
/** The sum of a text whose only sentiment is its exclamation marks (score 0.36: positive). */
const EXCLAMATION_ALONE = 1.5
/** Below this UTF-16 code unit no character is an emoji of EMOJI_VALENCE (☀ is U+2600). */
const FIRST_EMOJI = 0x2600

export interface SentimentFinding {
  readonly label: SentimentLabel
  readonly score: number
  readonly evidence: ReadonlyArray<Evidence>
  /** What the learned layer reads besides the score: the sums of the positive and negative contributions, before emphasis. */
  readonly positive: number
  readonly negative: number
  /** Valences read in a negation's scope, and "!" counted (up to MAX_EXCLAMATIONS). */
  readonly negations: number
  readonly exclamations: number
}

export const labelOf = (score: number): SentimentLabel =>
  score >= POLARITY_THRESHOLD ? "positive" : score <= -NEGATIVE_THRESHOLD ? "negative" : "neutral"

export const readSentiment = ({ tokens, matches, scopes }: Reading, kind: TextKind): SentimentFinding => {
  let sum = 0
  let positive = 0
  let negative = 0
  let negations = 0
  const evidence: Array<Evidence> = []
  for (const m of matches[SENTIMENT]) {
    let value = 0
    for (const payload of m.payloads) value += payload.value
    value /= m.payloads.length
    if (value === 0) continue
    const negated = isNegated(scopes, m.start, m.end)
    const contribution = value * KIND_FACTOR[kind] * scopes.intensity[m.start]! * scopes.contrast[m.start]! *
      (negated ? NEGATION_FACTOR : 1)
    sum += contribution
    if (contribution > 0) positive += contribution
    else negative += contribution
    if (negated) negations++
    evidence.push(evidenceOf(tokens, m.start, m.end, contribution, negated))
  }
  // Emoji are not words: read from the text itself, by code point.
  const { text } = tokens
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < FIRST_EMOJI) continue
    const code = text.codePointAt(i)!
    const width = code > 0xffff ? 2 : 1
    const value = EMOJI_VALENCE.get(code)
    if (value !== undefined) {
      const contribution = value * KIND_FACTOR[kind]
      sum += contribution
      if (contribution > 0) positive += contribution
      else negative += contribution
      evidence.push({ text: text.slice(i, i + width), start: i, end: i + width, weight: round3(contribution), negated: false })
    }
    i += width - 1
  }
  // Exclamation marks stress whatever the text already leans to (VADER's emphasis rule); in a
  // text with no valence at all, they are its mood: career texts exclaim good news ("CDI signé !",
  // "Final answer!"), while a complaint has its own words.
  let marks = 0
  let firstMark = -1
  for (let i = text.indexOf("!"); i >= 0 && marks < MAX_EXCLAMATIONS; i = text.indexOf("!", i + 1)) {
    if (marks === 0) firstMark = i
    marks++
  }
  if (sum !== 0) sum += Math.sign(sum) * marks * EXCLAMATION_EMPHASIS
  else if (marks > 0 && tokens.words > 0) {
    sum = EXCLAMATION_ALONE
    evidence.push({ text: "!", start: firstMark, end: firstMark + 1, weight: EXCLAMATION_ALONE, negated: false })
  }
  const score = round3(sum / Math.sqrt(sum * sum + SQUASH))
  return { label: labelOf(score), score, evidence: boundEvidence(evidence), positive, negative, negations, exclamations: marks }
}
