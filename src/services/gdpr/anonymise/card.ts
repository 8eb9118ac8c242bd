/**
 * Payment card numbers (PAN): 13 to 19 digits with a valid Luhn check, written in one piece or in
 * groups with one kind of separator, the first group of 4 to 6 digits ("4111 1111 1111 1111",
 * "3782-822463-10005", "4111 111 111 111"). A card-like number failing Luhn is left alone.
 */
import { isLuhnValid } from "./checksums.js"
import type { Detection } from "./detection.js"
import { digitSpans, type Grouping } from "./digit-runs.js"

const MIN_CARD_DIGITS = 13
const MAX_CARD_DIGITS = 19

const CARD_GROUPING: Grouping = (lengths, uniformSeparator) => {
  if (lengths.length === 1) return true
  if (!uniformSeparator) return false
  return lengths.every((length, index) => {
    if (index === 0) return length >= 4 && length <= 6
    if (index === lengths.length - 1) return length >= 1 && length <= 6
    return length >= 3 && length <= 6
  })
}

export const isValidCardNumber = (digits: string): boolean =>
  digits.length >= MIN_CARD_DIGITS && digits.length <= MAX_CARD_DIGITS && /^\d+$/.test(digits) && isLuhnValid(digits)

export const findCardNumbers = (text: string): ReadonlyArray<Detection> =>
  digitSpans(text, MIN_CARD_DIGITS, MAX_CARD_DIGITS, CARD_GROUPING)
    .filter((span) => isValidCardNumber(span.digits))
    .map((span) => ({ kind: "card", start: span.start, end: span.end, value: text.slice(span.start, span.end), normalised: span.digits }))
