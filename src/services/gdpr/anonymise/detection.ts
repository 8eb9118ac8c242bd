/**
 * What the anonymiser finds in free text: the kinds of personal data, one detection (where, what,
 * and the value in one spelling), and how candidates that overlap are settled.
 */

/**
 * In order of precedence when two candidates cover as many characters: an address is an email
 * even if its local part is a phone number, a checksum beats the phone heuristic, and the phone
 * matcher also reads a dotted quad as a number.
 */
export const PERSONAL_DATA_KINDS = ["email", "iban", "nir", "siret", "siren", "card", "ip", "phone"] as const

export type PersonalDataKind = (typeof PERSONAL_DATA_KINDS)[number]

export interface Detection {
  readonly kind: PersonalDataKind
  /** UTF-16 offset of the first character. */
  readonly start: number
  /** UTF-16 offset just past the last character: `value` is `text.slice(start, end)`. */
  readonly end: number
  readonly value: string
  /**
   * The same person or account however it was written: an email in lower case, a number's
   * characters without separators (upper case for an IBAN or a Corsican NIR), a phone in E.164,
   * an IP address in its canonical form.
   */
  readonly normalised: string
}

export interface Span {
  readonly start: number
  readonly end: number
}

const precedence = (kind: PersonalDataKind): number => PERSONAL_DATA_KINDS.indexOf(kind)

const byLengthThenPrecedence = (a: Detection, b: Detection): number =>
  b.end - b.start - (a.end - a.start) || precedence(a.kind) - precedence(b.kind) || a.start - b.start

/**
 * Keeps the longest candidates that overlap nothing kept before them (and no reserved span), so a
 * SIRET wins over the SIREN it starts with and an IBAN over the digit runs inside it. Sorted by start.
 */
export const settleOverlaps = (
  candidates: ReadonlyArray<Detection>,
  textLength: number,
  reserved: ReadonlyArray<Span>
): ReadonlyArray<Detection> => {
  const taken = new Uint8Array(textLength)
  for (const span of reserved) taken.fill(1, span.start, span.end)
  const kept: Array<Detection> = []
  for (const candidate of [...candidates].sort(byLengthThenPrecedence)) {
    if (candidate.start < 0 || candidate.end > textLength || candidate.end <= candidate.start) continue
    if (taken.subarray(candidate.start, candidate.end).includes(1)) continue
    taken.fill(1, candidate.start, candidate.end)
    kept.push(candidate)
  }
  return kept.sort((a, b) => a.start - b.start)
}
