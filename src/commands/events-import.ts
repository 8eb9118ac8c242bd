/**
 * `npm run events:import -- <file.jsonl>`: imports events into the store the Hub would use with the
 * same settings (DATABASE_URL, or embedded PGlite under DATA_DIR). Builds only the database and the
 * event store; an embedded DATA_DIR held by a running Hub is refused by the database layer's lock.
 *
 * stdout: the summary (`read N, imported N, already present N, rejected N`, then the rejected
 * lines); stderr: progress and logs. Exit 0: nothing rejected; 1: some lines rejected, or the
 * import could not run or finish; 2: no file given, or the file cannot be read.
 */
import { NodeFileSystem, NodeRuntime } from "@effect/platform-node"
import { Cause, Data, Duration, Effect, Either, Exit, Layer, Option, Ref } from "effect"
import { HubConfig } from "../config.js"
import { awaitMigrated, DatabaseLive } from "../services/database/live.js"
import {
  checkImportFile,
  formatCounts,
  formatProgress,
  formatSummary,
  type ImportProgress,
  importFile
} from "../services/events/import.js"
import { EventStoreLive } from "../services/events/live.js"
import { loggerLayer } from "../services/logging/logger.js"
import { innermostMessage, settingsOrExit } from "../startup.js"

const COMMAND = "events:import"
/** Exit codes. */
const OK = 0
const FAILED = 1
const UNREADABLE = 2
const INTERRUPTED = 130
/** Migrations run in the background of the database layer; a database that never answers ends the wait. */
const MIGRATION_WAIT = Duration.seconds(60)

const say = (stream: NodeJS.WriteStream, line: string): Effect.Effect<void> => Effect.sync(() => void stream.write(`${line}\n`))
const stdout = (line: string) => say(process.stdout, line)
const stderr = (line: string) => say(process.stderr, `[${COMMAND}] ${line}`)

const args = process.argv.slice(2)
const file = args[0]
if (args.length !== 1 || file === undefined || file === "") {
  process.stderr.write(`usage: npm run ${COMMAND} -- <file.jsonl>\n`)
  process.exit(UNREADABLE)
}

const hubSettings = settingsOrExit(FAILED)

class DatabaseNotReady extends Data.TaggedError("DatabaseNotReady")<{ readonly waitedSeconds: number }> {
  override get message(): string {
    return `the database is not ready: migrations not applied within ${this.waitedSeconds} s (see the log lines above)`
  }
}

// Not registered in hub_instances: this is a tool, not a Hub.
const EventStoreOnly = EventStoreLive.pipe(
  Layer.provideMerge(DatabaseLive({ registerInstance: false })),
  Layer.provide(Layer.succeed(HubConfig, hubSettings))
)

const run = Effect.gen(function*() {
  const latest = yield* Ref.make(Option.none<ImportProgress>())
  const onProgress = (progress: ImportProgress) => Effect.zipRight(Ref.set(latest, Option.some(progress)), stderr(formatProgress(progress)))

  const imported = Effect.gen(function*() {
    yield* awaitMigrated.pipe(
      Effect.timeoutFail({ duration: MIGRATION_WAIT, onTimeout: () => new DatabaseNotReady({ waitedSeconds: Duration.toSeconds(MIGRATION_WAIT) }) })
    )
    yield* stderr(`importing ${file} into the ${hubSettings.mode} database`)
    return yield* importFile(file, { onProgress })
  }).pipe(
    Effect.provide(EventStoreOnly),
    Effect.onInterrupt(() =>
      Effect.flatMap(Ref.get(latest), (progress) =>
        stderr(`interrupted${Option.match(progress, { onNone: () => "", onSome: (p) => ` after line ${p.lines}: ${formatCounts(p)}` })}; re-running the file skips what was imported`)
      )
    )
  )

  const outcome = yield* Effect.either(imported)
  if (Either.isRight(outcome)) {
    const summary = outcome.right
    yield* stdout(formatSummary(summary))
    return summary.rejected === 0 ? OK : FAILED
  }
  const error = outcome.left
  switch (error._tag) {
    case "ImportFileUnreadable":
      yield* stderr(error.message)
      return UNREADABLE
    case "ImportStopped":
      yield* stdout(formatSummary(error.summary))
      yield* stderr(`${error.message}; re-running the file skips what was imported`)
      return FAILED
    case "DatabaseNotReady":
      yield* stderr(error.message)
      return FAILED
    default:
      // The layers could not be built: the data dir is held by a running Hub, PGlite cannot start, …
      yield* stderr(`could not open the ${hubSettings.mode} database: ${innermostMessage(error)}`)
      return FAILED
  }
})

const program = Effect.gen(function*() {
  // Before any database work, so a typo in the path answers at once.
  const readable = yield* Effect.either(checkImportFile(file))
  if (Either.isLeft(readable)) {
    yield* stderr(readable.left.message)
    return UNREADABLE
  }
  return yield* run
}).pipe(
  Effect.catchAllDefect((defect) => Effect.as(stderr(`failed: ${innermostMessage(defect)}`), FAILED)),
  Effect.provide(NodeFileSystem.layer),
  // stdout carries only the summary; logs go to stderr with the progress.
  Effect.provide(loggerLayer({ ...hubSettings.log, sink: (line) => process.stderr.write(line + "\n") }))
)

NodeRuntime.runMain(program, {
  disablePrettyLogger: true,
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) onExit(typeof exit.value === "number" ? exit.value : FAILED)
    else onExit(Cause.isInterruptedOnly(exit.cause) ? INTERRUPTED : FAILED)
  }
})
