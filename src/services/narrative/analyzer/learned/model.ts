/**
 * The learned layer at run time: the data file compiled once at module load into one flat array
 * of weight rows (both tasks side by side), a Map from word to id (its row) and one from a pair of
 * ids to the pair's row, so scoring a text is one lookup per word and per pair and one row added,
 * with no allocation (about 4 µs for a 40-word text with warm caches, 7-9 µs right after the rule
 * layer has read the text and pushed the tables out of cache).
 * `MODEL_PROBLEMS` lists what could not be read (the tests require it to be empty); with a
 * problem the analyzer answers from the rules alone.
 */
import MODEL_DATA from "../data/narrative-model.json" with { type: "json" }
import { SENTIMENTS, STAGES } from "../schema.js"
import { type Tokens, WORD } from "../tokenise.js"
import { DENSE_FEATURES, DENSE_SIZE } from "./features.js"
import { MODEL_FORMAT } from "./model-file.js"

/** Columns of a weight row: the sentiment classes (SENTIMENTS order), then the stages (STAGES order). */
export const SENTIMENT_COLUMN = 0
export const STAGE_COLUMN = SENTIMENTS.length
export const ROW_SIZE = SENTIMENTS.length + STAGES.length
/** A pair's key: first word's id × PAIR_KEY + second word's id (a small integer, hashed without reading a string). */
export const PAIR_KEY = 1 << 15
/** Flags of a word id: it has its own row; it starts a pair. */
export const HAS_ROW = 1
export const STARTS_PAIR = 2

export interface CompiledModel {
  /** Which tasks the model decides (a task left out is the rules'; its columns are zeros). */
  readonly sentiment: boolean
  readonly stage: boolean
  /** DENSE_SIZE rows of ROW_SIZE weights. */
  readonly dense: Float64Array
  /** Every word of the file (alone or in a pair) → its id; a word's row, when it has one, is row `id`. */
  readonly ids: ReadonlyMap<string, number>
  /** HAS_ROW and STARTS_PAIR, per id. */
  readonly flags: Uint8Array
  /** Pair key → the pair's row. */
  readonly pairs: ReadonlyMap<number, number>
  /** ROW_SIZE weights a row: the words' rows (by id), then the pairs'. */
  readonly rows: Float64Array
}

type Task = "sentiment" | "stage"
const CLASSES: { readonly [T in Task]: ReadonlyArray<string> } = { sentiment: SENTIMENTS, stage: STAGES }

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)
const isRow = (x: unknown, length: number): x is ReadonlyArray<number> =>
  Array.isArray(x) && x.length === length && x.every((w) => typeof w === "number" && Number.isFinite(w))
const sameList = (a: unknown, b: ReadonlyArray<string>) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i])

