/**
 * The compiled lexicon: every data file read once into one trie at start. `LEXICON_PROBLEMS`
 * lists cues that could not be read (the tests require it to be empty).
 */
import "../gc-flags.js"
import { EMOTION_CUES } from "../data/emotions.js"
import { CONCESSIONS, CONTRASTS, MODIFIERS, NEGATORS, WISHES } from "../data/modifiers.js"
import { ROLE_MARKERS } from "../data/roles.js"
import { ENGLISH_VALENCE } from "../data/sentiment-en.js"
import { FRENCH_VALENCE } from "../data/sentiment-fr.js"
import { SKILLS } from "../data/skills.js"
import { STAGE_CUE_FACTORS, STAGE_CUES } from "../data/stages.js"
import { THEME_CUES } from "../data/themes.js"
import { EMOTIONS, type Emotion, STAGES, THEMES } from "../schema.js"
import {
  CONTRAST,
  EMOTION,
  type EntryLanguage,
  MODIFIER,
  NEGATOR,
  type NegatorKind,
  type Payload,
  ROLE,
  SENTIMENT,
  SKILL,
  STAGE,
  THEME
} from "./payload.js"
import { type Pattern, parsePattern } from "./pattern.js"
import { buildTrie, type Trie } from "./trie.js"

type Entry = { readonly pattern: Pattern; readonly payload: Payload }

const entries: Array<Entry> = []
const problems: Array<string> = []

const add = (source: string, cue: string, make: (pattern: Pattern) => Payload) => {
  const pattern = parsePattern(cue)
  if (typeof pattern === "string") problems.push(`${source}: ${pattern}`)
  else entries.push({ pattern, payload: make(pattern) })
}

type Cues = { readonly fr?: ReadonlyArray<string>; readonly en?: ReadonlyArray<string>; readonly any?: ReadonlyArray<string> }
const LANGUAGES: ReadonlyArray<"fr" | "en" | "any"> = ["fr", "en", "any"]
const eachCue = (cues: Cues, f: (cue: string, language: EntryLanguage) => void) => {
  for (const language of LANGUAGES) for (const cue of cues[language] ?? []) f(cue, language)
}

for (const [cue, value] of Object.entries(FRENCH_VALENCE)) {
  add("sentiment-fr", cue, () => ({ category: SENTIMENT, language: "fr", cue, value }))
}
for (const [cue, value] of Object.entries(ENGLISH_VALENCE)) {
  add("sentiment-en", cue, () => ({ category: SENTIMENT, language: "en", cue, value }))
}
for (const emotion of EMOTIONS) {
  eachCue(EMOTION_CUES[emotion], (cue, language) =>
    add(`emotions.${emotion}`, cue, (p) => ({ category: EMOTION, language, cue, emotion: emotion as Emotion, weight: p.weight })))
}
for (const stage of STAGES) {
  eachCue(STAGE_CUES[stage], (cue, language) =>
    add(`stages.${stage}`, cue, (p) => ({
      category: STAGE,
      language,
      cue,
      stage,
      weight: p.weight * (STAGE_CUE_FACTORS[stage] ?? 1),
      negatable: p.negatable
    })))
}
for (const theme of THEMES) {
  eachCue(THEME_CUES[theme], (cue, language) =>
    add(`themes.${theme}`, cue, (p) => ({ category: THEME, language, cue, theme, weight: p.weight })))
}
for (const skill of SKILLS) {
  // Skill names cross languages ("digital marketing" in a French CV): every one applies to every text.
  // Job titles are words of their language ("chef" is a cook in English, a boss in French).
  const occupation = skill.occupation
  eachCue(skill, (cue, language) =>
    add(`skills.${skill.name}`, cue, () => ({
      category: SKILL,
      language: occupation === undefined ? "any" : language,
      cue,
      skill: skill.name,
      cased: skill.cased === true,
      occupation
    })))
}
for (const kind of Object.keys(NEGATORS) as Array<NegatorKind>) {
  eachCue(NEGATORS[kind], (cue, language) => add(`negators.${kind}`, cue, () => ({ category: NEGATOR, language, cue, kind })))
}
for (const language of ["fr", "en"] as const) {
  for (const [cue, factor] of Object.entries(MODIFIERS[language])) {
    add("modifiers", cue, () => ({ category: MODIFIER, language, cue, factor }))
  }
}
eachCue(CONTRASTS, (cue, language) => add("contrasts", cue, () => ({ category: CONTRAST, language, cue, kind: "but" })))
eachCue(CONCESSIONS, (cue, language) => add("concessions", cue, () => ({ category: CONTRAST, language, cue, kind: "concession" })))
eachCue(WISHES, (cue, language) => add("wishes", cue, () => ({ category: CONTRAST, language, cue, kind: "wish" })))
for (const role of ["desire", "obstacle"] as const) {
  eachCue(ROLE_MARKERS[role], (cue, language) => add(`roles.${role}`, cue, () => ({ category: ROLE, language, cue, role })))
}

export const LEXICON: Trie = buildTrie(entries)

/** Single words that only one language's entries use (folded): a hint for texts too short for function words. */
const vocabulary = (language: "fr" | "en"): Set<string> => {
  const words = new Set<string>()
  for (const { pattern, payload } of entries) {
    const [word] = pattern.words
    if (pattern.words.length === 1 && !word!.stem && payload.language === language) words.add(word!.text)
  }
  return words
}
const french = vocabulary("fr")
const english = vocabulary("en")
export const FRENCH_VOCABULARY: ReadonlySet<string> = new Set([...french].filter((w) => !english.has(w)))
export const ENGLISH_VOCABULARY: ReadonlySet<string> = new Set([...english].filter((w) => !french.has(w)))
export const LEXICON_PROBLEMS: ReadonlyArray<string> = problems
export const LEXICON_SIZE = entries.length
