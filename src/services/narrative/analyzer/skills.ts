/**
 * Skills: each canonical label once, in order of first mention, with every span that names it.
 * A job title names the skill of a trade practised ("infirmière depuis 9 ans", "as a nurse"), not
 * a goal (after "devenir", "become", "retrain", "formation de"… or before "programs", "school"…:
 * "Researching nursing programs") nor someone else ("le recruteur", "the recruiter"); and no skill
 * counts as the field of a job sought ("un poste dans la logistique", "a role in food logistics").
 */
import {
  BECAME,
  FIELD_GOALS_BEFORE,
  GOAL_SECTOR_PAIRS,
  OCCUPATION_GOAL_REACH,
  OCCUPATION_GOALS_AFTER,
  OCCUPATION_GOALS_BEFORE,
  OTHER_PERSON_DETERMINERS,
  SECTOR_REACH,
  SELF_BEFORE_ARTICLE,
  SELF_BEFORE_BECAME
} from "./data/skills.js"
import { boundEvidence, evidenceOf } from "./evidence.js"
import { SKILL } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import type { Evidence, SkillResult } from "./schema.js"
import { type Tokens, WORD } from "./tokenise.js"

const startsWithCapital = (text: string, at: number) => {
  const character = text[at]!
  return character !== character.toLowerCase()
}

/** The word before `i` in the same clause, or "". */
const wordBefore = (tokens: Tokens, i: number): string => (i > 0 && tokens.kinds[i - 1] === WORD ? tokens.lower[i - 1]! : "")

/** Words that tie a title to what precedes it ("poste de", "as", "comme"): no determiner is looked for beyond them. */
const LINKS = new Set(["de", "d'", "of", "as", "comme", "que", "qu'", "en"])

/** A title after a determiner, maybe past one adjective ("le dernier recruteur", "a senior recruiter"). */
const isSomeoneElse = (tokens: Tokens, start: number): boolean => {
  for (let back = 1; back <= 2; back++) {
    const word = wordBefore(tokens, start - back + 1)
    if (word === "" || (back === 2 && LINKS.has(wordBefore(tokens, start)))) return false
    if (OTHER_PERSON_DETERMINERS.has(word)) return true
    if (back === 1 && BECAME.has(word)) return !SELF_BEFORE_BECAME.has(wordBefore(tokens, start - 1))
    if (word === "a" || word === "an") return !SELF_BEFORE_ARTICLE.has(wordBefore(tokens, start - back))
  }
  return false
}

/**
 * Whether the job title over words `start` … `end - 1` is not the writer's trade: a goal
 * ("devenir infirmière", "nursing programs") or someone else ("the recruiter", "une product manager").
 */
const isNotOwnTrade = (tokens: Tokens, start: number, end: number, title: boolean): boolean => {
  const { kinds, folded, sentence } = tokens
  if (title && isSomeoneElse(tokens, start)) return true
  let seen = 0
  for (let j = start - 1; j >= 0 && seen < OCCUPATION_GOAL_REACH && sentence[j] === sentence[start]; j--) {
    if (kinds[j] !== WORD) continue
    if (OCCUPATION_GOALS_BEFORE.has(folded[j]!) || (!title && FIELD_GOALS_BEFORE.has(folded[j]!))) return true
    seen++
  }
  return end < tokens.count && kinds[end] === WORD && OCCUPATION_GOALS_AFTER.has(folded[end]!)
}

/** Whether words `start` … come within SECTOR_REACH words after "un poste dans", "a role in"… */
const isSoughtField = (tokens: Tokens, start: number): boolean => {
  const { kinds, folded } = tokens
  for (let j = start - 1, seen = 0; j > 0 && seen < SECTOR_REACH && kinds[j] === WORD; j--, seen++) {
    if (kinds[j - 1] === WORD && GOAL_SECTOR_PAIRS.has(`${folded[j - 1]} ${folded[j]}`)) return true
  }
  return false
}

export const readSkills = ({ tokens, matches }: Reading): ReadonlyArray<SkillResult> => {
  const evidence = new Map<string, Array<Evidence>>()
  for (const m of matches[SKILL]) {
    if (isSoughtField(tokens, m.start)) continue
    for (const payload of m.payloads) {
      if (payload.skill === "") continue
      if (payload.cased && !startsWithCapital(tokens.text, tokens.starts[m.start]!)) continue
      if (payload.occupation !== undefined && isNotOwnTrade(tokens, m.start, m.end, payload.occupation === "title")) continue
      const list = evidence.get(payload.skill) ?? []
      if (list.length === 0) evidence.set(payload.skill, list)
      if (list.some((e) => e.start === tokens.starts[m.start])) continue
      list.push(evidenceOf(tokens, m.start, m.end, 1, false))
    }
  }
  return Array.from(evidence, ([name, spans]) => ({ name, evidence: boundEvidence(spans) }))
}
