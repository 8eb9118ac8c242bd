/**
 * The learned layer (analyzer/learned/): the data file loads, was trained on the fixtures as they
 * are, and is exactly what training gives (so a changed fixture or feature without retraining
 * fails here); training is deterministic; inference matches a hand-computed example and the plain
 * sum over the file's weights; and its answers keep the rules' shape.
 */
import { describe, expect, it } from "@effect/vitest"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { analyze, analyzeWith } from "../../../src/services/narrative/analyzer/analyze.js"
import { readCorpus } from "../../../src/services/narrative/analyzer/evaluation/read.js"
import { decide } from "../../../src/services/narrative/analyzer/learned/decide.js"
import { DENSE_FEATURES, DENSE_SIZE, denseFeatures, wordFeatures } from "../../../src/services/narrative/analyzer/learned/features.js"
import { MODEL_PATH, type ModelFile, serialiseModel } from "../../../src/services/narrative/analyzer/learned/model-file.js"
import {
  compileModel,
  MODEL_PROBLEMS,
  NARRATIVE_MODEL,
  ROW_SIZE,
  scoreText,
  SENTIMENT_COLUMN,
  STAGE_COLUMN
} from "../../../src/services/narrative/analyzer/learned/model.js"
import { CLASSES, modelFileOf, prepare, TRAINING_FILES } from "../../../src/services/narrative/analyzer/learned/pipeline.js"
import { fit, stratifiedFolds } from "../../../src/services/narrative/analyzer/learned/train.js"
import { readText } from "../../../src/services/narrative/analyzer/read-text.js"
import { SENTIMENTS, STAGES } from "../../../src/services/narrative/analyzer/schema.js"
import { labelOf } from "../../../src/services/narrative/analyzer/sentiment.js"

const fixture = (file: string) => new URL(`../../fixtures/narrative/${file}`, import.meta.url)
const FILE_TEXT = readFileSync(MODEL_PATH, "utf8")
const FILE = JSON.parse(FILE_TEXT) as ModelFile
const training = TRAINING_FILES.flatMap((set) =>
  readCorpus(readFileSync(fixture(set), "utf8")).texts.map((line) => ({ set, labelled: line.text }))
)

describe("the data file", () => {
  it("loads without a problem, for sentiment and stage", () => {
    expect(MODEL_PROBLEMS).toEqual([])
    expect(NARRATIVE_MODEL).toMatchObject({ sentiment: true, stage: true })
    expect(FILE.header.dense).toEqual(DENSE_FEATURES)
  })

  it("was trained on the four training sets as they are now, never on the holdout", () => {
    expect(FILE.header.trainedOn.map((f) => f.file)).toEqual([...TRAINING_FILES])
    expect(FILE.header.trainedOn.some((f) => f.file.includes("holdout"))).toBe(false)
    for (const { file, sha256, texts } of FILE.header.trainedOn) {
      const content = readFileSync(fixture(file), "utf8")
      expect(createHash("sha256").update(content).digest("hex"), `${file} changed since training: npm run train:narrative`).toBe(sha256)
      expect(readCorpus(content).texts).toHaveLength(texts)
    }
  })

  it("is, byte for byte, what training with the header's options gives", () => {
    const { sentiment, stage } = FILE.header
    const choice = (task: NonNullable<typeof sentiment>) => ({ ...task, options: { ngrams: task.ngrams, minTexts: task.minTexts, l2: task.l2 } })
    const retrained = modelFileOf(prepare(training), FILE.header.trainedOn, { sentiment: choice(sentiment!), stage: choice(stage!) })
    expect(serialiseModel(retrained) === FILE_TEXT).toBe(true)
  }, 120_000)

  it("is written canonically: sorted keys, rounded weights", () => {
    expect(serialiseModel(FILE) === FILE_TEXT).toBe(true)
    for (const row of Object.values(FILE.stage!.words)) for (const w of row) expect(Math.round(w * 1e4) / 1e4).toBe(w)
  })
})

