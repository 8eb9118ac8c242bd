/**
 * Themes: each theme's cue weights summed, negated or not (a negation changes a theme's role, not
 * whether it is talked about); found from THEME_THRESHOLD, scored in [0, 1], strongest first.
 */
import { THEME_THRESHOLD } from "./data/themes.js"
import { boundEvidence, evidenceOf, round3 } from "./evidence.js"
import { THEME } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import { type Evidence, type Theme, type ThemeResult, THEMES } from "./schema.js"

const SATURATION = 2

export const themeScore = (sum: number): number => round3(1 - Math.exp(-sum / SATURATION))

/** Strongest first; equal scores in the order of THEMES. */
export const byScore = (a: { theme: Theme; score: number }, b: { theme: Theme; score: number }) =>
  b.score - a.score || THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme)

export interface ThemeFinding extends ThemeResult {
  /** Every cue, beyond the bounded evidence: roles read the sentences of all of them. */
  readonly cues: ReadonlyArray<{ readonly token: number; readonly negated: boolean }>
}

export const readThemes = ({ tokens, matches, scopes }: Reading): ReadonlyArray<ThemeFinding> => {
  const sums = new Map<Theme, number>()
  const evidence = new Map<Theme, Array<Evidence>>()
  const cues = new Map<Theme, Array<{ token: number; negated: boolean }>>()
  for (const m of matches[THEME]) {
    const negated = scopes.negated[m.start] === 1
    const seen = new Set<Theme>()
    for (const payload of m.payloads) {
      if (seen.has(payload.theme)) continue
      seen.add(payload.theme)
      sums.set(payload.theme, (sums.get(payload.theme) ?? 0) + payload.weight)
      const list = evidence.get(payload.theme) ?? []
      if (list.length === 0) evidence.set(payload.theme, list)
      list.push(evidenceOf(tokens, m.start, m.end, payload.weight, negated))
      const tokensOf = cues.get(payload.theme) ?? []
      if (tokensOf.length === 0) cues.set(payload.theme, tokensOf)
      tokensOf.push({ token: m.start, negated })
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
