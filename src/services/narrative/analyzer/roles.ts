/**
 * Motivations and blockers, from the themes found: the wishes ("je voudrais", "I dream of") and
 * obstacles ("peur de", "can't afford") said in a theme's sentences decide; if they balance, the
 * theme's usual role does (a blocker whose every cue is negated, "I'm not stressed anymore", is
 * then neither).
 */
import { DEFAULT_ROLES } from "./data/roles.js"
import { boundEvidence, evidenceOf } from "./evidence.js"
import { ROLE } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import { isNegated } from "./scopes.js"
import type { Evidence, ThemeRole } from "./schema.js"
import type { ThemeFinding } from "./themes.js"

export interface RoleFindings {
  readonly motivations: ReadonlyArray<ThemeRole>
  readonly blockers: ReadonlyArray<ThemeRole>
}

export const readRoles = ({ tokens, matches, scopes }: Reading, themes: ReadonlyArray<ThemeFinding>): RoleFindings => {
  const motivations: Array<ThemeRole> = []
  const blockers: Array<ThemeRole> = []
  const markers = matches[ROLE].filter((m) => !isNegated(scopes, m.start, m.end))
  for (const theme of themes) {
    const sentences = new Set(theme.cues.map((cue) => tokens.sentence[cue.token]!))
    let desires = 0
    let obstacles = 0
    const said: Array<Evidence> = []
    for (const m of markers) {
      if (!sentences.has(tokens.sentence[m.start]!)) continue
      const desire = m.payloads.some((p) => p.role === "desire")
      const obstacle = m.payloads.some((p) => p.role === "obstacle")
      if (desire === obstacle) continue
      if (desire) desires++
      else obstacles++
      said.push(evidenceOf(tokens, m.start, m.end, desire ? 1 : -1, false))
    }
    const fallback = DEFAULT_ROLES[theme.theme]
    const role = obstacles > desires
      ? "blocker"
      : desires > obstacles
      ? "motivation"
      : fallback === "blocker" && theme.cues.every((cue) => cue.negated)
      ? "none"
      : fallback
    if (role === "none") continue
    const entry = { theme: theme.theme, evidence: boundEvidence([...theme.evidence, ...said]) }
    if (role === "motivation") motivations.push(entry)
    else blockers.push(entry)
  }
  return { motivations, blockers }
}
