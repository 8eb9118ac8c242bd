/**
 * The check-digit arithmetic of the identifiers the anonymiser recognises. Each takes a string of
 * ASCII digits; any other character makes the check fail rather than throw.
 */

const digitAt = (digits: string, index: number): number => {
  const code = digits.charCodeAt(index) - 48
  return code >= 0 && code <= 9 ? code : Number.NaN
}

/** Luhn (ISO/IEC 7812): cards, SIREN, SIRET. */
export const isLuhnValid = (digits: string): boolean => {
  if (digits.length === 0) return false
  let sum = 0
  for (let fromRight = 0; fromRight < digits.length; fromRight++) {
    let digit = digitAt(digits, digits.length - 1 - fromRight)
    if (fromRight % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}

export const digitSum = (digits: string): number => {
  let sum = 0
  for (let index = 0; index < digits.length; index++) sum += digitAt(digits, index)
  return sum
}

/** Nine digits at a time keeps every intermediate value (< 97 · 10⁹) exact in a double. */
const MOD97_CHUNK_DIGITS = 9

/** The remainder of a decimal number of any length divided by 97; NaN for a non-digit. */
export const remainderMod97 = (digits: string): number => {
  if (digits.length === 0) return Number.NaN
  let remainder = 0
  for (let from = 0; from < digits.length; from += MOD97_CHUNK_DIGITS) {
    const chunk = digits.slice(from, from + MOD97_CHUNK_DIGITS)
    let value = remainder
    for (let index = 0; index < chunk.length; index++) value = value * 10 + digitAt(chunk, index)
    remainder = value % 97
  }
  return remainder
}
