/**
 * `npm run train:narrative [-- --check] [-- --themes]`: fits the narrative analyzer's learned layer
 * (softmax regression over the rule layer's findings and the text's words, for sentiment and stage)
 * on corpus.jsonl, dev.jsonl, train-a.jsonl and train-b.jsonl — never holdout.jsonl — and writes
 * src/services/narrative/analyzer/data/narrative-model.json.
 *
 * Each task's options (word features, minimum texts per word, L2 penalty) are chosen by stratified
 * 5-fold cross-validation over the 620 texts (fixed seed); a task's model is kept only when its
 * cross-validated accuracy beats the rules'. stdout: per task, the rules' accuracy and every
 * option's cross-validated accuracy, overall and per file, the choice, a leave-one-file-out check,
 * and last the line `{"train":"narrative","sentiment":{…},"stage":{…}}`. Progress on stderr.
 * `--check`: write nothing, exit 1 when the file on disk is not what this training gives (stale
 * weights or a changed fixture). `--themes`: also cross-validate per-theme classifiers (printed
 * only; they did not beat the rules). Exit 0: done; 1: a check failed or a file has bad lines.
 * Takes about two minutes.
 */
import { FileSystem } from "@effect/platform"
import { NodeFileSystem, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Either, Exit } from "effect"
import { createHash } from "node:crypto"
import { fileURLToPath } from "node:url"
import { readCorpus } from "../services/narrative/analyzer/evaluation/read.js"
import type { LabelledText } from "../services/narrative/analyzer/evaluation/labelled.js"
import { MODEL_PATH, type ModelFile, serialiseModel, type TrainingFile } from "../services/narrative/analyzer/learned/model-file.js"
import {
  type Accuracy,
  bestOf,
  crossValidateGrid,
  crossValidateThemes,
  FOLDS,
  foldsOf,
  GRID,
  leaveOneSetOut,
  modelFileOf,
  prepare,
  rulesAccuracy,
  type TaskChoice,
  TASKS,
  TRAINING_FILES
} from "../services/narrative/analyzer/learned/pipeline.js"
import type { FitOptions } from "../services/narrative/analyzer/learned/train.js"

const COMMAND = "train:narrative"
const OK = 0
const FAILED = 1
const INTERRUPTED = 130
const FIXTURES = new URL("../../tests/fixtures/narrative/", import.meta.url)

const say = (stream: NodeJS.WriteStream, line: string): Effect.Effect<void> => Effect.sync(() => void stream.write(`${line}\n`))
const stdout = (line: string) => say(process.stdout, line)
const stderr = (line: string) => say(process.stderr, `[${COMMAND}] ${line}`)
/** Progress from inside the (synchronous) cross-validation. */
const progress = (line: string) => void process.stderr.write(`[${COMMAND}] ${line}\n`)

const args = process.argv.slice(2)
const check = args.includes("--check")
const themes = args.includes("--themes")

const fixed = (x: number) => x.toFixed(3)
const describeOptions = (o: FitOptions) => (o.ngrams === "none" ? `no words, l2 ${o.l2}` : `${o.ngrams} (>= ${o.minTexts} texts), l2 ${o.l2}`)
const LABEL_WIDTH = 54
const row = (label: string, accuracy: Accuracy) =>
  `  ${label.padEnd(LABEL_WIDTH)}${fixed(accuracy.all).padStart(6)}${TRAINING_FILES.map((file) => fixed(accuracy.bySet[file] ?? Number.NaN).padStart(9)).join("")}`

