/** Skills: each canonical label once, in order of first mention, with every span that names it. */
import { boundEvidence, evidenceOf } from "./evidence.js"
import { SKILL } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import type { Evidence, SkillResult } from "./schema.js"

const startsWithCapital = (text: string, at: number) => {
  const character = text[at]!
  return character !== character.toLowerCase()
}

export const readSkills = ({ tokens, matches }: Reading): ReadonlyArray<SkillResult> => {
  const evidence = new Map<string, Array<Evidence>>()
  for (const m of matches[SKILL]) {
    for (const payload of m.payloads) {
      if (payload.cased && !startsWithCapital(tokens.text, tokens.starts[m.start]!)) continue
      const list = evidence.get(payload.skill) ?? []
      if (list.length === 0) evidence.set(payload.skill, list)
      if (list.some((e) => e.start === tokens.starts[m.start])) continue
      list.push(evidenceOf(tokens, m.start, m.end, 1, false))
    }
  }
  return Array.from(evidence, ([name, spans]) => ({ name, evidence: boundEvidence(spans) }))
}
