/**
 * The reach of negations, intensifiers and contrasts over a text's words, one flag or factor per
 * token, so every cue is then read in O(1):
 * - negation: a negator reaches the next 3 words of its clause (fillers like "du tout", "at all",
 *   "am" do not count), stopping at "and", "mais", "because"…; French "ne/n'" also reaches the
 *   words up to its particle ("je n'aime pas" negates "aime"), and "plus/point/personne" negate
 *   only after a "ne" ("je ne suis plus stressée"); a cue that holds its own negation is not
 *   negated again (`isNegated`: "je n'ai plus aucune énergie" is one negation, not two);
 * - intensity: "très", "really" (×1.5), "un peu", "a bit" (×0.5) scale the next 2 words;
 * - contrast: in a sentence with "mais"/"but", what comes before counts ×0.5 and after ×1.5;
 *   the clause after "même si"/"even if" counts ×0.5, the rest of a wish's clause ("je voudrais
 *   un métier utile", "I dream of…") ×0.4.
 */
import { SCOPE_BREAKERS, SCOPE_FILLERS } from "./data/modifiers.js"
import { CONTRAST, MODIFIER, NEGATOR, type NegatorKind } from "./lexicon/payload.js"
import type { Matches } from "./lexicon/trie.js"
import { type Tokens, WORD } from "./tokenise.js"

const NEGATION_REACH_WORDS = 3
/** How far after "ne" its particle may come: "je ne me suis jamais", "n'en ai vraiment plus". */
const OPENER_REACH_WORDS = 5
const MODIFIER_REACH_WORDS = 2
const MIN_INTENSITY = 0.25
const MAX_INTENSITY = 2.5
const BEFORE_CONTRAST = 0.5
const AFTER_CONTRAST = 1.5
const CONCEDED = 0.5
const WISHED = 0.4

export interface Scopes {
  readonly negated: Uint8Array
  /** 1 on the words of a negation ("pas", "not", "aucune", "n'"): a cue holding one carries its own. */
  readonly negator: Uint8Array
  readonly intensity: Float64Array
  readonly contrast: Float64Array
}

/**
 * Whether a cue over words `start` … `end - 1` is negated: its first word is in a negation's reach
 * and the cue does not hold its own negation ("je ne tiendrai pas", "n'en peux plus", "I don't
 * belong"); negative concord: "je n'ai plus aucune énergie" is one negation, not two.
 */
export const isNegated = (scopes: Scopes, start: number, end: number): boolean => {
  if (scopes.negated[start] !== 1) return false
  for (let j = start; j < end; j++) if (scopes.negator[j] === 1) return false
  return true
}

/** One kind per match: a "none" entry wins (it is there to cancel), then forward, closing, opener. */
const kindOf = (payloads: ReadonlyArray<{ readonly kind: NegatorKind }>): NegatorKind => {
  let kind: NegatorKind = "opener"
  for (const payload of payloads) {
    if (payload.kind === "none") return "none"
    if (payload.kind === "forward" || (payload.kind === "closing" && kind === "opener")) kind = payload.kind
  }
  return kind
}

export const computeScopes = (tokens: Tokens, matches: Matches): Scopes => {
  const { count, kinds, folded } = tokens
  const negated = new Uint8Array(count)
  const intensity = new Float64Array(count).fill(1)
  const contrast = new Float64Array(count).fill(1)
  const modifierAt = new Uint8Array(count)
  for (const m of matches[MODIFIER]) for (let j = m.start; j < m.end; j++) modifierAt[j] = 1

  const negateForward = (from: number) => {
    let used = 0
    for (let j = from; j < count && used < NEGATION_REACH_WORDS; j++) {
      if (kinds[j] !== WORD || SCOPE_BREAKERS.has(folded[j]!)) return
      negated[j] = 1
      if (modifierAt[j] === 0 && !SCOPE_FILLERS.has(folded[j]!)) used++
    }
  }

  const negators = matches[NEGATOR]
  const negator = new Uint8Array(count)
  for (const m of negators) if (kindOf(m.payloads) !== "none") for (let j = m.start; j < m.end; j++) negator[j] = 1
  const activated = new Uint8Array(negators.length)
  for (let n = 0; n < negators.length; n++) {
    const m = negators[n]!
    const kind = kindOf(m.payloads)
    if (kind === "forward" || (kind === "closing" && activated[n] === 1)) {
      negateForward(m.end)
    } else if (kind === "opener") {
      // Find the particle: the next negator in the same clause, close enough.
      const next = negators[n + 1]
      if (next === undefined || next.start - m.end > OPENER_REACH_WORDS) continue
      let sameClause = true
      for (let j = m.end; j < next.start; j++) if (kinds[j] !== WORD) sameClause = false
      const nextKind = kindOf(next.payloads)
      if (!sameClause || (nextKind !== "forward" && nextKind !== "closing")) continue
      for (let j = m.end; j < next.start; j++) negated[j] = 1
      activated[n + 1] = 1
    }
  }

  for (const m of matches[MODIFIER]) {
    const factor = m.payloads[0]!.factor
    let reached = 0
    for (let j = m.end; j < count && reached < MODIFIER_REACH_WORDS; j++) {
      if (kinds[j] !== WORD) break
      intensity[j] = Math.min(MAX_INTENSITY, Math.max(MIN_INTENSITY, intensity[j]! * factor))
      reached++
    }
  }

  for (const m of matches[CONTRAST]) {
    const kind = m.payloads[0]!.kind
    if (kind === "concession" || kind === "wish") {
      const factor = kind === "concession" ? CONCEDED : WISHED
      for (let j = m.end; j < count && kinds[j] === WORD; j++) contrast[j]! *= factor
      continue
    }
    const sentence = tokens.sentence[m.start]!
    for (let j = m.start - 1; j >= 0 && tokens.sentence[j] === sentence; j--) contrast[j]! *= BEFORE_CONTRAST
    for (let j = m.end; j < count && tokens.sentence[j] === sentence; j++) contrast[j]! *= AFTER_CONTRAST
  }
  return { negated, negator, intensity, contrast }
}
