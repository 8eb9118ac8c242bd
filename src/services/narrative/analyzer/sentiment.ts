/**
 * Sentiment: the sum of the valences found (AFINN scale), each scaled by its intensifiers and its
 * side of a contrast and flipped at reduced strength when negated ("pas épuisée" is mildly
 * positive, not the opposite of exhausted), squashed into [-1, 1] as VADER does.
 */
import { boundEvidence, evidenceOf, round3 } from "./evidence.js"
import { SENTIMENT } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import type { Evidence, SentimentLabel, TextKind } from "./schema.js"

/** A negated valence counts this much, reversed (VADER's constant). */
const NEGATION_FACTOR = -0.74
/** VADER's normalisation constant: a sum of ±4 gives ±0.72. */
const SQUASH = 15
/** |score| at which a text stops being neutral: one mild word (±1, score ±0.25) is not enough. */
export const POLARITY_THRESHOLD = 0.3
/** A CV summary's praise is convention ("skilled", "strong"), not mood: its valences count half. */
const KIND_FACTOR: { readonly [K in TextKind]: number } = { cv_summary: 0.5, cover_letter: 1, journal: 1, coach_chat: 1 }

export interface SentimentFinding {
  readonly label: SentimentLabel
  readonly score: number
  readonly evidence: ReadonlyArray<Evidence>
}

export const labelOf = (score: number): SentimentLabel =>
  score >= POLARITY_THRESHOLD ? "positive" : score <= -POLARITY_THRESHOLD ? "negative" : "neutral"

export const readSentiment = ({ tokens, matches, scopes }: Reading, kind: TextKind): SentimentFinding => {
  let sum = 0
  const evidence: Array<Evidence> = []
  for (const m of matches[SENTIMENT]) {
    let value = 0
    for (const payload of m.payloads) value += payload.value
    value /= m.payloads.length
    if (value === 0) continue
    const negated = scopes.negated[m.start] === 1
    const contribution = value * KIND_FACTOR[kind] * scopes.intensity[m.start]! * scopes.contrast[m.start]! *
      (negated ? NEGATION_FACTOR : 1)
    sum += contribution
    evidence.push(evidenceOf(tokens, m.start, m.end, contribution, negated))
  }
  const score = round3(sum / Math.sqrt(sum * sum + SQUASH))
  return { label: labelOf(score), score, evidence: boundEvidence(evidence) }
}
