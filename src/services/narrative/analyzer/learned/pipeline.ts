/**
 * From labelled texts to the learned layer's data file: the texts read once by the rule layer,
 * each task (sentiment, stage) cross-validated over GRID on stratified folds, the best options kept
 * when they beat the rules, and the final model fitted on every text. Pure: the command
 * (src/commands/train-narrative.ts) reads the files and prints; the tests run the same code.
 */
import { readText } from "../read-text.js"
import type { LabelledText } from "../evaluation/labelled.js"
import { SENTIMENTS, STAGES, THEMES } from "../schema.js"
import { DENSE_FEATURES, DENSE_SIZE, denseFeatures, type RuleFindings, wordFeatures } from "./features.js"
import { MODEL_FORMAT, MODEL_SOURCE, type ModelFile, roundWeight, type TaskHeader, type TaskWeights, type TrainingFile } from "./model-file.js"
import { crossValidate, type Example, fit, type FitOptions, SEED, STEPS, stratifiedFolds } from "./train.js"

/** The labelled sets the model may learn from; holdout.jsonl is never one of them. */
export const TRAINING_FILES = ["corpus.jsonl", "dev.jsonl", "train-a.jsonl", "train-b.jsonl"] as const
export const FOLDS = 5

/** Options tried, simplest first: on equal accuracy the earlier one wins. */
export const GRID: ReadonlyArray<FitOptions> = [
  ...[0.1, 0.03, 0.01].map((l2) => ({ ngrams: "none" as const, minTexts: 1, l2 })),
  ...[3, 2].flatMap((minTexts) => [0.1, 0.03, 0.01].map((l2) => ({ ngrams: "unigrams" as const, minTexts, l2 }))),
  ...[3, 2].flatMap((minTexts) => [0.1, 0.03, 0.01].map((l2) => ({ ngrams: "bigrams" as const, minTexts, l2 })))
]

export type Task = "sentiment" | "stage"
export const TASKS: ReadonlyArray<Task> = ["sentiment", "stage"]
export const CLASSES: { readonly [T in Task]: ReadonlyArray<string> } = { sentiment: SENTIMENTS, stage: STAGES }

export interface PreparedText {
  /** The file it comes from. */
  readonly set: string
  readonly labelled: LabelledText
  readonly findings: RuleFindings
  readonly example: Example
}

export const prepare = (texts: ReadonlyArray<{ readonly set: string; readonly labelled: LabelledText }>): ReadonlyArray<PreparedText> =>
  texts.map(({ labelled, set }) => {
    const findings = readText({ text: labelled.text, kind: labelled.kind })
    return { set, labelled, findings, example: { dense: denseFeatures(findings), words: wordFeatures(findings.tokens, true) } }
  })

const expectedOf = (task: Task, text: PreparedText): string => text.labelled.expected[task]
const ruleOf = (task: Task, text: PreparedText): string =>
  task === "sentiment" ? text.findings.sentiment.label : text.findings.stage.value

export const labelsOf = (task: Task, texts: ReadonlyArray<PreparedText>): Int32Array =>
  Int32Array.from(texts, (text) => CLASSES[task].indexOf(expectedOf(task, text)))

/** Stratified by file, expected stage and expected sentiment, so every fold looks like the whole. */
export const foldsOf = (texts: ReadonlyArray<PreparedText>): Int32Array =>
  stratifiedFolds(texts.map((t) => `${t.set}|${t.labelled.expected.stage}|${t.labelled.expected.sentiment}`), FOLDS, SEED)

/** Accuracy overall and per file. */
export interface Accuracy {
  readonly all: number
  readonly bySet: Readonly<Record<string, number>>
}

export const accuracyOf = (texts: ReadonlyArray<PreparedText>, right: (i: number) => boolean): Accuracy => {
  const counts = new Map<string, [number, number]>()
  let total = 0
  texts.forEach((text, i) => {
    const count = counts.get(text.set) ?? [0, 0]
    counts.set(text.set, count)
    count[1]++
    if (right(i)) {
      count[0]++
      total++
    }
  })
  return { all: total / texts.length, bySet: Object.fromEntries([...counts].map(([set, [ok, n]]) => [set, ok / n])) }
}

export const rulesAccuracy = (task: Task, texts: ReadonlyArray<PreparedText>): Accuracy =>
  accuracyOf(texts, (i) => ruleOf(task, texts[i]!) === expectedOf(task, texts[i]!))

export interface GridResult {
  readonly options: FitOptions
  readonly accuracy: Accuracy
}

