/**
 * A text read by the rule layer: tokens, language, lexicon matches and scopes, and what the
 * sentiment, emotion, stage and theme readers find. `analyze` answers from it; the learned layer
 * reads its features from it (and trains from it, without loading a model).
 */
import { readEmotions } from "./emotions.js"
import { clauseLanguages, detectLanguage, type LanguageFinding } from "./language.js"
import type { RuleFindings } from "./learned/features.js"
import { LEXICON } from "./lexicon/index.js"
import { BOTH_MODE, ENGLISH_MODE, FRENCH_MODE, type LexiconMode, matchAll } from "./lexicon/trie.js"
import type { Reading } from "./reading.js"
import type { LanguageHint, TextKind } from "./schema.js"
import { computeScopes } from "./scopes.js"
import { readSentiment } from "./sentiment.js"
import { readStage } from "./stage.js"
import { readThemes } from "./themes.js"
import { tokenise } from "./tokenise.js"

export interface AnalyzerInput {
  readonly text: string
  readonly kind: TextKind
  readonly languageHint?: LanguageHint | undefined
}

export interface TextReading extends RuleFindings {
  readonly reading: Reading
  readonly languageFinding: LanguageFinding
}

const modeOf = (language: LanguageFinding["value"]): LexiconMode =>
  language === "fr" ? FRENCH_MODE : language === "en" ? ENGLISH_MODE : BOTH_MODE

export const readText = (input: AnalyzerInput): TextReading => {
  const tokens = tokenise(input.text)
  const language: LanguageFinding = tokens.words === 0
    ? { value: "unknown", confidence: 0, markers: [] }
    : detectLanguage(tokens, input.languageHint)
  const matches = matchAll(LEXICON, tokens, modeOf(language.value), language.value === "mixed" ? clauseLanguages(tokens) : undefined)
  const reading: Reading = { tokens, matches, scopes: computeScopes(tokens, matches) }
  return {
    kind: input.kind,
    tokens,
    reading,
    languageFinding: language,
    language: language.value,
    sentiment: readSentiment(reading, input.kind),
    emotions: readEmotions(reading),
    stage: readStage(reading, input.kind),
    themes: readThemes(reading, input.kind)
  }
}