describe("training", () => {
  const small = prepare(training.filter((_, i) => i % 10 === 0))

  it("gives byte-identical files from the same texts", () => {
    const choice = { options: { ngrams: "bigrams" as const, minTexts: 2, l2: 0.03 }, ngrams: "bigrams" as const, minTexts: 2, l2: 0.03, rulesAccuracy: 0.5, modelAccuracy: 0.6 }
    const once = serialiseModel(modelFileOf(small, [], { sentiment: choice, stage: choice }))
    const again = serialiseModel(modelFileOf(prepare(training.filter((_, i) => i % 10 === 0)), [], { sentiment: choice, stage: choice }))
    expect(again === once).toBe(true)
    expect(compileModel(JSON.parse(once)).problems).toEqual([])
  })

  it("leaves out a task whose model does not beat the rules", () => {
    const options = { ngrams: "none" as const, minTexts: 1, l2: 0.1 }
    const file = modelFileOf(small, [], { sentiment: { options, ...options, rulesAccuracy: 0.8, modelAccuracy: 0.8 } })
    expect(file.sentiment).toBeUndefined()
    expect(file.stage).toBeUndefined()
    expect(compileModel(file).model).toMatchObject({ sentiment: false, stage: false })
  })

  it("learns a separable toy problem, and its weights apply to raw features", () => {
    const example = (word: string, x: number) => {
      const dense = new Float64Array(DENSE_SIZE)
      dense[0] = 1
      dense[DENSE_SIZE - 1] = x
      return { dense, words: [word] }
    }
    const examples = [example("good", 5), example("good", 6), example("bad", 1), example("bad", 2)]
    const model = fit(examples, Int32Array.from([0, 0, 1, 1]), 2, { ngrams: "unigrams", minTexts: 2, l2: 0.01 })
    expect(model.vocabulary).toEqual(["bad", "good"])
    const logit = (x: number, word: number) =>
      model.weights[0]! - model.weights[1]! + x * (model.weights[(DENSE_SIZE - 1) * 2]! - model.weights[(DENSE_SIZE - 1) * 2 + 1]!) +
      model.weights[(DENSE_SIZE + word) * 2]! - model.weights[(DENSE_SIZE + word) * 2 + 1]!
    expect(logit(5.5, 1)).toBeGreaterThan(2)
    expect(logit(1.5, 0)).toBeLessThan(-2)
  })

  it("deals stratified folds: every stratum split as evenly as it can be, the same for the same seed", () => {
    const strata = Array.from({ length: 103 }, (_, i) => `s${i % 4}`)
    const folds = stratifiedFolds(strata, 5, 7)
    for (const stratum of ["s0", "s1", "s2", "s3"]) {
      const sizes = [0, 1, 2, 3, 4].map((f) => strata.filter((s, i) => s === stratum && folds[i] === f).length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    }
    expect(stratifiedFolds(strata, 5, 7)).toEqual(folds)
    expect(stratifiedFolds(strata, 5, 8)).not.toEqual(folds)
  })
})

describe("inference", () => {
  // "Je suis épuisée": words je, suis, epuisee; pairs "je suis", "suis epuisee".
  const tiny = (sentiment: Record<string, ReadonlyArray<number>>, stage: Record<string, ReadonlyArray<number>> = {}) => {
    const zero = (n: number) => Array.from({ length: n }, () => 0)
    // Bias rows, and 0.5 on the first class for the "words" feature (log(1 + words)); every other dense weight 0.
    const dense = (bias: ReadonlyArray<number>) =>
      DENSE_FEATURES.map((name) => (name === "bias" ? bias : name === "words" ? bias.map((_, k) => (k === 0 ? 0.5 : 0)) : zero(bias.length)))
    return compileModel({
      header: { format: 1, trainedOn: [], folds: 5, seed: 1, steps: 1, dense: DENSE_FEATURES },
      sentiment: { classes: SENTIMENTS, dense: dense([0.2, 0.1, 0]), words: { ...sentiment, absent: [9, 9, 9] } },
      stage: { classes: STAGES, dense: dense([0, 0, 0, 0, 0]), words: { je: [0.1, 0, 0, 0, 0.3], "je suis": [0, 0.2, 0, 0, 0], ...stage } }
    })
  }
  const text = readText({ text: "Je suis épuisée", kind: "journal" })
  const words = 0.5 * Math.log1p(3)

  it("sums the dense rows and each word's and pair's rows, as computed by hand", () => {
    const { model, problems } = tiny({ epuisee: [-1, 0, 1], "suis epuisee": [0, 0, 0.5] })
    expect(problems).toEqual([])
    const logits = new Float64Array(ROW_SIZE)
    scoreText(model!, denseFeatures(text), text.tokens, logits)
    // sentiment: bias + words + épuisée + "suis épuisée"
    expect(logits[SENTIMENT_COLUMN]).toBeCloseTo(0.2 + words - 1, 12)
    expect(logits[SENTIMENT_COLUMN + 1]).toBeCloseTo(0.1, 12)
    expect(logits[SENTIMENT_COLUMN + 2]).toBeCloseTo(0 + 1 + 0.5, 12)
    // stage: words + je + "je suis"
    expect([...logits.subarray(STAGE_COLUMN)].map((x) => Number(x.toFixed(12)))).toEqual([Number((words + 0.1).toFixed(12)), 0.2, 0, 0, 0.3])
  })

  it("agrees with the rules: their answer unchanged", () => {
    const decided = decide(text, tiny({ epuisee: [-1, 0, 1] }).model)
    expect(decided).toEqual(decide(text, undefined))
    expect(decided).toMatchObject({ sentiment: { label: "negative" }, stage: { value: "exploration" } })
  })

  it("overrules them: the model's label, a score in its band, the rules' spans and its words", () => {
    const { sentiment } = decide(text, tiny({ epuisee: [4, 0, 0] }).model)
    const [pos, neu, neg] = [0.2 + words + 4, 0.1, 0].map(Math.exp) as [number, number, number]
    expect(sentiment.label).toBe("positive")
    expect(sentiment.score).toBe(Math.round(((pos - neg) / (pos + neu + neg)) * 1000) / 1000)
    // The model's word is the rules' span: shown once, as the rules weigh it.
    expect(sentiment.evidence.map((e) => [e.text, e.weight])).toEqual([["épuisée", -3]])
    // A pair the rules do not know is added, weighted in logits towards positive.
    const byPair = decide(text, tiny({ "suis epuisee": [5, 0, 0] }).model).sentiment
    expect(byPair.evidence.map((e) => [e.text, e.weight])).toEqual([["suis épuisée", 5], ["épuisée", -3]])
    // Overruled towards neutral, the score is held inside the neutral band.
    const neutral = decide(text, tiny({ epuisee: [-2, 5, 0] }).model).sentiment
    expect(neutral.label).toBe("neutral")
    expect(labelOf(neutral.score)).toBe("neutral")
  })

  it("overrules the stage: the model's probabilities as shares, its words as evidence, filler words left out", () => {
    const rules = decide(text, undefined).stage
    const { stage } = decide(text, tiny({}, { epuisee: [0, 0, 0, 0, 3], je: [0, 0, 0, 0, 3] }).model)
    expect(rules.value).toBe("exploration")
    expect(stage.value).toBe("integration")
    const logits = [words, 0.2, 0, 0, 6].map(Math.exp)
    const total = logits.reduce((a, b) => a + b, 0)
    expect(stage.scores.integration).toBe(Math.round((logits[4]! / total) * 1000) / 1000)
    expect(stage.confidence).toBeLessThanOrEqual(stage.scores.integration)
    expect(stage.evidence.map((e) => e.text)).toEqual(["épuisée"])
  })

  it("refuses a file whose features or classes are not the analyzer's", () => {
    expect(compileModel({ header: { format: 1, dense: ["bias"] } }).problems.join()).toContain("dense features")
    expect(compileModel({ header: { format: 1, dense: DENSE_FEATURES }, stage: { classes: ["a"], dense: [], words: {} } }).problems.join()).toContain("classes")
    expect(compileModel(null).model).toBeUndefined()
  })

  it("matches the plain sum over the data file's weights on every training text", () => {
    const rows = (task: "sentiment" | "stage", dense: Float64Array, words: ReadonlyArray<string>) => {
      const weights = FILE[task]!
      const sums = weights.classes.map((_, k) => DENSE_FEATURES.reduce((sum, _name, j) => sum + dense[j]! * weights.dense[j]![k]!, 0))
      for (const word of words) weights.words[word]?.forEach((w, k) => (sums[k] = sums[k]! + w))
      return sums
    }
    const logits = new Float64Array(ROW_SIZE)
    for (const { labelled } of training) {
      const text = readText({ text: labelled.text, kind: labelled.kind })
      const dense = denseFeatures(text)
      scoreText(NARRATIVE_MODEL!, dense, text.tokens, logits)
      const words = wordFeatures(text.tokens, true)
      const expected = [...rows("sentiment", dense, words), ...rows("stage", dense, words)]
      expected.forEach((x, k) => expect(logits[k]).toBeCloseTo(x, 9))
    }
  })
})

describe("answers with the model", () => {
  it("keep the rules' answer where the model agrees, and a consistent one where it does not", () => {
    let overruled = 0
    for (const { labelled } of training) {
      const input = { text: labelled.text, kind: labelled.kind }
      const rules = analyzeWith(input, undefined)
      const learned = analyze(input)
      const { sentiment, stage } = learned
      expect(labelOf(sentiment.score)).toBe(sentiment.label)
      if (sentiment.label === rules.sentiment.label) expect(sentiment).toEqual(rules.sentiment)
      if (stage.value === rules.stage.value) expect(stage).toEqual(rules.stage)
      else {
        overruled++
        expect(Object.values(stage.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2)
        for (const s of STAGES) expect(stage.scores[s]).toBeLessThanOrEqual(stage.scores[stage.value])
      }
      for (const e of [...sentiment.evidence, ...stage.evidence]) expect(input.text.slice(e.start, e.end)).toBe(e.text)
      expect({ ...learned, sentiment: rules.sentiment, stage: rules.stage }).toEqual(rules)
    }
    expect(overruled).toBeGreaterThan(0)
  })

  it("CLASSES follow the schema's order", () => {
    expect(CLASSES).toEqual({ sentiment: SENTIMENTS, stage: STAGES })
  })
})
