/**
 * Phone numbers, French and international, found by libphonenumber-js with its full metadata
 * (the number must be valid for its country, not only of a possible length). A number without a
 * country code is read as French.
 *
 * Four departures from the library's reading:
 * - a number written without a country code must start with the trunk prefix 0, as the original
 *   libphonenumber requires for France and libphonenumber-js skips ("732829320" is a SIREN or
 *   an order number, not 07 32 82 93 20);
 * - a comma or semicolon ends a number (the library takes ", 0612…" as a dialling pause and an
 *   extension), so a list of numbers is not read as one number;
 * - the library gives up on a candidate that starts with brackets before the number ("() +33 6 …",
 *   "[[ 06 …"), so text with brackets is read a second time with brackets as breaks, and what
 *   either reading finds counts (the overlaps are settled with the other kinds');
 * - a detection starts at the number ("+", a digit, or a bracket around digits: "(0)6 …") and
 *   stops at its last digit, before any extension it was given: no punctuation the library took
 *   around it ("( 0.100.100.100" is an IPv4 address), nor the start of a neighbouring value.
 */
import { findPhoneNumbersInText } from "libphonenumber-js/max"
import type { Detection } from "./detection.js"

const DEFAULT_COUNTRY = "FR"
/** Replaced one for one by a line break, which no phone number spans: offsets are unchanged. */
const LIST_SEPARATORS = /[,;]/g
/** Any decimal digit: the library reads Arabic-Indic, full-width … digits too. */
const DIGIT = /\p{Nd}/u
/** A plus sign (ASCII or full-width) before the first digit, or a first digit that is no trunk prefix. */
const INTERNATIONAL = /^[^\p{Nd}]*[+\uFF0B]/u
const NO_TRUNK_PREFIX = /^[^\p{Nd}]*[1-9\uFF11-\uFF19]/u
/** Where the number itself starts: a plus, a digit, or an opening bracket right before a digit. */
const NUMBER_START = /[+\uFF0B\p{Nd}]|[(\uFF08[\uFF3B](?=\p{Nd})/u

const BRACKETS = /[()[\]]/g
const HAS_BRACKET = /[()[\]]/

export const findPhoneNumbers = (text: string): ReadonlyArray<Detection> => {
  const listed = text.replace(LIST_SEPARATORS, "\n")
  const readings = HAS_BRACKET.test(listed) ? [listed, listed.replace(BRACKETS, "\n")] : [listed]
  return readings.flatMap((reading) => phoneNumbersIn(text, reading))
}

/** Reads `reading` (the text with some characters turned into line breaks), reports in `text`. */
const phoneNumbersIn = (text: string, reading: string): ReadonlyArray<Detection> =>
  findPhoneNumbersInText(reading, { defaultCountry: DEFAULT_COUNTRY }).flatMap((found) => {
    const written = text.slice(found.startsAt, found.endsAt)
    if (!INTERNATIONAL.test(written) && NO_TRUNK_PREFIX.test(written)) return []
    const start = found.startsAt + (NUMBER_START.exec(written)?.index ?? 0)
    const end = found.number.ext === undefined ? found.endsAt : endBeforeExtension(text, found.startsAt, found.endsAt, found.number.ext.length)
    return end > start
      ? [{ kind: "phone" as const, start, end, value: text.slice(start, end), normalised: found.number.number }]
      : []
  })

/** The extension's digits are the last `extensionDigits` of the match: the number ends at the digit before them. */
const endBeforeExtension = (text: string, start: number, end: number, extensionDigits: number): number => {
  const characters = text.slice(start, end)
  let digitsToSkip = extensionDigits
  for (let index = characters.length - 1; index >= 0; index--) {
    if (!DIGIT.test(characters.charAt(index))) continue
    if (digitsToSkip === 0) return start + index + 1
    digitsToSkip -= 1
  }
  return start
}
