/**
 * French company identifiers. A sole trader's SIREN or SIRET names a person, so both are personal
 * data. SIREN: 9 digits, Luhn. SIRET: the SIREN and a 5-digit establishment number, Luhn, except
 * for La Poste (SIREN 356000000) whose establishments are numbered so that the digits add up to a
 * multiple of 5; its head office (35600000000048) passes Luhn instead, so either rule is accepted.
 */
import { digitSum, isLuhnValid } from "./checksums.js"
import type { Detection } from "./detection.js"
import { digitSpans, groupedAs } from "./digit-runs.js"

const SIREN_DIGITS = 9
const SIRET_DIGITS = 14
const LA_POSTE_SIREN = "356000000"

/** "732829320" or "732 829 320". */
const SIREN_GROUPING = groupedAs([9], [3, 3, 3])
/** "73282932000074", "732 829 320 00074" or "732829320 00074". */
const SIRET_GROUPING = groupedAs([14], [3, 3, 3, 5], [9, 5])

export const isValidSiren = (digits: string): boolean =>
  digits.length === SIREN_DIGITS && /^\d+$/.test(digits) && isLuhnValid(digits)

export const isValidSiret = (digits: string): boolean => {
  if (digits.length !== SIRET_DIGITS || !/^\d+$/.test(digits)) return false
  if (isLuhnValid(digits)) return true
  return digits.startsWith(LA_POSTE_SIREN) && digitSum(digits) % 5 === 0
}

export const findSirens = (text: string): ReadonlyArray<Detection> =>
  digitSpans(text, SIREN_DIGITS, SIREN_DIGITS, SIREN_GROUPING)
    .filter((span) => isValidSiren(span.digits))
    .map((span) => ({ kind: "siren", start: span.start, end: span.end, value: text.slice(span.start, span.end), normalised: span.digits }))

export const findSirets = (text: string): ReadonlyArray<Detection> =>
  digitSpans(text, SIRET_DIGITS, SIRET_DIGITS, SIRET_GROUPING)
    .filter((span) => isValidSiret(span.digits))
    .map((span) => ({ kind: "siret", start: span.start, end: span.end, value: text.slice(span.start, span.end), normalised: span.digits }))
