/**
 * The French social security number (NIR): sex (1–4, or 7–8 for a temporary number), year and
 * month of birth, department (2A/2B for Corsica), commune, order number — 13 characters — then a
 * 2-digit key, 97 − (number mod 97). For the key, Corsica's 2A counts as 19 and 2B as 18.
 * Written in one piece or with a space between its groups ("1 85 05 78 006 084 91").
 */
import { remainderMod97 } from "./checksums.js"
import type { Detection } from "./detection.js"

const SEPARATOR = "[ \\u00A0\\u202F]?"
const NIR_PATTERN = ["[1-478]", "\\d{2}", "\\d{2}", "(?:\\d{2}|2[ABab])", "\\d{3}", "\\d{3}", "\\d{2}"].join(SEPARATOR)
/** Zero-width, so a candidate is tried at every start and a false start cannot hide the real one. */
const NIR_CANDIDATE = new RegExp(`(?<!\\d)(?=(${NIR_PATTERN})(?!\\d))`, "g")
const SEPARATORS = /[ \u00A0\u202F]/g

const CORSICA: Record<string, string> = { "2A": "19", "2B": "18" }
const NIR_LENGTH = 15
const DEPARTMENT_OFFSET = 5

/** A NIR without separators, upper case; true when its key matches. */
export const isValidNir = (compact: string): boolean => {
  if (compact.length !== NIR_LENGTH) return false
  const department = compact.slice(DEPARTMENT_OFFSET, DEPARTMENT_OFFSET + 2)
  const number = compact.slice(0, DEPARTMENT_OFFSET) + (CORSICA[department] ?? department) + compact.slice(DEPARTMENT_OFFSET + 2, 13)
  const key = compact.slice(13)
  if (!/^\d{13}$/.test(number) || !/^\d{2}$/.test(key)) return false
  return 97 - remainderMod97(number) === Number(key)
}

export const findNirs = (text: string): ReadonlyArray<Detection> => {
  const found: Array<Detection> = []
  for (const match of text.matchAll(NIR_CANDIDATE)) {
    const value = match[1]
    if (value === undefined) continue
    const normalised = value.replace(SEPARATORS, "").toUpperCase()
    if (isValidNir(normalised)) found.push({ kind: "nir", start: match.index, end: match.index + value.length, value, normalised })
  }
  return found
}