export const crossValidateGrid = (
  task: Task,
  texts: ReadonlyArray<PreparedText>,
  folds: Int32Array,
  foldCount: number,
  grid: ReadonlyArray<FitOptions>,
  onResult: (result: GridResult) => void = () => {}
): ReadonlyArray<GridResult> => {
  const examples = texts.map((t) => t.example)
  const labels = labelsOf(task, texts)
  return grid.map((options) => {
    const predicted = crossValidate(examples, labels, CLASSES[task].length, folds, foldCount, options)
    const result = { options, accuracy: accuracyOf(texts, (i) => predicted[i] === labels[i]) }
    onResult(result)
    return result
  })
}

/** The most accurate options (the earliest on a tie). */
export const bestOf = (results: ReadonlyArray<GridResult>): GridResult =>
  results.reduce((best, result) => (result.accuracy.all > best.accuracy.all ? result : best))

/** Leave one file out: each file predicted by a model fitted on the others (how the model does on other hands' texts). */
export const leaveOneSetOut = (task: Task, texts: ReadonlyArray<PreparedText>, options: FitOptions): Accuracy => {
  const sets = [...new Set(texts.map((t) => t.set))]
  const labels = labelsOf(task, texts)
  const predicted = crossValidate(
    texts.map((t) => t.example),
    labels,
    CLASSES[task].length,
    Int32Array.from(texts, (t) => sets.indexOf(t.set)),
    sets.length,
    options
  )
  return accuracyOf(texts, (i) => predicted[i] === labels[i])
}

/** Micro-F1 of themes, per-theme binary models (found when more likely than not) against the rules: an experiment, not shipped. */
export const crossValidateThemes = (texts: ReadonlyArray<PreparedText>, folds: Int32Array, options: FitOptions) => {
  const examples = texts.map((t) => t.example)
  const predicted = THEMES.map((theme) =>
    crossValidate(examples, Int32Array.from(texts, (t) => (t.labelled.expected.themes.includes(theme) ? 1 : 0)), 2, folds, FOLDS, options)
  )
  const f1 = (found: (i: number, theme: number) => boolean) => {
    let tp = 0
    let wrong = 0
    texts.forEach((text, i) =>
      THEMES.forEach((theme, t) => {
        const expected = text.labelled.expected.themes.includes(theme)
        const got = found(i, t)
        if (expected && got) tp++
        else if (expected || got) wrong++
      })
    )
    return (2 * tp) / (2 * tp + wrong)
  }
  return {
    rules: f1((i, t) => texts[i]!.findings.themes.some((f) => f.theme === THEMES[t])),
    model: f1((i, t) => predicted[t]![i] === 1)
  }
}

const taskWeights = (task: Task, texts: ReadonlyArray<PreparedText>, options: FitOptions): TaskWeights => {
  const classes = CLASSES[task].length
  const model = fit(texts.map((t) => t.example), labelsOf(task, texts), classes, options)
  const row = (r: number) => Array.from(model.weights.subarray(r * classes, (r + 1) * classes), roundWeight)
  const words: Record<string, ReadonlyArray<number>> = {}
  model.vocabulary.forEach((word, i) => {
    const weights = row(DENSE_SIZE + i)
    if (weights.some((w) => w !== 0)) words[word] = weights
  })
  return { classes: CLASSES[task], dense: DENSE_FEATURES.map((_, j) => row(j)), words }
}

export interface TaskChoice extends TaskHeader {
  readonly options: FitOptions
}

/** A choice per task; a task whose model does not beat the rules is left out (the rules decide it). */
export const modelFileOf = (
  texts: ReadonlyArray<PreparedText>,
  trainedOn: ReadonlyArray<TrainingFile>,
  choices: Partial<Record<Task, TaskChoice>>
): ModelFile => {
  const header = (task: Task) => {
    const choice = choices[task]
    if (choice === undefined || choice.modelAccuracy <= choice.rulesAccuracy) return undefined
    const { l2, minTexts, ngrams } = choice.options
    return { ngrams, minTexts, l2, rulesAccuracy: roundWeight(choice.rulesAccuracy), modelAccuracy: roundWeight(choice.modelAccuracy) }
  }
  const sentiment = header("sentiment")
  const stage = header("stage")
  return {
    header: {
      format: MODEL_FORMAT,
      source: MODEL_SOURCE,
      trainedOn,
      folds: FOLDS,
      seed: SEED,
      steps: STEPS,
      dense: DENSE_FEATURES,
      ...(sentiment === undefined ? {} : { sentiment }),
      ...(stage === undefined ? {} : { stage })
    },
    ...(sentiment === undefined ? {} : { sentiment: taskWeights("sentiment", texts, choices.sentiment!.options) }),
    ...(stage === undefined ? {} : { stage: taskWeights("stage", texts, choices.stage!.options) })
  }
}
