/** The softmax, shared by training and inference so both turn logits into the same probabilities. */

/** In place: `logits[from … to - 1]` become probabilities. */
export const softmaxInPlace = (logits: Float64Array, from = 0, to = logits.length): void => {
  let max = -Infinity
  for (let k = from; k < to; k++) if (logits[k]! > max) max = logits[k]!
  let total = 0
  for (let k = from; k < to; k++) {
    logits[k] = Math.exp(logits[k]! - max)
    total += logits[k]!
  }
  for (let k = from; k < to; k++) logits[k] = logits[k]! / total
}
