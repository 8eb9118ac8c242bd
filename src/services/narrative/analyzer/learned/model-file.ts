/**
 * The learned layer's data file (`data/narrative-model.json`): what `npm run train:narrative`
 * writes and the analyzer loads. Deterministic text: keys sorted, weights rounded to
 * WEIGHT_DECIMALS, one word a line (so a retraining diffs by word), and a header naming the
 * training files by hash, the options cross-validation chose and the figures it measured.
 */

export const MODEL_FORMAT = 1
export const MODEL_SOURCE =
  "Fitted by npm run train:narrative (src/commands/train-narrative.ts) on the labelled sets of trainedOn, never on holdout.jsonl. Licence: this project's own."
export const WEIGHT_DECIMALS = 4

/** One task's weights: a row of class weights per dense feature (in `header.dense` order) and per word feature. */
export interface TaskWeights {
  readonly classes: ReadonlyArray<string>
  readonly dense: ReadonlyArray<ReadonlyArray<number>>
  /** "word" or "word next" (folded) → one weight per class. */
  readonly words: Readonly<Record<string, ReadonlyArray<number>>>
}

export interface TrainingFile {
  readonly file: string
  readonly sha256: string
  readonly texts: number
}

export interface TaskHeader {
  readonly ngrams: "none" | "unigrams" | "bigrams"
  readonly minTexts: number
  readonly l2: number
  /** Cross-validated accuracy over the training texts: the rule layer alone, and with this model. */
  readonly rulesAccuracy: number
  readonly modelAccuracy: number
}

export interface ModelHeader {
  readonly format: number
  readonly source: string
  readonly trainedOn: ReadonlyArray<TrainingFile>
  readonly folds: number
  readonly seed: number
  readonly steps: number
  readonly dense: ReadonlyArray<string>
  readonly sentiment?: TaskHeader
  readonly stage?: TaskHeader
}

/** A task is absent when cross-validation found that its model does not beat the rules. */
export interface ModelFile {
  readonly header: ModelHeader
  readonly sentiment?: TaskWeights
  readonly stage?: TaskWeights
}

export const roundWeight = (x: number): number => {
  const factor = 10 ** WEIGHT_DECIMALS
  const rounded = Math.round(x * factor) / factor
  return rounded === 0 ? 0 : rounded
}

const isFlat = (items: ReadonlyArray<unknown>) => items.every((item) => typeof item !== "object" || item === null)

/** JSON with sorted keys; arrays of numbers or strings on one line, everything else one entry a line. */
export const serialiseModel = (file: ModelFile): string => {
  const write = (value: unknown, indent: string): string => {
    if (typeof value !== "object" || value === null) return JSON.stringify(value)
    const inner = `${indent}  `
    if (Array.isArray(value)) {
      if (isFlat(value)) return `[${value.map((item) => JSON.stringify(item)).join(",")}]`
      return `[\n${value.map((item) => `${inner}${write(item, inner)}`).join(",\n")}\n${indent}]`
    }
    const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort()
    if (keys.length === 0) return "{}"
    return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${write((value as Record<string, unknown>)[key], inner)}`).join(",\n")}\n${indent}}`
  }
  return `${write(file, "")}\n`
}

/** Where the training writes the file and the analyzer loads it from. */
export const MODEL_PATH = new URL("../data/narrative-model.json", import.meta.url)
