/**
 * `analyze`: one text in, its Analysis out. Pure and deterministic (no clock, no randomness, no
 * I/O; lexicons are compiled once at module load), safe to run in a worker and to cache by
 * (ANALYZER_VERSION, kind, languageHint, text).
 */
import { readEmotions } from "./emotions.js"
import { evidenceOf, round3 } from "./evidence.js"
import { readKeyPhrases } from "./key-phrases.js"
import { clauseLanguages, detectLanguage, type LanguageFinding } from "./language.js"
import { LEXICON } from "./lexicon/index.js"
import { BOTH_MODE, ENGLISH_MODE, FRENCH_MODE, type LexiconMode, matchAll } from "./lexicon/trie.js"
import { MAX_EVIDENCE_PER_CONCLUSION } from "./limits.js"
import type { Reading } from "./reading.js"
import { readRoles } from "./roles.js"
import type { Analysis, LanguageHint, TextKind } from "./schema.js"
import { computeScopes } from "./scopes.js"
import { readSentiment } from "./sentiment.js"
import { readSkills } from "./skills.js"
import { readStage } from "./stage.js"
import { readThemes } from "./themes.js"
import { tokenise, type Tokens } from "./tokenise.js"
import { ANALYZER_VERSION } from "./version.js"

export interface AnalyzerInput {
  readonly text: string
  readonly kind: TextKind
  readonly languageHint?: LanguageHint | undefined
}

const modeOf = (language: LanguageFinding["value"]): LexiconMode =>
  language === "fr" ? FRENCH_MODE : language === "en" ? ENGLISH_MODE : BOTH_MODE

/** The first markers in text order; for a mixed text, half from each language so both show. */
const languageResult = (tokens: Tokens, finding: LanguageFinding): Analysis["language"] => {
  const half = MAX_EVIDENCE_PER_CONCLUSION / 2
  const markers = finding.value === "mixed"
    ? [
      ...finding.markers.filter((m) => m.language === "fr").slice(0, half),
      ...finding.markers.filter((m) => m.language === "en").slice(0, half)
    ].sort((a, b) => a.token - b.token)
    : finding.markers.slice(0, MAX_EVIDENCE_PER_CONCLUSION)
  return {
    value: finding.value,
    confidence: round3(finding.confidence),
    evidence: markers.map((m) => evidenceOf(tokens, m.token, m.token + 1, 1, false))
  }
}

export const analyze = (input: AnalyzerInput): Analysis => {
  const tokens = tokenise(input.text)
  const language: LanguageFinding = tokens.words === 0
    ? { value: "unknown", confidence: 0, markers: [] }
    : detectLanguage(tokens, input.languageHint)
  const matches = matchAll(LEXICON, tokens, modeOf(language.value), language.value === "mixed" ? clauseLanguages(tokens) : undefined)
  const reading: Reading = { tokens, matches, scopes: computeScopes(tokens, matches) }
  const themes = readThemes(reading, input.kind)
  const { blockers, motivations } = readRoles(reading, themes)
  return {
    analyzerVersion: ANALYZER_VERSION,
    kind: input.kind,
    wordCount: tokens.words,
    language: languageResult(tokens, language),
    sentiment: readSentiment(reading, input.kind),
    emotions: readEmotions(reading),
    stage: readStage(reading, input.kind),
    themes: themes.map(({ evidence, score, theme }) => ({ theme, score, evidence })),
    skills: readSkills(reading),
    motivations,
    blockers,
    keyPhrases: readKeyPhrases(reading)
  }
}
