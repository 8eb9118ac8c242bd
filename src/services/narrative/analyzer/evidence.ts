/** Evidence spans: token ranges turned into offsets and text, rounded, bounded and ordered. */
import { MAX_EVIDENCE_PER_CONCLUSION } from "./limits.js"
import type { Evidence } from "./schema.js"
import type { Tokens } from "./tokenise.js"

/** Scores and weights keep 3 decimals, so equal inputs print equal outputs on every platform. */
export const round3 = (x: number): number => {
  const rounded = Math.round(x * 1000) / 1000
  return rounded === 0 ? 0 : rounded
}

/** The span of words `start` … `end - 1`. */
export const evidenceOf = (tokens: Tokens, start: number, end: number, weight: number, negated: boolean): Evidence => {
  const from = tokens.starts[start]!
  const to = tokens.ends[end - 1]!
  return { text: tokens.text.slice(from, to), start: from, end: to, weight: round3(weight), negated }
}

/** In text order, the first MAX_EVIDENCE_PER_CONCLUSION, one per span. */
export const boundEvidence = <E extends Evidence>(evidence: ReadonlyArray<E>): ReadonlyArray<E> => {
  const sorted = [...evidence].sort((a, b) => a.start - b.start || a.end - b.end)
  const kept: Array<E> = []
  for (const e of sorted) {
    const last = kept[kept.length - 1]
    if (last !== undefined && last.start === e.start && last.end === e.end) continue
    kept.push(e)
    if (kept.length === MAX_EVIDENCE_PER_CONCLUSION) break
  }
  return kept
}
