/**
 * Schema migrations: numbered plain SQL files `migrations/NNNN_name.sql`, applied in order by the
 * @effect/sql Migrator (table `luna_migrations`).
 *
 * - Each file runs as one simple-query (several statements allowed) inside the run's transaction:
 *   files must not contain BEGIN/COMMIT, nor anything that cannot run in a transaction
 *   (`CREATE INDEX CONCURRENTLY`, `ALTER TYPE … ADD VALUE` on PG < 12, …).
 * - They must run unchanged on PGlite (PostgreSQL 18) and production Postgres 15.
 * - Concurrent starts: the whole run is one transaction that first takes a transaction-scoped
 *   advisory lock, so two Hubs starting together apply each migration exactly once; the second
 *   waits, then finds nothing to do. A failing migration rolls the whole run back.
 */
import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import { Cause, Data, Effect, Option } from "effect"
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describeFailure, describeServerError, isConnectionFailure } from "./failures.js"
import { MIGRATION_LOCK_KEY, MIGRATIONS_TABLE } from "./policy.js"

/** `<project root>/migrations`, found relative to this module (src/services/database → root). */
export const MIGRATIONS_DIRECTORY: string = fileURLToPath(new URL("../../../migrations/", import.meta.url))

/** The run failed; nothing of it was committed. */
export class MigrationFailed extends Data.TaggedError("MigrationFailed")<{
  /** The file that failed (e.g. "0002_accounts"), or undefined when the run failed around the migrations. */
  readonly migration: string | undefined
  /** Safe to log: server messages and codes, never connection parameters. */
  readonly reason: string
  /** True when the database could not be reached: retrying later may succeed; otherwise the migration itself is broken. */
  readonly connectionFailure: boolean
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.migration === undefined
      ? `Migrations failed: ${this.reason}`
      : `Migration ${this.migration} failed: ${this.reason}`
  }
}

/** One file's statements failed; carried through the Migrator's defect so the file can be named. */
class StepFailed extends Data.TaggedError("StepFailed")<{ readonly file: string; readonly cause: unknown }> {}

const FILE_PATTERN = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/

export interface MigrationFile {
  readonly id: number
  /** Without the number, e.g. "foundation". */
  readonly name: string
  /** The file name without `.sql`, e.g. "0001_foundation". */
  readonly file: string
  readonly sql: string
}

/** Reads every `NNNN_name.sql` of `directory`, ordered by number; other files are ignored. */
export const readMigrationFiles = (directory: string): Effect.Effect<ReadonlyArray<MigrationFile>, Migrator.MigrationError> =>
  Effect.tryPromise({
    try: async () => {
      const entries = (await readdir(directory)).sort()
      const files: Array<MigrationFile> = []
      for (const entry of entries) {
        const match = FILE_PATTERN.exec(entry)
        if (match === null) continue
        const [, id, name] = match
        if (id === undefined || name === undefined) continue
        files.push({ id: Number(id), name, file: entry.slice(0, -4), sql: await readFile(join(directory, entry), "utf8") })
      }
      return files.sort((a, b) => a.id - b.id)
    },
    catch: (cause) =>
      new Migrator.MigrationError({ reason: "import-error", message: `Could not read migrations from ${directory}`, cause })
  })

/** A Migrator loader over plain SQL files: each migration is `sql.unsafe(text)` (simple-query protocol). */
export const sqlFileLoader = (directory: string): Migrator.Loader =>
  Effect.map(readMigrationFiles(directory), (files) =>
    files.map((f): Migrator.ResolvedMigration => [
      f.id,
      f.name,
      Effect.succeed(
        Effect.flatMap(SqlClient, (sql) => sql.unsafe(f.sql)).pipe(
          Effect.mapError((cause) => new StepFailed({ file: f.file, cause }))
        )
      )
    ]))

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  migration_id integer primary key,
  created_at timestamp with time zone not null default now(),
  name text not null
)`

const migrate = Migrator.make({})

const fileName = (id: number, name: string): string => `${String(id).padStart(4, "0")}_${name}`

const fromDefect = (defect: unknown): Option.Option<MigrationFailed> => {
  if (!(defect instanceof Migrator.MigrationError)) return Option.none()
  const step = defect.cause
  if (step instanceof StepFailed) {
    const connectionFailure = isConnectionFailure(step.cause)
    return Option.some(new MigrationFailed({
      migration: step.file,
      reason: connectionFailure ? describeFailure(step.cause) : describeServerError(step.cause),
      connectionFailure,
      cause: step.cause
    }))
  }
  return Option.some(new MigrationFailed({
    migration: undefined,
    reason: defect.message,
    connectionFailure: isConnectionFailure(step),
    cause: defect
  }))
}

/**
 * Applies the migrations of `directory` that are not yet recorded, all in one transaction under an
 * advisory lock; returns what this call applied (`[id, name]`), empty when everything was already there.
 */
export const runMigrationsFrom = (
  directory: string
): Effect.Effect<ReadonlyArray<readonly [id: number, name: string]>, MigrationFailed, SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient
    const applied = yield* sql.withTransaction(
      Effect.gen(function*() {
        // Serialises concurrent runs; released at COMMIT/ROLLBACK.
        yield* sql.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`)
        // The Migrator's own pg "ensure" probes with `select 'table'::regclass` and catches the error,
        // which would abort this transaction if the table were missing: create it first.
        yield* sql.unsafe(CREATE_TABLE)
        return yield* migrate({ loader: sqlFileLoader(directory), table: MIGRATIONS_TABLE })
      })
    )
    for (const [id, name] of applied) {
      yield* Effect.logInfo(`Applied migration ${fileName(id, name)}`)
    }
    return applied
  }).pipe(
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure)) {
        const error = failure.value
        const connectionFailure = isConnectionFailure(error)
        return Effect.fail(new MigrationFailed({
          migration: undefined,
          reason: connectionFailure
            ? describeFailure(error)
            : error._tag === "MigrationError"
            ? error.message
            : describeServerError(error),
          connectionFailure,
          cause: error
        }))
      }
      for (const defect of Cause.defects(cause)) {
        const mapped = fromDefect(defect)
        if (Option.isSome(mapped)) return Effect.fail(mapped.value)
      }
      return Effect.failCause(cause as Cause.Cause<never>)
    }),
    Effect.annotateLogs({ logger: "database" })
  )

/** Applies the project's `migrations/` folder. */
export const runMigrations: Effect.Effect<ReadonlyArray<readonly [id: number, name: string]>, MigrationFailed, SqlClient> =
  runMigrationsFrom(MIGRATIONS_DIRECTORY)