/** Checks the file's shape and builds the run-time form; `problems` says what is wrong (then no model). */
export const compileModel = (file: unknown): { readonly model: CompiledModel | undefined; readonly problems: ReadonlyArray<string> } => {
  const problems: Array<string> = []
  if (!isRecord(file) || !isRecord(file["header"])) return { model: undefined, problems: ["not a model file (no header)"] }
  const header = file["header"]
  if (header["format"] !== MODEL_FORMAT) problems.push(`format ${String(header["format"])}, expected ${MODEL_FORMAT}`)
  if (!sameList(header["dense"], DENSE_FEATURES)) problems.push("its dense features are not the analyzer's (learned/features.ts changed: retrain)")
  const dense = new Float64Array(DENSE_SIZE * ROW_SIZE)
  const present = { sentiment: false, stage: false }
  const entries: Array<{ readonly column: number; readonly words: ReadonlyArray<string>; readonly row: ReadonlyArray<number> }> = []
  for (const task of ["sentiment", "stage"] as const) {
    const weights = file[task]
    if (weights === undefined) continue
    const classes = CLASSES[task].length
    const column = task === "sentiment" ? SENTIMENT_COLUMN : STAGE_COLUMN
    if (!isRecord(weights) || !sameList(weights["classes"], CLASSES[task])) {
      problems.push(`${task}: classes are not ${CLASSES[task].join(", ")}`)
      continue
    }
    const denseRows = weights["dense"]
    const wordRows = weights["words"]
    if (!Array.isArray(denseRows) || denseRows.length !== DENSE_SIZE || !denseRows.every((r) => isRow(r, classes))) {
      problems.push(`${task}: dense weights are not ${DENSE_SIZE} rows of ${classes} numbers`)
      continue
    }
    if (!isRecord(wordRows)) {
      problems.push(`${task}: no word weights`)
      continue
    }
    present[task] = true
    denseRows.forEach((r: ReadonlyArray<number>, j) => dense.set(r, j * ROW_SIZE + column))
    for (const [key, row] of Object.entries(wordRows)) {
      if (isRow(row, classes) && /^[^ ]+( [^ ]+)?$/.test(key)) entries.push({ column, words: key.split(" "), row })
      else problems.push(`${task}: bad word entry ${JSON.stringify(key)}`)
    }
  }
  // Ids in sorted order, so the compiled form does not depend on the order of the file's keys.
  const ids = new Map([...new Set(entries.flatMap((e) => e.words))].sort().map((word, id) => [word, id]))
  if (ids.size >= PAIR_KEY) problems.push(`${ids.size} words: at most ${PAIR_KEY - 1}`)
  if (problems.length > 0) return { model: undefined, problems }
  const flags = new Uint8Array(ids.size)
  const pairs = new Map<number, number>()
  const rows: Array<number> = new Array<number>(ids.size * ROW_SIZE).fill(0)
  for (const { column, row, words } of entries) {
    const first = ids.get(words[0]!)!
    let at = first
    if (words.length === 1) flags[first] = flags[first]! | HAS_ROW
    else {
      flags[first] = flags[first]! | STARTS_PAIR
      const key = first * PAIR_KEY + ids.get(words[1]!)!
      let pair = pairs.get(key)
      if (pair === undefined) {
        pair = rows.length / ROW_SIZE
        pairs.set(key, pair)
        for (let k = 0; k < ROW_SIZE; k++) rows.push(0)
      }
      at = pair
    }
    row.forEach((w, k) => (rows[at * ROW_SIZE + column + k] = w))
  }
  return { model: { ...present, dense, ids, flags, pairs, rows: Float64Array.from(rows) }, problems }
}

const compiled = compileModel(MODEL_DATA)
export const NARRATIVE_MODEL: CompiledModel | undefined = compiled.model
export const MODEL_PROBLEMS: ReadonlyArray<string> = compiled.problems

/** Per token, the row its word added (or -1) and the row of the pair it ends (or -1): what the evidence is then read from. */
export interface RowTrace {
  readonly words: Int32Array
  readonly pairs: Int32Array
}

/**
 * The logits of one text into `logits` (ROW_SIZE: sentiment columns, then stage columns): the dense
 * features' rows weighted by their values, plus the row of every word and of every pair of words
 * in a clause, as often as they occur; one string lookup per word, one integer lookup per pair
 * whose first word starts any. With `trace` (at least `tokens.count` long), the rows used, by token.
 */
export const scoreText = (model: CompiledModel, dense: Float64Array, tokens: Tokens, logits: Float64Array, trace?: RowTrace): void => {
  const { flags, ids, pairs, rows } = model
  const weights = model.dense
  logits.fill(0)
  for (let j = 0; j < DENSE_SIZE; j++) {
    const x = dense[j]!
    if (x === 0) continue
    const at = j * ROW_SIZE
    for (let k = 0; k < ROW_SIZE; k++) logits[k] = logits[k]! + x * weights[at + k]!
  }
  const { folded, kinds } = tokens
  let previous = -1
  for (let i = 0; i < tokens.count; i++) {
    let wordRow = -1
    let pairRow = -1
    const id = kinds[i] === WORD ? ids.get(folded[i]!) : undefined
    if (id !== undefined) {
      if (previous >= 0 && (flags[previous]! & STARTS_PAIR) !== 0) pairRow = pairs.get(previous * PAIR_KEY + id) ?? -1
      if ((flags[id]! & HAS_ROW) !== 0) wordRow = id
    }
    if (pairRow >= 0) {
      const at = pairRow * ROW_SIZE
      for (let k = 0; k < ROW_SIZE; k++) logits[k] = logits[k]! + rows[at + k]!
    }
    if (wordRow >= 0) {
      const at = wordRow * ROW_SIZE
      for (let k = 0; k < ROW_SIZE; k++) logits[k] = logits[k]! + rows[at + k]!
    }
    if (trace !== undefined) {
      trace.words[i] = wordRow
      trace.pairs[i] = pairRow
    }
    previous = id ?? -1
  }
}
