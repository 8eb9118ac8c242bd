/**
 * Training of the learned layer, in plain TypeScript and deterministic: multinomial logistic
 * regression (softmax, L2 penalty on every weight but the bias) fitted by full-batch gradient
 * descent with Nesterov momentum from zero weights, a fixed number of steps of size 1/L (L bounds
 * the loss's curvature); stratified k-fold cross-validation over a seeded shuffle. The only
 * randomness is the shuffle, from `SEED`. Dense features are standardised on the training texts
 * while fitting; the weights returned apply to raw features (the standardisation folded back in).
 */
import { BIAS, DENSE_SIZE } from "./features.js"
import { softmaxInPlace } from "./softmax.js"

export const SEED = 20_240_607
/** Gradient steps per fit: at the smallest penalty tried the loss is then within 1e-5 of where 3,200 steps take it. */
export const STEPS = 500
const POWER_ITERATIONS = 30

/** mulberry32: a small, well-known 32-bit generator, enough for shuffling. */
export const randomFrom = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * Fold (0 … folds-1) of each item: items grouped by `stratum` (in sorted order), shuffled within
 * their group, then dealt in turn, so every fold holds about the same share of every stratum.
 */
export const stratifiedFolds = (strata: ReadonlyArray<string>, folds: number, seed: number): Int32Array => {
  const random = randomFrom(seed)
  const groups = new Map<string, Array<number>>()
  strata.forEach((stratum, i) => {
    const group = groups.get(stratum) ?? []
    if (group.length === 0) groups.set(stratum, group)
    group.push(i)
  })
  const assigned = new Int32Array(strata.length)
  let next = 0
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[group[i], group[j]] = [group[j]!, group[i]!]
    }
    for (const item of group) assigned[item] = next++ % folds
  }
  return assigned
}

/** How the word features enter the model. */
export interface WordOptions {
  /** "none": the rule layer's findings only. */
  readonly ngrams: "none" | "unigrams" | "bigrams"
  /** A word or pair is a feature if at least this many training texts hold it. */
  readonly minTexts: number
}

export interface FitOptions extends WordOptions {
  /** L2 penalty (on the mean log-loss). */
  readonly l2: number
}

/** One text: its dense features (raw) and its word features, repeated as often as they occur. */
export interface Example {
  readonly dense: Float64Array
  readonly words: ReadonlyArray<string>
}

const selectWords = (words: ReadonlyArray<string>, ngrams: WordOptions["ngrams"]): ReadonlyArray<string> =>
  ngrams === "none" ? [] : ngrams === "bigrams" ? words : words.filter((w) => !w.includes(" "))

/** Word features held by at least `minTexts` of the examples, sorted (so a vocabulary is the same whatever the order of texts). */
export const vocabularyOf = (examples: ReadonlyArray<Example>, options: WordOptions): ReadonlyArray<string> => {
  const texts = new Map<string, number>()
  for (const example of examples) {
    for (const word of new Set(selectWords(example.words, options.ngrams))) texts.set(word, (texts.get(word) ?? 0) + 1)
  }
  return [...texts].filter(([, n]) => n >= options.minTexts).map(([word]) => word).sort()
}

/** The training matrix: dense features row-major (n × DENSE_SIZE), word counts as compressed sparse rows. */
interface Design {
  readonly n: number
  readonly features: number
  readonly dense: Float64Array
  readonly rowStarts: Int32Array
  readonly columns: Int32Array
  readonly counts: Float64Array
}

/** Standardised dense features and counted word features (columns DENSE_SIZE + vocabulary index). */
const designOf = (
  examples: ReadonlyArray<Example>,
  vocabulary: ReadonlyMap<string, number>,
  mean: Float64Array,
  scale: Float64Array
): Design => {
  const dense = new Float64Array(examples.length * DENSE_SIZE)
  const rowStarts = new Int32Array(examples.length + 1)
  const columns: Array<number> = []
  const counts: Array<number> = []
  examples.forEach((example, i) => {
    for (let j = 0; j < DENSE_SIZE; j++) dense[i * DENSE_SIZE + j] = (example.dense[j]! - mean[j]!) * scale[j]!
    const counted = new Map<number, number>()
    for (const word of example.words) {
      const column = vocabulary.get(word)
      if (column !== undefined) counted.set(column, (counted.get(column) ?? 0) + 1)
    }
    for (const [column, count] of [...counted].sort((a, b) => a[0] - b[0])) {
      columns.push(DENSE_SIZE + column)
      counts.push(count)
    }
    rowStarts[i + 1] = columns.length
  })
  return {
    n: examples.length,
    features: DENSE_SIZE + vocabulary.size,
    dense,
    rowStarts,
    columns: Int32Array.from(columns),
    counts: Float64Array.from(counts)
  }
}

