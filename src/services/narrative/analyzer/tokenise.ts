/**
 * Splits a text into words and boundaries in one pass over its characters, keeping every word's
 * offsets in the original text (evidence is sliced from them).
 * - French elision is split off: "l'entreprise" → "l'" "entreprise", "qu'il" → "qu'" "il"
 *   ("aujourd'hui", "quelqu'un" stay whole); English contractions stay whole ("don't", "i'm").
 * - A hyphen inside a word separates two words without a boundary: "burn-out" → "burn" "out".
 * - `. ! ? …` and line breaks end a sentence; `, ; : ( ) « » – —` end a clause.
 * Tokens are stored column-wise (one array per field) rather than as one object per token.
 */
import { foldWord, lowerWord } from "./fold.js"

export const WORD = 0
export const CLAUSE_END = 1
export const SENTENCE_END = 2

export interface Tokens {
  readonly text: string
  /** Words and boundaries. */
  readonly count: number
  readonly words: number
  /** WORD, CLAUSE_END or SENTENCE_END. */
  readonly kinds: ReadonlyArray<number>
  readonly starts: ReadonlyArray<number>
  readonly ends: ReadonlyArray<number>
  /** Lower-cased with accents ("" for a boundary). */
  readonly lower: ReadonlyArray<string>
  /** Lower-cased without accents ("" for a boundary). */
  readonly folded: ReadonlyArray<string>
  /** Sentence number of each token. */
  readonly sentence: ReadonlyArray<number>
  readonly sentences: number
}

const OTHER = 0
const LETTER = 1
const APOSTROPHE = 2
const HYPHEN = 3
const SENTENCE_MARK = 4
const CLAUSE_MARK = 5
const DOT = 6

const WORD_CHARACTER = /^[\p{L}\p{M}\p{N}]$/u
const TABLE_SIZE = 0x250

const classifyCharacter = (character: string): number => {
  switch (character) {
    case "'":
    case "\u2019":
    case "\u2018":
    case "\u02bc":
      return APOSTROPHE
    case "-":
    case "\u2010":
    case "\u2011":
      return HYPHEN
    case ".":
      return DOT
    case "!":
    case "?":
    case "\u2026":
    case "\n":
      return SENTENCE_MARK
    case ",":
    case ";":
    case ":":
    case "(":
    case ")":
    case "[":
    case "]":
    case "\"":
    case "\u00ab":
    case "\u00bb":
    case "\u201c":
    case "\u201d":
    case "\u2013":
    case "\u2014":
      return CLAUSE_MARK
    default:
      return WORD_CHARACTER.test(character) ? LETTER : OTHER
  }
}

const CLASS_TABLE = Uint8Array.from({ length: TABLE_SIZE }, (_, code) => classifyCharacter(String.fromCharCode(code)))

const classAt = (text: string, index: number): number => {
  const code = text.charCodeAt(index)
  if (code < TABLE_SIZE) return CLASS_TABLE[code]!
  if (code >= 0xd800 && code <= 0xdbff) return WORD_CHARACTER.test(String.fromCodePoint(text.codePointAt(index)!)) ? LETTER : OTHER
  return classifyCharacter(text[index]!)
}

const isDigit = (code: number) => code >= 48 && code <= 57

/** French words that elide before a vowel: what precedes the apostrophe. */
const ELIDED = new Set(["l", "j", "d", "m", "t", "s", "c", "n", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"])
/** Words whose apostrophe is not an elision. */
const WHOLE = new Set(["aujourd'hui", "quelqu'un", "quelqu'une", "prud'hommes", "presqu'île", "entr'acte"])

export const tokenise = (text: string): Tokens => {
  const kinds: Array<number> = []
  const starts: Array<number> = []
  const ends: Array<number> = []
  const lower: Array<string> = []
  const folded: Array<string> = []
  const sentence: Array<number> = []
  let words = 0
  let sentenceNumber = 0

  const pushWord = (start: number, end: number) => {
    const lowered = lowerWord(text.slice(start, end))
    kinds.push(WORD)
    starts.push(start)
    ends.push(end)
    lower.push(lowered)
    folded.push(foldWord(lowered))
    sentence.push(sentenceNumber)
    words++
  }

  const pushBoundary = (kind: number, at: number) => {
    const last = kinds.length - 1
    if (last < 0) return
    if (kinds[last] !== WORD) {
      if (kind > kinds[last]!) kinds[last] = kind
      if (kind === SENTENCE_END && kinds[last] === SENTENCE_END && sentence[last] === sentenceNumber) sentenceNumber++
      return
    }
    kinds.push(kind)
    starts.push(at)
    ends.push(at + 1)
    lower.push("")
    folded.push("")
    sentence.push(sentenceNumber)
    if (kind === SENTENCE_END) sentenceNumber++
  }

  // A word may hold apostrophes: split French elisions off its front.
  const endWord = (start: number, end: number) => {
    let from = start
    for (let k = from + 1; k < end - 1; k++) {
      if (classAt(text, k) !== APOSTROPHE) continue
      const prefix = lowerWord(text.slice(from, k))
      if (!ELIDED.has(prefix) || WHOLE.has(lowerWord(text.slice(from, end)))) return pushWord(from, end)
      pushWord(from, k + 1)
      from = k + 1
    }
    pushWord(from, end)
  }

  let wordStart = -1
  const length = text.length
  let i = 0
  while (i < length) {
    const kind = classAt(text, i)
    const width = text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff ? 2 : 1
    if (kind === LETTER) {
      if (wordStart < 0) wordStart = i
      i += width
      continue
    }
    const nextIsLetter = i + 1 < length && classAt(text, i + 1) === LETTER
    if (wordStart >= 0 && nextIsLetter) {
      // Inside a word: "l'équipe", "3.5", "10,000".
      if (kind === APOSTROPHE) {
        i++
        continue
      }
      if ((kind === DOT || text[i] === ",") && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) {
        i++
        continue
      }
    }
    const wordBefore = wordStart >= 0
    if (wordBefore) {
      endWord(wordStart, i)
      wordStart = -1
    }
    if (kind === HYPHEN) {
      // "burn-out": two words, no boundary; " - " between clauses: a boundary.
      if (!(wordBefore && nextIsLetter)) pushBoundary(CLAUSE_END, i)
    } else if (kind === SENTENCE_MARK || kind === DOT) {
      pushBoundary(SENTENCE_END, i)
    } else if (kind === CLAUSE_MARK) {
      pushBoundary(CLAUSE_END, i)
    }
    i += width
  }
  if (wordStart >= 0) endWord(wordStart, length)
  const sentences = kinds.length === 0 ? 0 : kinds[kinds.length - 1] === SENTENCE_END ? sentenceNumber : sentenceNumber + 1
  return { text, count: kinds.length, words, kinds, starts, ends, lower, folded, sentence, sentences }
}
