/**
 * How a call's inputs are cut for the pool: contiguous ranges (so answers concatenate back in input
 * order) of about equal cost. The analyzer's cost grows with a text's length (~135 ns per character
 * on this machine) plus a fixed part per text (~20 µs, about 150 characters' worth), so a chunk's
 * cost is counted in characters with that fixed part added per text.
 */

/** The fixed cost of one text, in characters of its length (tokeniser, language, lexicon set-up). */
export const TEXT_OVERHEAD_CHARACTERS = 150

export const costOf = (text: string): number => text.length + TEXT_OVERHEAD_CHARACTERS

export interface ChunkPlan {
  /** At least this many chunks (one per call the pool can run at once), if there are as many texts. */
  readonly minChunks: number
  /** No chunk costs more than this, unless one text alone does. */
  readonly maxChunkCost: number
  /** The count is rounded up to a multiple of this (the workers), so no worker is left with one chunk more. */
  readonly multipleOf: number
}

/** `[start, end)` ranges covering `costs` in order, none empty. */
export const chunkRanges = (costs: ReadonlyArray<number>, plan: ChunkPlan): ReadonlyArray<readonly [number, number]> => {
  const count = costs.length
  if (count === 0) return []
  let total = 0
  for (const cost of costs) total += cost
  const wanted = Math.max(1, plan.minChunks, Math.ceil(total / plan.maxChunkCost))
  const chunks = Math.min(count, Math.ceil(wanted / Math.max(1, plan.multipleOf)) * Math.max(1, plan.multipleOf))
  const ranges: Array<readonly [number, number]> = []
  let start = 0
  let spent = 0
  for (let i = 0; i < count; i++) {
    spent += costs[i]!
    const remainingTexts = count - (i + 1)
    const remainingChunks = chunks - (ranges.length + 1)
    // Close the chunk at its share of the total, or when the texts left are just enough for the chunks left.
    if (remainingChunks > 0 && (spent >= (total * (ranges.length + 1)) / chunks || remainingTexts === remainingChunks)) {
      ranges.push([start, i + 1])
      start = i + 1
    }
  }
  ranges.push([start, count])
  return ranges
}
