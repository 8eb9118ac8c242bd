/**
 * `npm run eval:narrative -- <file.jsonl> [--misses] [--rules-only]`: scores the narrative analyzer against a
 * labelled corpus, one JSON object a line:
 * `{"id","text","kind","expected":{"language","sentiment","stage","themes":[...],"skills":[...]}}`.
 *
 * stdout: per-field accuracy (language, sentiment, stage), precision / recall / F1 for themes and
 * skills, the stage confusion matrix, and last the line
 * `{"eval":"narrative","n":…,"language":…,"sentiment":…,"stage":…,"themesF1":…,"skillsF1":…}`.
 * With `--misses`, every wrong field on stderr; with `--rules-only`, the analyzer without its learned
 * layer (data/narrative-model.json), to compare. Exit 0: scored; 1: the file has bad lines (each
 * named on stderr) or no text; 2: no file given, or it cannot be read.
 */
import { FileSystem } from "@effect/platform"
import { NodeFileSystem, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Either, Exit } from "effect"
import { analyzeWith } from "../services/narrative/analyzer/analyze.js"
import { readCorpus } from "../services/narrative/analyzer/evaluation/read.js"
import { formatMisses, formatReport, summaryLine } from "../services/narrative/analyzer/evaluation/report.js"
import { evaluate } from "../services/narrative/analyzer/evaluation/score.js"

const COMMAND = "eval:narrative"
/** Exit codes. */
const OK = 0
const BAD_FILE = 1
const UNREADABLE = 2
const INTERRUPTED = 130
/** Bad lines listed before the rest are only counted. */
const MAX_PROBLEMS_SHOWN = 50

const say = (stream: NodeJS.WriteStream, line: string): Effect.Effect<void> => Effect.sync(() => void stream.write(`${line}\n`))
const stdout = (line: string) => say(process.stdout, line)
const stderr = (line: string) => say(process.stderr, `[${COMMAND}] ${line}`)

const args = process.argv.slice(2)
const showMisses = args.includes("--misses")
const rulesOnly = args.includes("--rules-only")
const files = args.filter((arg) => arg !== "--misses" && arg !== "--rules-only")
const file = files[0]
if (files.length !== 1 || file === undefined || file === "") {
  process.stderr.write(`usage: npm run ${COMMAND} -- <file.jsonl> [--misses] [--rules-only]\n`)
  process.exit(UNREADABLE)
}

const program = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const content = yield* Effect.either(fs.readFileString(file))
  if (Either.isLeft(content)) {
    yield* stderr(`cannot read ${file}: ${content.left.message}`)
    return UNREADABLE
  }
  const corpus = readCorpus(content.right)
  if (corpus.problems.length > 0) {
    for (const problem of corpus.problems.slice(0, MAX_PROBLEMS_SHOWN)) yield* stderr(`${file}:${problem.line}: ${problem.message}`)
    if (corpus.problems.length > MAX_PROBLEMS_SHOWN) yield* stderr(`… and ${corpus.problems.length - MAX_PROBLEMS_SHOWN} more bad lines`)
    yield* stderr(`${file}: ${corpus.problems.length} bad line(s); nothing scored`)
    return BAD_FILE
  }
  if (corpus.texts.length === 0) {
    yield* stderr(`${file}: no labelled text in the file`)
    return BAD_FILE
  }
  const report = rulesOnly ? evaluate(corpus.texts, (input) => analyzeWith(input, undefined)) : evaluate(corpus.texts)
  if (showMisses) for (const miss of formatMisses(report)) yield* stderr(miss)
  for (const line of formatReport(report, rulesOnly ? `${file} (rules only)` : file)) yield* stdout(line)
  yield* stdout(summaryLine(report))
  return OK
}).pipe(
  Effect.catchAllDefect((defect) => Effect.as(stderr(`failed: ${defect instanceof Error ? defect.message : String(defect)}`), BAD_FILE)),
  Effect.provide(NodeFileSystem.layer)
)

NodeRuntime.runMain(program, {
  disablePrettyLogger: true,
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) onExit(typeof exit.value === "number" ? exit.value : BAD_FILE)
    else onExit(Cause.isInterruptedOnly(exit.cause) ? INTERRUPTED : BAD_FILE)
  }
})
