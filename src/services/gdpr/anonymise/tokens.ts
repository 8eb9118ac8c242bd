/**
 * What a detection is replaced by: a typed placeholder ("[email]"), or a keyed hash of its
 * normalised value ("[email:3f1c0a9be2d4]", the first 12 hex digits of HMAC-SHA256 under the
 * salt), so one person maps to one token without the value being recoverable by whoever lacks
 * the salt. IP addresses are truncated instead (see ip.ts).
 */
import { createHmac } from "node:crypto"
import { PERSONAL_DATA_KINDS, type PersonalDataKind, type Span } from "./detection.js"

export type AnonymiseOptions = (
  | { readonly mode: "placeholder" }
  | { readonly mode: "keyed_hash"; readonly salt: string }
) & {
  /** IP addresses left as they are (e.g. a server's own loopback address in a log line). */
  readonly keepAddress?: (address: string) => boolean
}

/** 48 bits: collisions stay negligible for the values one deployment holds. */
export const TOKEN_HASH_HEX_DIGITS = 12

export const placeholder = (kind: PersonalDataKind): string => `[${kind}]`

export const keyedHashToken = (kind: PersonalDataKind, normalised: string, salt: string): string =>
  `[${kind}:${createHmac("sha256", salt).update(normalised).digest("hex").slice(0, TOKEN_HASH_HEX_DIGITS)}]`

/**
 * Tokens as written above. Detection leaves them alone, so that anonymising anonymised text
 * changes nothing (a hash's digits may read as a phone number).
 */
const TOKEN = new RegExp(`\\[(?:${PERSONAL_DATA_KINDS.join("|")})(?::[0-9a-f]{${TOKEN_HASH_HEX_DIGITS}})?\\]`, "g")

export const tokenSpans = (text: string): ReadonlyArray<Span> =>
  [...text.matchAll(TOKEN)].map((match) => ({ start: match.index, end: match.index + match[0].length }))
