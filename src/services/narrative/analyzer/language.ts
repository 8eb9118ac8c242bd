/**
 * French, English, mixed or unknown, from function words (reliable on short texts), with
 * franc-min (trigrams, restricted to French and English) as the fallback when a text has almost
 * none (then words that only one language's lexicon holds, "exhausted", "formation", also vote).
 * Mixed: sentences in each language, or a sizeable share of both within one text.
 */
import { francAll } from "franc-min"
import { ENGLISH_CONTRACTION_ENDINGS, ENGLISH_MARKERS, FRENCH_LETTERS, FRENCH_MARKERS } from "./data/language-markers.js"
import { ENGLISH_VOCABULARY, FRENCH_VOCABULARY } from "./lexicon/index.js"
import type { LanguageHint } from "./schema.js"
import { type Tokens, WORD } from "./tokenise.js"

export type DetectedLanguage = "fr" | "en" | "mixed" | "unknown"

export interface LanguageMarker {
  readonly token: number
  readonly language: "fr" | "en"
}

export interface LanguageFinding {
  readonly value: DetectedLanguage
  readonly confidence: number
  /** Marker tokens of the language(s) found, in text order. */
  readonly markers: ReadonlyArray<LanguageMarker>
}

const FRENCH = new Set(FRENCH_MARKERS)
const ENGLISH = new Set(ENGLISH_MARKERS)
/** A French-looking word (accents) counts this much: "résumé" and "café" occur in English too. */
const ACCENT_WEIGHT = 0.5
/** Below this much marker weight the function words cannot decide. */
const MIN_MARKER_WEIGHT = 2
/** Mixed: the minority language has at least this share and this weight… */
const MIXED_MIN_SHARE = 0.25
const MIXED_MIN_WEIGHT = 2
/** …or whole sentences lean each way with at least this weight and this share of the sentence. */
const SENTENCE_MIN_WEIGHT = 2
const SENTENCE_MIN_SHARE = 0.75
/** A lexicon word of one language only counts this much in a text without enough markers. */
const VOCABULARY_WEIGHT = 0.5
/** franc needs some letters; below, a text without markers is unknown. */
const FRANC_MIN_LETTERS = 12
const FRANC_CONFIDENCE = 0.4
/** franc's runner-up scores this close to its winner on lists and fragments ("Python, SQL"): no answer. */
const FRANC_MAX_RUNNER_UP = 0.9
const FRANC_LANGUAGES = { only: ["fra", "eng"], minLength: 1 }

const isEnglishContraction = (word: string) => {
  if (word.indexOf("'") < 0) return false
  for (const ending of ENGLISH_CONTRACTION_ENDINGS) if (word.endsWith(ending)) return true
  return false
}

const round = (x: number) => Math.round(x * 1000) / 1000

export const detectLanguage = (tokens: Tokens, hint: LanguageHint | undefined): LanguageFinding => {
  const markers: Array<LanguageMarker> = []
  let french = 0
  let english = 0
  let letters = 0
  // Per sentence: [french, english] weights.
  const perSentence = new Float64Array(tokens.sentences * 2)
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kinds[i] !== WORD) continue
    const word = tokens.lower[i]!
    letters += word.length
    const s = tokens.sentence[i]! * 2
    if (FRENCH.has(word)) {
      french++
      perSentence[s]! += 1
      markers.push({ token: i, language: "fr" })
    } else if (ENGLISH.has(word) || isEnglishContraction(word)) {
      english++
      perSentence[s + 1]! += 1
      markers.push({ token: i, language: "en" })
    } else if (word !== tokens.folded[i] && FRENCH_LETTERS.test(word)) {
      french += ACCENT_WEIGHT
      perSentence[s]! += ACCENT_WEIGHT
    }
  }
  const total = french + english
  const hinted = (confidence: number): LanguageFinding =>
    hint === undefined ? { value: "unknown", confidence: 0, markers: [] } : { value: hint, confidence, markers: [] }

  const byTrigrams = (): LanguageFinding => {
    if (letters < FRANC_MIN_LETTERS) return hinted(0.3)
    const [best, runnerUp] = francAll(tokens.text, FRANC_LANGUAGES)
    const value = best?.[0] === "fra" ? "fr" : best?.[0] === "eng" ? "en" : undefined
    if (value === undefined || (runnerUp?.[1] ?? 0) > FRANC_MAX_RUNNER_UP) return hinted(0.3)
    return { value, confidence: hint === value ? 0.6 : FRANC_CONFIDENCE, markers: markers.filter((m) => m.language === value) }
  }
  if (total < MIN_MARKER_WEIGHT) {
    for (let i = 0; i < tokens.count; i++) {
      if (FRENCH_VOCABULARY.has(tokens.folded[i]!)) french += VOCABULARY_WEIGHT
      else if (ENGLISH_VOCABULARY.has(tokens.folded[i]!)) english += VOCABULARY_WEIGHT
    }
    if (french + english > 0 && french !== english) {
      const value = french > english ? "fr" : "en"
      return { value, confidence: hint === value ? 0.7 : 0.5, markers: markers.filter((m) => m.language === value) }
    }
    return byTrigrams()
  }

  let frenchSentences = 0
  let englishSentences = 0
  for (let s = 0; s < tokens.sentences; s++) {
    const fr = perSentence[s * 2]!
    const en = perSentence[s * 2 + 1]!
    if (fr >= SENTENCE_MIN_WEIGHT && fr / (fr + en) >= SENTENCE_MIN_SHARE) frenchSentences++
    if (en >= SENTENCE_MIN_WEIGHT && en / (fr + en) >= SENTENCE_MIN_SHARE) englishSentences++
  }
  const minority = Math.min(french, english)
  const mixed = (frenchSentences > 0 && englishSentences > 0) || (minority >= MIXED_MIN_WEIGHT && minority / total >= MIXED_MIN_SHARE)
  // Confidence grows with the evidence: 2 markers ≈ 0.5, 6 ≈ 0.86, 12 ≈ 0.98.
  const certainty = 1 - Math.exp(-total / 3)
  if (mixed) {
    return { value: "mixed", confidence: round(certainty * Math.min(1, (2 * minority) / total + 0.5)), markers }
  }
  if (french === english) return byTrigrams()
  const value = french > english ? "fr" : "en"
  const share = Math.max(french, english) / total
  return { value, confidence: round(certainty * share), markers: markers.filter((m) => m.language === value) }
}
