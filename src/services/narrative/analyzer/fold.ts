/**
 * Lower-casing and accent folding of one word, so "Épuisée", "epuisee" and "épuisée" meet in the
 * lexicons. ASCII words (most English, much French) take the fast path and keep their string.
 */

/** Folded form of every code point below this bound, computed once; others go through `normalize`. */
const TABLE_SIZE = 0x250
const COMBINING_MARKS = /\p{M}/gu
const LIGATURES: Readonly<Record<string, string>> = { "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th" }

const foldCodePoint = (character: string): string => {
  const lower = character.toLowerCase()
  return LIGATURES[lower] ?? lower.normalize("NFD").replace(COMBINING_MARKS, "")
}

const FOLD_TABLE: ReadonlyArray<string> = Array.from({ length: TABLE_SIZE }, (_, code) => foldCodePoint(String.fromCharCode(code)))

/** Typographic apostrophes become `'` so "l’entreprise" and "l'entreprise" are one form. */
const isApostrophe = (code: number) => code === 0x27 || code === 0x2019 || code === 0x2bc || code === 0x2018

/** Lower-cased, apostrophes unified, accents kept: what language markers compare with ("à" is not "a"). */
export const lowerWord = (word: string): string => {
  let ascii = true
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i)
    if (code > 0x7f) {
      ascii = false
      break
    }
  }
  if (ascii) return word.toLowerCase()
  let out = ""
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i)
    out += isApostrophe(code) ? "'" : word[i]!.toLowerCase()
  }
  return out
}

/** Lower-cased and accent-free: what lexicons compare with. Takes the output of `lowerWord`. */
export const foldWord = (lower: string): string => {
  let plain = true
  for (let i = 0; i < lower.length; i++) {
    if (lower.charCodeAt(i) > 0x7f) {
      plain = false
      break
    }
  }
  if (plain) return lower
  let out = ""
  for (const character of lower) {
    const code = character.codePointAt(0)!
    out += code < TABLE_SIZE ? FOLD_TABLE[code]! : foldCodePoint(character)
  }
  return out
}
