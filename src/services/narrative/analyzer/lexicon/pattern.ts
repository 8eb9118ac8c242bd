/**
 * The small syntax of the data files' cues, read once at start:
 *   "gestion de projet"   words, tokenised like the texts (accents and case do not matter)
 *   "postul*"             a word starting with "postul" (at least 3 letters before the *)
 *   "!postul*"            negatable: a negated occurrence does not count
 *   "burn out=2"          weight 2 (default 1)
 *   "week # as"           "#": any word that starts with a digit ("3", "3rd", "60h", "45k")
 */
import { foldWord, lowerWord } from "../fold.js"
import { tokenise, WORD } from "../tokenise.js"

export interface PatternWord {
  /** Folded form, or the prefix when `stem`. */
  readonly text: string
  readonly stem: boolean
}

export interface Pattern {
  readonly words: ReadonlyArray<PatternWord>
  readonly weight: number
  readonly negatable: boolean
}

export const MIN_STEM_LENGTH = 3
/** The pattern word that stands for any word starting with a digit. */
export const NUMBER = "#"
const SYNTAX = /^(!)?(.+?)(?:=(-?\d+(?:\.\d+)?))?$/
/** An elided word on its own ("n'", "l'"), which the tokeniser only splits off a following word. */
const ELIDED_ALONE = /^\p{L}+['\u2019]$/u

/** The pattern, or why the cue is not one. */
export const parsePattern = (cue: string): Pattern | string => {
  const parts = SYNTAX.exec(cue.trim())
  if (parts === null) return `empty cue`
  const words: Array<PatternWord> = []
  for (const piece of parts[2]!.split(/\s+/)) {
    if (piece === NUMBER) {
      words.push({ text: NUMBER, stem: false })
      continue
    }
    if (ELIDED_ALONE.test(piece)) {
      words.push({ text: foldWord(lowerWord(piece)), stem: false })
      continue
    }
    const stem = piece.endsWith("*")
    const tokens = tokenise(stem ? piece.slice(0, -1) : piece)
    for (let i = 0; i < tokens.count; i++) {
      if (tokens.kinds[i] !== WORD) return `"${cue}": punctuation inside a cue`
      const last = i === tokens.count - 1
      words.push({ text: tokens.folded[i]!, stem: stem && last })
    }
  }
  if (words.length === 0) return `"${cue}": no word`
  const short = words.find((word) => word.stem && word.text.length < MIN_STEM_LENGTH)
  if (short !== undefined) return `"${cue}": a stem needs at least ${MIN_STEM_LENGTH} letters before *`
  return { words, weight: parts[3] === undefined ? 1 : Number(parts[3]), negatable: parts[1] === "!" }
}