const program = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const texts: Array<{ set: string; labelled: LabelledText }> = []
  const trainedOn: Array<TrainingFile> = []
  for (const file of TRAINING_FILES) {
    const path = fileURLToPath(new URL(file, FIXTURES))
    const content = yield* Effect.either(fs.readFileString(path))
    if (Either.isLeft(content)) {
      yield* stderr(`cannot read ${path}: ${content.left.message}`)
      return FAILED
    }
    const corpus = readCorpus(content.right)
    if (corpus.problems.length > 0) {
      yield* stderr(`${file}: ${corpus.problems.length} bad line(s), the first at line ${corpus.problems[0]!.line}; nothing trained`)
      return FAILED
    }
    trainedOn.push({ file, sha256: createHash("sha256").update(content.right).digest("hex"), texts: corpus.texts.length })
    for (const line of corpus.texts) texts.push({ set: file, labelled: line.text })
  }
  const prepared = prepare(texts)
  const folds = foldsOf(prepared)
  yield* stdout(`narrative learned layer: ${prepared.length} texts (${trainedOn.map((f) => `${f.file} ${f.texts}`).join(", ")}), ${FOLDS}-fold cross-validation`)
  const choices: Partial<Record<(typeof TASKS)[number], TaskChoice>> = {}
  const summary: Record<string, unknown> = {}
  for (const task of TASKS) {
    const rules = rulesAccuracy(task, prepared)
    yield* stdout("")
    yield* stdout(`${`${task}: cross-validated accuracy`.padEnd(LABEL_WIDTH + 2)}${"all".padStart(6)}${TRAINING_FILES.map((f) => f.replace(".jsonl", "").padStart(9)).join("")}`)
    yield* stdout(row("rules alone (not cross-validated: tuned on these texts)", rules))
    const results = crossValidateGrid(task, prepared, folds, FOLDS, GRID, (result) =>
      progress(`${task}: ${describeOptions(result.options)} → ${fixed(result.accuracy.all)}`))
    for (const result of results) yield* stdout(row(`rules + model, ${describeOptions(result.options)}`, result.accuracy))
    const best = bestOf(results)
    const kept = best.accuracy.all > rules.all
    choices[task] = { options: best.options, ...best.options, rulesAccuracy: rules.all, modelAccuracy: best.accuracy.all }
    yield* stdout(`  chosen: ${describeOptions(best.options)}; ${kept ? "kept" : "left out (the rules decide)"}: ${fixed(rules.all)} → ${fixed(best.accuracy.all)}`)
    const heldOut = leaveOneSetOut(task, prepared, best.options)
    yield* stdout(row("check, each file left out in turn", heldOut))
    summary[task] = { rules: Number(fixed(rules.all)), model: Number(fixed(best.accuracy.all)), kept, options: best.options }
  }
  if (themes) {
    yield* stdout("")
    for (const options of GRID.filter((o) => o.l2 === 0.03 && o.minTexts !== 3)) {
      const f1 = crossValidateThemes(prepared, folds, options)
      yield* stdout(`themes (micro F1, per-theme models, experiment): rules ${fixed(f1.rules)}, rules + model (${describeOptions(options)}) ${fixed(f1.model)}`)
    }
  }
  const file: ModelFile = modelFileOf(prepared, trainedOn, choices)
  const text = serialiseModel(file)
  const path = fileURLToPath(MODEL_PATH)
  yield* stdout("")
  if (check) {
    const current = yield* Effect.either(fs.readFileString(path))
    const same = Either.isRight(current) && current.right === text
    yield* stdout(same ? `${path} is what this training gives` : `${path} is stale: run npm run ${COMMAND}`)
    yield* stdout(JSON.stringify({ train: "narrative", ...summary, check: same }))
    return same ? OK : FAILED
  }
  yield* fs.writeFileString(path, text)
  yield* stdout(`wrote ${path} (${text.length} characters)`)
  yield* stdout(JSON.stringify({ train: "narrative", ...summary }))
  return OK
}).pipe(
  Effect.catchAll((error) => Effect.as(stderr(`failed: ${error.message}`), FAILED)),
  Effect.catchAllDefect((defect) => Effect.as(stderr(`failed: ${defect instanceof Error ? defect.message : String(defect)}`), FAILED)),
  Effect.provide(NodeFileSystem.layer)
)

NodeRuntime.runMain(program, {
  disablePrettyLogger: true,
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) onExit(typeof exit.value === "number" ? exit.value : FAILED)
    else onExit(Cause.isInterruptedOnly(exit.cause) ? INTERRUPTED : FAILED)
  }
})
