/**
 * IBANs of any country (ISO 13616): country code, 2 check digits, then the national account
 * number (BBAN), in one piece or with spaces (usually every 4 characters). A candidate counts
 * when it has its country's length and BBAN shape and passes mod 97 = 1. The country table is
 * ibantools'; its national checks (the French RIB key, …) are not required: a rule it got wrong
 * must not let a real IBAN through.
 */
import { getCountrySpecifications, validateIBAN, ValidationErrorsIBAN } from "ibantools"
import type { Detection } from "./detection.js"

const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g
const ALPHANUMERIC = /[A-Za-z0-9]/
const SEPARATOR = /[ \u00A0\u202F]/
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  Object.entries(getCountrySpecifications()).flatMap(([country, spec]) =>
    spec.chars !== null && spec.bban_regexp !== null ? [[country, spec.chars] as const] : []
  )
)

/** An IBAN in electronic format (upper case, no spaces). */
export const isValidIban = (electronic: string): boolean =>
  IBAN_LENGTHS.get(electronic.slice(0, 2)) === electronic.length &&
  validateIBAN(electronic).errorCodes.every((code) => code === ValidationErrorsIBAN.WrongAccountBankBranchChecksum)

/**
 * Reads the country's number of characters from `start`, one separator allowed between two of
 * them; undefined when the text runs out first or goes on without a break after the last one.
 */
const readIban = (text: string, start: number, length: number): { readonly end: number; readonly electronic: string } | undefined => {
  let electronic = ""
  let index = start
  while (electronic.length < length && index < text.length) {
    const char = text.charAt(index)
    if (ALPHANUMERIC.test(char)) {
      electronic += char.toUpperCase()
      index += 1
    } else if (SEPARATOR.test(char) && electronic.length > 0 && ALPHANUMERIC.test(text.charAt(index + 1))) {
      index += 1
    } else {
      return undefined
    }
  }
  if (electronic.length < length || ALPHANUMERIC.test(text.charAt(index))) return undefined
  return { end: index, electronic }
}

export const findIbans = (text: string): ReadonlyArray<Detection> => {
  const found: Array<Detection> = []
  for (const match of text.matchAll(IBAN_START)) {
    const length = IBAN_LENGTHS.get(match[0].slice(0, 2).toUpperCase())
    if (length === undefined) continue
    const iban = readIban(text, match.index, length)
    if (iban === undefined || !isValidIban(iban.electronic)) continue
    found.push({ kind: "iban", start: match.index, end: iban.end, value: text.slice(match.index, iban.end), normalised: iban.electronic })
  }
  return found
}
