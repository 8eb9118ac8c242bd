/**
 * Key phrases, RAKE-style (Rose et al. 2010): runs of content words between stopwords and
 * punctuation ("gestion de projet" keeps its "de" between two content words), each word scored
 * degree / frequency, a phrase the sum of its words, with a bonus when it holds a theme, stage or
 * skill cue. Scores are relative to the best phrase (1).
 */
import { STOPWORDS } from "./data/stopwords.js"
import { round3 } from "./evidence.js"
import { SKILL, STAGE, THEME } from "./lexicon/payload.js"
import { MAX_KEY_PHRASE_WORDS, MAX_KEY_PHRASES } from "./limits.js"
import type { Reading } from "./reading.js"
import type { KeyPhrase } from "./schema.js"
import { WORD } from "./tokenise.js"

/** Stopwords allowed between two content words of one phrase. */
const LINKS = new Set(["de", "d'", "du", "des", "au", "aux", "à", "of", "en"])
const CUE_BONUS = 1
const MIN_WORD_LETTERS = 3

interface Candidate {
  readonly key: string
  readonly start: number
  readonly end: number
  readonly words: ReadonlyArray<string>
  score: number
}

export const readKeyPhrases = ({ tokens, matches }: Reading): ReadonlyArray<KeyPhrase> => {
  const { count, kinds, lower, folded } = tokens
  const isContent = (i: number) =>
    kinds[i] === WORD && !STOPWORDS.has(lower[i]!) && lower[i]!.length >= MIN_WORD_LETTERS && !/^\d/.test(lower[i]!)
  const cueAt = new Uint8Array(count)
  for (const category of [THEME, STAGE, SKILL] as const) {
    for (const m of matches[category]) for (let j = m.start; j < m.end; j++) cueAt[j] = 1
  }

  const candidates = new Map<string, Candidate>()
  const frequency = new Map<string, number>()
  const degree = new Map<string, number>()
  const addCandidate = (start: number, end: number) => {
    const words: Array<string> = []
    const parts: Array<string> = []
    for (let j = start; j < end; j++) {
      parts.push(folded[j]!)
      if (isContent(j)) words.push(folded[j]!)
    }
    for (const word of words) {
      frequency.set(word, (frequency.get(word) ?? 0) + 1)
      degree.set(word, (degree.get(word) ?? 0) + words.length)
    }
    const key = parts.join(" ")
    if (!candidates.has(key)) candidates.set(key, { key, start, end, words, score: 0 })
  }

  // A phrase: content words, with at most single links between them, up to MAX_KEY_PHRASE_WORDS words.
  let i = 0
  while (i < count) {
    if (!isContent(i)) {
      i++
      continue
    }
    let end = i + 1
    let length = 1
    for (let j = i + 1; j < count && length < MAX_KEY_PHRASE_WORDS; j++) {
      if (isContent(j)) {
        end = j + 1
        length++
      } else if (j === end && kinds[j] === WORD && LINKS.has(folded[j]!) && length + 2 <= MAX_KEY_PHRASE_WORDS && isContent(j + 1)) {
        length++
      } else {
        break
      }
    }
    addCandidate(i, end)
    i = end
  }

  const scored: Array<Candidate> = []
  for (const candidate of candidates.values()) {
    let score = 0
    for (const word of candidate.words) score += degree.get(word)! / frequency.get(word)!
    for (let j = candidate.start; j < candidate.end; j++) {
      if (cueAt[j] === 1) {
        score += CUE_BONUS
        break
      }
    }
    candidate.score = score
    scored.push(candidate)
  }
  scored.sort((a, b) => b.score - a.score || a.start - b.start)
  const best = scored[0]?.score ?? 1
  return scored.slice(0, MAX_KEY_PHRASES).map((c) => {
    const from = tokens.starts[c.start]!
    const to = tokens.ends[c.end - 1]!
    return { text: tokens.text.slice(from, to), start: from, end: to, score: round3(c.score / best) }
  })
}