/** Mean and 1/sd of each dense feature over the examples; the bias and constant features are left as they are. */
const standardisation = (examples: ReadonlyArray<Example>) => {
  const mean = new Float64Array(DENSE_SIZE)
  const scale = new Float64Array(DENSE_SIZE).fill(1)
  for (let j = 0; j < DENSE_SIZE; j++) {
    if (j === BIAS) continue
    let sum = 0
    for (const e of examples) sum += e.dense[j]!
    const m = sum / examples.length
    let squares = 0
    for (const e of examples) squares += (e.dense[j]! - m) ** 2
    const sd = Math.sqrt(squares / examples.length)
    if (sd > 1e-9) {
      mean[j] = m
      scale[j] = 1 / sd
    }
  }
  return { mean, scale }
}

/** Mean log-loss + l2/2 ‖w‖² (bias excluded), and its gradient into `gradient`. */
const lossAndGradient = (design: Design, labels: Int32Array, classes: number, l2: number, w: Float64Array, gradient: Float64Array): number => {
  const { columns, counts, dense, rowStarts } = design
  gradient.fill(0)
  const p = new Float64Array(classes)
  let loss = 0
  for (let i = 0; i < design.n; i++) {
    p.fill(0)
    const base = i * DENSE_SIZE
    for (let j = 0; j < DENSE_SIZE; j++) {
      const x = dense[base + j]!
      const row = j * classes
      for (let k = 0; k < classes; k++) p[k] = p[k]! + x * w[row + k]!
    }
    const end = rowStarts[i + 1]!
    for (let s = rowStarts[i]!; s < end; s++) {
      const row = columns[s]! * classes
      const x = counts[s]!
      for (let k = 0; k < classes; k++) p[k] = p[k]! + x * w[row + k]!
    }
    softmaxInPlace(p)
    const label = labels[i]!
    loss -= Math.log(Math.max(p[label]!, 1e-300))
    p[label] = p[label]! - 1
    for (let j = 0; j < DENSE_SIZE; j++) {
      const x = dense[base + j]!
      const row = j * classes
      for (let k = 0; k < classes; k++) gradient[row + k] = gradient[row + k]! + x * p[k]!
    }
    for (let s = rowStarts[i]!; s < end; s++) {
      const row = columns[s]! * classes
      const x = counts[s]!
      for (let k = 0; k < classes; k++) gradient[row + k] = gradient[row + k]! + x * p[k]!
    }
  }
  let penalty = 0
  for (let f = 0; f < gradient.length; f++) {
    gradient[f] = gradient[f]! / design.n
    if (f >= classes) {
      // Row 0 (the bias) is not penalised.
      gradient[f] = gradient[f]! + l2 * w[f]!
      penalty += w[f]! * w[f]!
    }
  }
  return loss / design.n + (l2 / 2) * penalty
}

/** The largest eigenvalue of XᵀX / n, by power iteration from a fixed start. */
const curvatureOf = (design: Design): number => {
  const { columns, counts, dense, rowStarts } = design
  let v = new Float64Array(design.features).fill(1 / Math.sqrt(design.features))
  let eigenvalue = 0
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    const next = new Float64Array(design.features)
    for (let i = 0; i < design.n; i++) {
      const base = i * DENSE_SIZE
      const end = rowStarts[i + 1]!
      let dot = 0
      for (let j = 0; j < DENSE_SIZE; j++) dot += dense[base + j]! * v[j]!
      for (let s = rowStarts[i]!; s < end; s++) dot += counts[s]! * v[columns[s]!]!
      for (let j = 0; j < DENSE_SIZE; j++) next[j] = next[j]! + dense[base + j]! * dot
      for (let s = rowStarts[i]!; s < end; s++) next[columns[s]!] = next[columns[s]!]! + counts[s]! * dot
    }
    let norm = 0
    for (const x of next) norm += x * x
    norm = Math.sqrt(norm)
    eigenvalue = norm / design.n
    for (let f = 0; f < next.length; f++) next[f] = next[f]! / norm
    v = next
  }
  return eigenvalue
}

