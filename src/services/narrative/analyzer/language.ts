/**
 * French, English, mixed or unknown, from function words (reliable on short texts), with
 * franc-min (trigrams, restricted to French and English) as the fallback when a text has almost
 * none (then words that only one language's lexicon holds, "exhausted", "formation", also vote).
 * Mixed: sentences in each language, or a share of both within one text (the markers are words
 * the other language does not use, so a few already mean a switch); the words of phrases each
 * language borrows from the other ("à la carte", "next step") are no marker. A mixed text is then
 * read clause by clause with each clause's own lexicon (`clauseLanguages`).
 */
import { francAll } from "franc-min"
import {
  ENGLISH_CONTRACTION_ENDINGS,
  ENGLISH_MARKERS,
  FRENCH_LETTERS,
  FRENCH_MARKERS,
  LOAN_PHRASES
} from "./data/language-markers.js"
import { ENGLISH_VOCABULARY, FRENCH_VOCABULARY } from "./lexicon/index.js"
import { BOTH_MODE, ENGLISH_FIRST_MODE, FRENCH_FIRST_MODE } from "./lexicon/trie.js"
import type { LanguageHint } from "./schema.js"
import { tokenise, type Tokens, WORD } from "./tokenise.js"

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
/** Loan phrases by their first word, each as its words (lower-cased, accents kept). */
const LOANS = new Map<string, Array<ReadonlyArray<string>>>()
for (const phrase of LOAN_PHRASES) {
  const tokens = tokenise(phrase)
  const words = tokens.lower.filter((_, i) => tokens.kinds[i] === WORD)
  const list = LOANS.get(words[0]!) ?? []
  if (list.length === 0) LOANS.set(words[0]!, list)
  list.push(words)
}

/** 1 on the words of a loan phrase ("à la carte", "next step"): they tell no language. */
const loanWords = (tokens: Tokens): Uint8Array => {
  const loan = new Uint8Array(tokens.count)
  for (let i = 0; i < tokens.count; i++) {
    const candidates = tokens.kinds[i] === WORD ? LOANS.get(tokens.lower[i]!) : undefined
    if (candidates === undefined) continue
    for (const words of candidates) {
      let j = 0
      while (j < words.length && i + j < tokens.count && tokens.kinds[i + j] === WORD && tokens.lower[i + j] === words[j]) j++
      if (j === words.length) for (let k = 0; k < j; k++) loan[i + k] = 1
    }
  }
  return loan
}
const ENGLISH = new Set(ENGLISH_MARKERS)
/** A French-looking word (accents) counts this much: "résumé" and "café" occur in English too. */
const ACCENT_WEIGHT = 0.5
/** Below this much marker weight the function words cannot decide. */
const MIN_MARKER_WEIGHT = 2
/**
 * Mixed: the minority language has at least this weight and this share (the markers are words
 * the other language does not use, so a few of them already mean a switch: "I'm going freelance")…
 */
const MIXED_MIN_SHARE = 0.1
const MIXED_MIN_WEIGHT = 2
/** …or, in a short text, a single marker with this share ("Inscrite au bootcamp ! Starting lundi"). */
const MIXED_SHORT_SHARE = 0.3
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
  const loan = loanWords(tokens)
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kinds[i] !== WORD || loan[i] === 1) continue
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
  const mixed = (frenchSentences > 0 && englishSentences > 0) ||
    (minority >= MIXED_MIN_WEIGHT && minority / total >= MIXED_MIN_SHARE) ||
    (minority >= 1 && minority / total >= MIXED_SHORT_SHARE)
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


/**
 * For a mixed text, the lexicon mode of each token from the language of its clause (then of its
 * sentence, when the clause holds no marker), so each stretch is read with its own lexicon first:
 * French "hâte" is not English "hate", French "pain" is not English "pain". A stretch with no
 * marker either way reads with both.
 */
export const clauseLanguages = (tokens: Tokens): Uint8Array => {
  const { count, kinds } = tokens
  const modes = new Uint8Array(count).fill(BOTH_MODE)
  const sentenceWeights = new Float64Array(tokens.sentences * 2 + 2)
  const clauseOf = new Int32Array(count)
  const clauseWeights: Array<number> = []
  const loan = loanWords(tokens)
  let clause = 0
  clauseWeights.push(0, 0)
  for (let i = 0; i < count; i++) {
    if (kinds[i] !== WORD) {
      clauseOf[i] = clause
      clause++
      clauseWeights.push(0, 0)
      continue
    }
    clauseOf[i] = clause
    const word = tokens.lower[i]!
    const s = tokens.sentence[i]! * 2
    let fr = 0
    let en = 0
    if (loan[i] === 1) continue
    if (FRENCH.has(word)) fr = 1
    else if (ENGLISH.has(word) || isEnglishContraction(word)) en = 1
    else if (word !== tokens.folded[i] && FRENCH_LETTERS.test(word)) fr = ACCENT_WEIGHT
    clauseWeights[clause * 2]! += fr
    clauseWeights[clause * 2 + 1]! += en
    sentenceWeights[s]! += fr
    sentenceWeights[s + 1]! += en
  }
  for (let i = 0; i < count; i++) {
    const c = clauseOf[i]! * 2
    const s = tokens.sentence[i]! * 2
    const fr = clauseWeights[c]!
    const en = clauseWeights[c + 1]!
    if (fr > en) modes[i] = FRENCH_FIRST_MODE
    else if (en > fr) modes[i] = ENGLISH_FIRST_MODE
    else if (sentenceWeights[s]! > sentenceWeights[s + 1]!) modes[i] = FRENCH_FIRST_MODE
    else if (sentenceWeights[s + 1]! > sentenceWeights[s]!) modes[i] = ENGLISH_FIRST_MODE
  }
  return modes
}
