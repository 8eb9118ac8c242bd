/**
 * What the learned layer reads of a text: the rule layer's own findings as a fixed vector of
 * numbers (`DENSE_FEATURES`, in that order), and the text's words, lower-cased and accent-folded
 * (`Tokens.folded`), one by one and two by two within a clause. Training and inference read the
 * same function, so a feature means the same thing in both.
 */
import type { EmotionFindings } from "../emotions.js"
import type { LanguageFinding } from "../language.js"
import { EMOTIONS, STAGES, TEXT_KINDS, type TextKind, THEMES } from "../schema.js"
import type { SentimentFinding } from "../sentiment.js"
import type { StageFinding } from "../stage.js"
import type { ThemeFinding } from "../themes.js"
import { type Tokens, WORD } from "../tokenise.js"

/** The rule layer's findings on one text: everything the dense features are made of. */
export interface RuleFindings {
  readonly kind: TextKind
  readonly tokens: Tokens
  readonly language: LanguageFinding["value"]
  readonly sentiment: SentimentFinding
  readonly emotions: EmotionFindings
  readonly stage: StageFinding
  readonly themes: ReadonlyArray<ThemeFinding>
}

export const DENSE_FEATURES: ReadonlyArray<string> = [
  "bias",
  ...TEXT_KINDS.map((kind) => `kind=${kind}`),
  "language=fr",
  "language=en",
  "language=mixed",
  "sentiment.score",
  "sentiment=positive",
  "sentiment=negative",
  "sentiment.positive",
  "sentiment.negative",
  "sentiment.negations",
  "sentiment.exclamations",
  ...EMOTIONS.map((emotion) => `emotion.${emotion}`),
  ...STAGES.map((stage) => `stage.cues.${stage}`),
  ...STAGES.map((stage) => `stage=${stage}`),
  "stage.confidence",
  ...THEMES.map((theme) => `theme.${theme}`),
  "words"
]
export const DENSE_SIZE = DENSE_FEATURES.length
/** Index of the constant feature: never standardised nor regularised. */
export const BIAS = 0

/** The dense features of one text into `out`, in the order of DENSE_FEATURES. Sums are log-scaled: the tenth cue adds less than the first. */
export const writeDenseFeatures = (findings: RuleFindings, out: Float64Array): void => {
  const { emotions, kind, language, sentiment, stage, themes, tokens } = findings
  let at = 0
  out[at++] = 1
  for (const k of TEXT_KINDS) out[at++] = k === kind ? 1 : 0
  out[at++] = language === "fr" ? 1 : 0
  out[at++] = language === "en" ? 1 : 0
  out[at++] = language === "mixed" ? 1 : 0
  out[at++] = sentiment.score
  out[at++] = sentiment.label === "positive" ? 1 : 0
  out[at++] = sentiment.label === "negative" ? 1 : 0
  out[at++] = Math.log1p(sentiment.positive)
  out[at++] = Math.log1p(-sentiment.negative)
  out[at++] = Math.log1p(sentiment.negations)
  out[at++] = sentiment.exclamations
  for (const emotion of EMOTIONS) out[at++] = emotions[emotion].score
  for (const s of STAGES) out[at++] = Math.log1p(stage.cues[s])
  for (const s of STAGES) out[at++] = s === stage.value ? 1 : 0
  out[at++] = stage.confidence
  for (let t = 0; t < THEMES.length; t++) out[at + t] = 0
  for (const found of themes) out[at + THEMES.indexOf(found.theme)] = found.score
  at += THEMES.length
  out[at] = Math.log1p(tokens.words)
}

/** The dense features of one text in a new array (for training). */
export const denseFeatures = (findings: RuleFindings): Float64Array => {
  const out = new Float64Array(DENSE_SIZE)
  writeDenseFeatures(findings, out)
  return out
}

/** The word features of a text as strings ("word", "word next"), for training; inference walks the same pairs through a Map. */
export const wordFeatures = (tokens: Tokens, bigrams: boolean): ReadonlyArray<string> => {
  const out: Array<string> = []
  let previous = ""
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kinds[i] !== WORD) {
      previous = ""
      continue
    }
    const word = tokens.folded[i]!
    out.push(word)
    if (bigrams && previous !== "") out.push(`${previous} ${word}`)
    previous = word
  }
  return out
}
