/** A text once tokenised, matched against the lexicon and scoped: what every reader below takes. */
import type { Matches } from "./lexicon/trie.js"
import type { Scopes } from "./scopes.js"
import type { Tokens } from "./tokenise.js"

export interface Reading {
  readonly tokens: Tokens
  readonly matches: Matches
  readonly scopes: Scopes
}