/** A fitted model: weights over raw features, rows = DENSE_SIZE dense features then the vocabulary. */
export interface Fitted {
  readonly classes: number
  readonly vocabulary: ReadonlyArray<string>
  readonly weights: Float64Array
  /** Final objective (mean log-loss + penalty), in the standardised space. */
  readonly objective: number
}

export const fit = (examples: ReadonlyArray<Example>, labels: Int32Array, classes: number, options: FitOptions): Fitted => {
  const vocabularyList = vocabularyOf(examples, options)
  const vocabulary = new Map(vocabularyList.map((word, i) => [word, i]))
  const { mean, scale } = standardisation(examples)
  const design = designOf(examples, vocabulary, mean, scale)
  const size = design.features * classes
  const step = 1 / (0.5 * curvatureOf(design) + options.l2)
  let w = new Float64Array(size)
  let previous = new Float64Array(size)
  const look = new Float64Array(size)
  const gradient = new Float64Array(size)
  let objective = 0
  for (let t = 1; t <= STEPS; t++) {
    const momentum = (t - 1) / (t + 2)
    for (let f = 0; f < size; f++) look[f] = w[f]! + momentum * (w[f]! - previous[f]!)
    objective = lossAndGradient(design, labels, classes, options.l2, look, gradient)
    previous = w
    w = new Float64Array(size)
    for (let f = 0; f < size; f++) w[f] = look[f]! - step * gradient[f]!
  }
  // Fold the standardisation in: w·((x - mean) * scale) = (w * scale)·x - Σ w * scale * mean.
  for (let j = 0; j < DENSE_SIZE; j++) {
    if (j === BIAS) continue
    for (let k = 0; k < classes; k++) {
      const raw = w[j * classes + k]! * scale[j]!
      w[j * classes + k] = raw
      w[BIAS * classes + k] = w[BIAS * classes + k]! - raw * mean[j]!
    }
  }
  return { classes, vocabulary: vocabularyList, weights: w, objective }
}

/** Class probabilities of examples under a fitted model (the training side's reference; inference has its own fast path). */
export const predictorOf = (model: Fitted): (example: Example) => Float64Array => {
  const { classes, weights } = model
  const rowOf = new Map(model.vocabulary.map((word, i) => [word, DENSE_SIZE + i]))
  return (example) => {
    const p = new Float64Array(classes)
    for (let j = 0; j < DENSE_SIZE; j++) {
      const x = example.dense[j]!
      for (let k = 0; k < classes; k++) p[k] = p[k]! + x * weights[j * classes + k]!
    }
    for (const word of example.words) {
      const row = rowOf.get(word)
      if (row === undefined) continue
      for (let k = 0; k < classes; k++) p[k] = p[k]! + weights[row * classes + k]!
    }
    softmaxInPlace(p)
    return p
  }
}

export const argmax = (p: ArrayLike<number>): number => {
  let best = 0
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k
  return best
}

/** Out-of-fold predicted class of every example: each fold predicted by a model fitted on the others. */
export const crossValidate = (
  examples: ReadonlyArray<Example>,
  labels: Int32Array,
  classes: number,
  folds: Int32Array,
  foldCount: number,
  options: FitOptions
): Int32Array => {
  const predicted = new Int32Array(examples.length)
  for (let fold = 0; fold < foldCount; fold++) {
    const train: Array<number> = []
    const test: Array<number> = []
    for (let i = 0; i < examples.length; i++) (folds[i] === fold ? test : train).push(i)
    const predict = predictorOf(fit(train.map((i) => examples[i]!), Int32Array.from(train, (i) => labels[i]!), classes, options))
    for (const i of test) predicted[i] = argmax(predict(examples[i]!))
  }
  return predicted
}
