/**
 * Every lexicon in one word trie, built once at start, matched in one pass over a text's words.
 * Per category the leftmost-longest match wins ("gestion de projet" over "projet"; "not good"
 * over "good"); categories are independent, so one span can be a skill and a theme cue at once.
 */
import { type Tokens, WORD } from "../tokenise.js"
import { CATEGORY_COUNT, type EntryLanguage, type Payload, type PayloadOf } from "./payload.js"
import { NUMBER, type Pattern } from "./pattern.js"

/** Which entries apply: a French text uses French and shared entries, and so on. */
export type LexiconMode = 0 | 1 | 2 | 3 | 4
export const FRENCH_MODE: LexiconMode = 0
export const ENGLISH_MODE: LexiconMode = 1
export const BOTH_MODE: LexiconMode = 2
/**
 * A French (English) stretch of a mixed text: its own language's entries, and where a category has
 * none at a node, the other language's phrases of two words or more ("coffee chat" inside a French
 * clause), never its single words (French "pain" is not English "pain").
 */
export const FRENCH_FIRST_MODE: LexiconMode = 3
export const ENGLISH_FIRST_MODE: LexiconMode = 4

const MODES: ReadonlyArray<ReadonlyArray<EntryLanguage>> = [["fr", "any"], ["en", "any"], ["fr", "en", "any"]]
const FIRST_MODES: ReadonlyArray<readonly [EntryLanguage, EntryLanguage]> = [["fr", "en"], ["en", "fr"]]

type ByCategory = ReadonlyArray<ReadonlyArray<Payload> | undefined>

interface Node {
  readonly exact: Map<string, Node>
  /** Stems indexed by their first three letters. */
  readonly stems: Map<number, Array<{ readonly prefix: string; readonly node: Node }>>
  readonly payloads: Array<Payload>
  /** [mode][category], filled by `freeze`. */
  byMode: ReadonlyArray<ByCategory> | undefined
}

const newNode = (): Node => ({ exact: new Map(), stems: new Map(), payloads: [], byMode: undefined })

const stemKey = (word: string): number =>
  word.length < 3 ? -1 : (word.charCodeAt(0) * 65599 + word.charCodeAt(1)) * 65599 + word.charCodeAt(2)

export interface Trie {
  readonly root: Node
}

export const buildTrie = (entries: ReadonlyArray<{ readonly pattern: Pattern; readonly payload: Payload }>): Trie => {
  const root = newNode()
  for (const { pattern, payload } of entries) {
    let node = root
    for (const word of pattern.words) {
      if (word.stem) {
        const key = stemKey(word.text)
        const list = node.stems.get(key) ?? []
        if (list.length === 0) node.stems.set(key, list)
        let found = list.find((stem) => stem.prefix === word.text)
        if (found === undefined) {
          found = { prefix: word.text, node: newNode() }
          list.push(found)
        }
        node = found.node
      } else {
        let child = node.exact.get(word.text)
        if (child === undefined) {
          child = newNode()
          node.exact.set(word.text, child)
        }
        node = child
      }
    }
    node.payloads.push(payload)
  }
  freeze(root)
  return { root }
}

const freeze = (node: Node, depth = 0): void => {
  if (node.payloads.length > 0) {
    const byModes = MODES.map((languages) => {
      const byCategory: Array<Array<Payload> | undefined> = new Array(CATEGORY_COUNT).fill(undefined)
      for (const payload of node.payloads) {
        if (!languages.includes(payload.language)) continue
        ;(byCategory[payload.category] ??= []).push(payload)
      }
      return byCategory
    })
    for (const [own, other] of FIRST_MODES) {
      const byCategory: Array<Array<Payload> | undefined> = new Array(CATEGORY_COUNT).fill(undefined)
      for (let category = 0; category < CATEGORY_COUNT; category++) {
        const here = node.payloads.filter((p) => p.category === category)
        const mine = here.filter((p) => p.language === own || p.language === "any")
        const theirs = depth >= 2 ? here.filter((p) => p.language === other) : []
        const chosen = mine.some((p) => p.language === own) || theirs.length === 0 ? mine : [...theirs, ...mine]
        if (chosen.length > 0) byCategory[category] = chosen
      }
      byModes.push(byCategory)
    }
    node.byMode = byModes
  }
  for (const child of node.exact.values()) freeze(child, depth + 1)
  for (const list of node.stems.values()) for (const stem of list) freeze(stem.node, depth + 1)
}

/** A match over words `start` … `end - 1` (token indices). */
export interface Match<P extends Payload = Payload> {
  readonly start: number
  readonly end: number
  readonly payloads: ReadonlyArray<P>
}

export type Matches = { readonly [C in keyof PayloadOf]: ReadonlyArray<Match<PayloadOf[C]>> }

/**
 * `modes`, when given (a mixed text), is the lexicon mode of each token: a cue uses the mode of
 * the token it starts at; otherwise `mode` applies throughout.
 */
export const matchAll = (trie: Trie, tokens: Tokens, textMode: LexiconMode, modes?: Uint8Array): Matches => {
  const { count, kinds, folded } = tokens
  const found: Array<Array<Match>> = Array.from({ length: CATEGORY_COUNT }, () => [])
  const coveredUntil = new Int32Array(CATEGORY_COUNT)
  const bestEnd = new Int32Array(CATEGORY_COUNT)
  const best: Array<ReadonlyArray<Payload> | undefined> = new Array(CATEGORY_COUNT).fill(undefined)
  let mode = textMode

  const reached = (node: Node, end: number) => {
    const byCategory = node.byMode?.[mode]
    if (byCategory === undefined) return
    for (let category = 0; category < CATEGORY_COUNT; category++) {
      const payloads = byCategory[category]
      if (payloads !== undefined && end > bestEnd[category]!) {
        bestEnd[category] = end
        best[category] = payloads
      }
    }
  }

  const walk = (node: Node, at: number) => {
    if (at >= count || kinds[at] !== WORD) return
    const word = folded[at]!
    const child = node.exact.get(word)
    if (child !== undefined) {
      reached(child, at + 1)
      walk(child, at + 1)
    }
    const first = word.charCodeAt(0)
    if (first >= 48 && first <= 57) {
      const number = node.exact.get(NUMBER)
      if (number !== undefined) {
        reached(number, at + 1)
        walk(number, at + 1)
      }
    }
    if (node.stems.size > 0) {
      const stems = node.stems.get(stemKey(word))
      if (stems !== undefined) {
        for (const stem of stems) {
          if (!word.startsWith(stem.prefix)) continue
          reached(stem.node, at + 1)
          walk(stem.node, at + 1)
        }
      }
    }
  }

  for (let start = 0; start < count; start++) {
    if (kinds[start] !== WORD) continue
    bestEnd.fill(-1)
    if (modes !== undefined) mode = modes[start] as LexiconMode
    walk(trie.root, start)
    for (let category = 0; category < CATEGORY_COUNT; category++) {
      const end = bestEnd[category]!
      if (end < 0 || start < coveredUntil[category]!) continue
      found[category]!.push({ start, end, payloads: best[category]! })
      coveredUntil[category] = end
    }
  }
  return found as unknown as Matches
}
