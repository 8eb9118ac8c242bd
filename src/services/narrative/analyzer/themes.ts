/**
 * Themes: each theme's cue weights summed, negated or not (a negation changes a theme's role, not
 * whether it is talked about), plus sums of money for money_security ("$62k", "900 euros"), each
 * scaled by what the text's kind does to the theme; found from THEME_THRESHOLD, scored in [0, 1],
 * strongest first.
 */
import {
  AMOUNT_WEIGHT,
  CURRENCY_SIGNS,
  CURRENCY_WORDS,
  KIND_THEME_FACTORS,
  PERCENT_WORDS,
  THEME_THRESHOLD
} from "./data/themes.js"
import { boundEvidence, evidenceOf, round3 } from "./evidence.js"
import { THEME } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import { type Evidence, type TextKind, type Theme, type ThemeResult, THEMES } from "./schema.js"
import { isNegated } from "./scopes.js"
import { type Tokens, WORD } from "./tokenise.js"

const SATURATION = 2

export const themeScore = (sum: number): number => round3(1 - Math.exp(-sum / SATURATION))

/** Strongest first; equal scores in the order of THEMES. */
export const byScore = (a: { theme: Theme; score: number }, b: { theme: Theme; score: number }) =>
  b.score - a.score || THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme)

export interface ThemeFinding extends ThemeResult {
  /** Every cue, beyond the bounded evidence: roles read the sentences of all of them. */
  readonly cues: ReadonlyArray<{ readonly token: number; readonly negated: boolean }>
}

const isDigit = (code: number) => code >= 48 && code <= 57

/** The character at `at` after skipping one space, or "". */
const characterNear = (text: string, at: number, step: 1 | -1): string => {
  let i = at
  if (text[i] === " " || text[i] === "\u00a0" || text[i] === "\u202f") i += step
  return i >= 0 && i < text.length ? text[i]! : ""
}

/** Whether word `i` (which starts with a digit) is a sum of money: "$62k", "52k", "900 euros", "3 200 €", "20% more". */
const isAmount = (tokens: Tokens, i: number): boolean => {
  const { text, folded, starts, ends, kinds } = tokens
  const word = folded[i]!
  const last = word.charCodeAt(word.length - 1)
  if (word.length > 1 && word.endsWith("k") && isDigit(word.charCodeAt(word.length - 2))) return true
  if (!isDigit(last)) return false
  if (CURRENCY_SIGNS.has(characterNear(text, starts[i]! - 1, -1))) return true
  const after = characterNear(text, ends[i]!, 1)
  if (CURRENCY_SIGNS.has(after)) return true
  const next = i + 1 < tokens.count && kinds[i + 1] === WORD ? folded[i + 1]! : ""
  if (after === "%") return PERCENT_WORDS.has(next)
  return CURRENCY_WORDS.has(next)
}

export const readThemes = ({ tokens, matches, scopes }: Reading, kind: TextKind): ReadonlyArray<ThemeFinding> => {
  const factors = KIND_THEME_FACTORS[kind] ?? {}
  const sums = new Map<Theme, number>()
  const evidence = new Map<Theme, Array<Evidence>>()
  const cues = new Map<Theme, Array<{ token: number; negated: boolean }>>()
  const add = (theme: Theme, start: number, end: number, weight: number, negated: boolean) => {
    const factor = factors[theme] ?? 1
    if (factor === 0) return
    sums.set(theme, (sums.get(theme) ?? 0) + weight * factor)
    const list = evidence.get(theme) ?? []
    if (list.length === 0) evidence.set(theme, list)
    list.push(evidenceOf(tokens, start, end, weight * factor, negated))
    const tokensOf = cues.get(theme) ?? []
    if (tokensOf.length === 0) cues.set(theme, tokensOf)
    tokensOf.push({ token: start, negated })
  }
  for (const m of matches[THEME]) {
    const negated = isNegated(scopes, m.start, m.end)
    const seen = new Set<Theme>()
    for (const payload of m.payloads) {
      if (seen.has(payload.theme) || payload.weight === 0) continue
      seen.add(payload.theme)
      add(payload.theme, m.start, m.end, payload.weight, negated)
    }
  }
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kinds[i] === WORD && isDigit(tokens.folded[i]!.charCodeAt(0)) && isAmount(tokens, i)) {
      add("money_security", i, i + 1, AMOUNT_WEIGHT, false)
    }
  }
  const found: Array<ThemeFinding> = []
  for (const theme of THEMES) {
    const sum = sums.get(theme) ?? 0
    if (sum < THEME_THRESHOLD) continue
    found.push({ theme, score: themeScore(sum), evidence: boundEvidence(evidence.get(theme)!), cues: cues.get(theme)! })
  }
  return found.sort(byScore)
}
