/**
 * Email addresses as they appear in prose and logs: a local part of letters, digits and
 * `._%+'-`, then a domain of dot-separated labels ending in a top-level domain of letters (or
 * punycode). Letters are Unicode letters, so internationalised addresses count too. Quoted local
 * parts and IP-literal domains are not looked for.
 */
import type { Detection } from "./detection.js"

const LOCAL_CHAR = "[\\p{L}\\p{N}._%+'\\-]"
const LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]{0,61}[\\p{L}\\p{N}])?"
const TOP_LEVEL = "(?:\\p{L}{2,63}|xn--[\\p{L}\\p{N}\\-]{1,59})"
/** Starts only where a local part starts, so each run of local characters is scanned once. */
const EMAIL = new RegExp(`(?<!${LOCAL_CHAR})${LOCAL_CHAR}+@(?:${LABEL}\\.)+${TOP_LEVEL}(?![\\p{L}\\p{N}\\-])`, "gu")

export const findEmails = (text: string): ReadonlyArray<Detection> =>
  [...text.matchAll(EMAIL)].map((match) => ({
    kind: "email",
    start: match.index,
    end: match.index + match[0].length,
    value: match[0],
    normalised: match[0].normalize("NFC").toLowerCase()
  }))
