/**
 * Numbers as people write them: groups of digits with a space, a no-break space or a dash
 * between them ("732 829 320 00074", "4111-1111-1111-1111"). A run is a maximal sequence of such
 * groups; the identifiers are looked for among its sub-sequences of whole groups, so one is found
 * even when the number before or after it is written in the same way.
 */

/** Space, no-break space, narrow no-break space (the French thousands separator), dash. */
const DIGIT_RUN = /\d+(?:[ \u00A0\u202F-]\d+)*/g
const DIGIT_GROUP = /\d+/g

export interface DigitSpan {
  readonly start: number
  readonly end: number
  /** The digits alone. */
  readonly digits: string
}

interface DigitGroup {
  readonly start: number
  readonly end: number
  readonly digits: string
}

/**
 * How an identifier may be written: the digits in each group, in order, and whether the groups
 * are all separated by the same character (true for a single group).
 */
export type Grouping = (groupLengths: ReadonlyArray<number>, uniformSeparator: boolean) => boolean

/** Exactly these group lengths, with one separator throughout. */
export const groupedAs =
  (...layouts: ReadonlyArray<ReadonlyArray<number>>): Grouping =>
  (groupLengths, uniformSeparator) =>
    uniformSeparator &&
    layouts.some((lengths) => lengths.length === groupLengths.length && lengths.every((length, index) => length === groupLengths[index]))

/**
 * Every sub-sequence of whole groups of every run holding `minDigits` to `maxDigits` digits and
 * written as `grouping` allows.
 */
export const digitSpans = (text: string, minDigits: number, maxDigits: number, grouping: Grouping): ReadonlyArray<DigitSpan> => {
  const spans: Array<DigitSpan> = []
  for (const run of text.matchAll(DIGIT_RUN)) {
    const groups: ReadonlyArray<DigitGroup> = [...run[0].matchAll(DIGIT_GROUP)].map((group) => ({
      start: run.index + group.index,
      end: run.index + group.index + group[0].length,
      digits: group[0]
    }))
    for (let first = 0; first < groups.length; first++) {
      let digits = ""
      const groupLengths: Array<number> = []
      const separators = new Set<string>()
      // A span grows one group at a time and stops at maxDigits: bounded work per group.
      for (let last = first; last < groups.length; last++) {
        const group = groups[last]
        if (group === undefined) break
        if (last > first) separators.add(text.slice(groups[last - 1]?.end ?? group.start, group.start))
        digits += group.digits
        groupLengths.push(group.digits.length)
        if (digits.length > maxDigits) break
        if (digits.length < minDigits || !grouping(groupLengths, separators.size <= 1)) continue
        spans.push({ start: groups[first]?.start ?? group.start, end: group.end, digits })
      }
    }
  }
  return spans
}
