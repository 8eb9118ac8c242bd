/**
 * Free text with its personal data replaced: IP addresses truncated, everything else by a
 * placeholder or a keyed-hash token (tokens.ts). Pure and total. The result holds no detection
 * but truncated IP addresses, and anonymising it again changes nothing.
 */
import { detectPersonalData } from "./detect.js"
import type { Detection } from "./detection.js"
import { truncateIp } from "./ip.js"
import { type AnonymiseOptions, keyedHashToken, placeholder } from "./tokens.js"

/**
 * Replaces until nothing changes: a replacement can expose a value that its neighbour hid (an
 * IBAN glued to a card number starts after a word break only once the card is a token). Each pass
 * that changes the text turns some characters into tokens or truncates an address for good, so
 * the loop ends; the bound is there in case that ever stops holding. In practice the second pass
 * only confirms.
 */
export const anonymiseText = (text: string, options: AnonymiseOptions): string => {
  let current = text
  for (let pass = 0; pass <= text.length + 1; pass++) {
    const next = anonymiseOnce(current, options)
    if (next === current) return current
    current = next
  }
  return current
}

const anonymiseOnce = (text: string, options: AnonymiseOptions): string => {
  let result = ""
  let cursor = 0
  for (const detection of detectPersonalData(text)) {
    result += text.slice(cursor, detection.start) + replacement(detection, options)
    cursor = detection.end
  }
  return result + text.slice(cursor)
}

const replacement = (detection: Detection, options: AnonymiseOptions): string => {
  if (detection.kind === "ip") {
    return options.keepAddress?.(detection.value) === true ? detection.value : (truncateIp(detection.value) ?? placeholder("ip"))
  }
  return options.mode === "keyed_hash"
    ? keyedHashToken(detection.kind, detection.normalised, options.salt)
    : placeholder(detection.kind)
}
