import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, type Scope } from "effect"
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Database } from "../../../src/services/database/Database.js"
import { awaitMigrated } from "../../../src/services/database/live.js"
import {
  MigrationFailed,
  MIGRATIONS_DIRECTORY,
  runMigrations,
  runMigrationsFrom
} from "../../../src/services/database/migrations.js"
import { type BackendName, realServicesAvailable } from "../../support/backends.js"
import { anotherClient, databaseLayer, eventually, type TestDatabaseOptions } from "../../support/database.js"

const realAvailable = await realServicesAvailable()

/** The project's migrations plus `extra` files, in a temp dir removed with the scope. */
const migrationsDir = (extra: Readonly<Record<string, string>>, withProject = true): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const dir = await mkdtemp(join(tmpdir(), "luna-migrations-"))
      if (withProject) {
        for (const file of await readdir(MIGRATIONS_DIRECTORY)) {
          if (file.endsWith(".sql")) await copyFile(join(MIGRATIONS_DIRECTORY, file), join(dir, file))
        }
      }
      for (const [file, text] of Object.entries(extra)) await writeFile(join(dir, file), text)
      return dir
    }),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  )

const projectMigrationCount = (await readdir(MIGRATIONS_DIRECTORY)).filter((f) => /^\d+_.+\.sql$/.test(f)).length

/** A fresh database for this test only, without background migrations. */
const freshDatabase = (backend: BackendName, options: TestDatabaseOptions = {}) =>
  Layer.build(databaseLayer(backend, { ...options, layer: { migrate: false, registerInstance: false, ...options.layer } }))

const regclass = (name: string) =>
  Effect.flatMap(SqlClient, (sql) =>
    Effect.map(sql<{ r: string | null }>`SELECT to_regclass(${name})::text AS r`, (rows) => rows[0]?.r ?? null))

const EXTRA = {
  "0900_extra.sql": "CREATE TABLE extra_a (id integer PRIMARY KEY);\nINSERT INTO extra_a (id) VALUES (1);",
  // Fails if applied twice: the column would already exist.
  "0901_extra_column.sql": "ALTER TABLE extra_a ADD COLUMN label text NOT NULL DEFAULT 'x';"
}

const BROKEN = {
  "0950_broken.sql": "CREATE TABLE broken_partial (id integer);\nINSERT INTO broken_partial VALUES (1);\nSELEC nonsense;"
}

for (const backend of ["embedded", "real"] as const satisfies ReadonlyArray<BackendName>) {
  describe.skipIf(backend === "real" && !realAvailable)(`Migrations (${backend})`, () => {
    it.scopedLive("applies every migration once; a second run applies nothing", () =>
      Effect.gen(function*() {
        const context = yield* freshDatabase(backend)
        yield* Effect.gen(function*() {
          const sql = yield* SqlClient
          const first = yield* runMigrations
          expect(first.length).toBe(projectMigrationCount)
          expect(first[0]).toEqual([1, "foundation"])
          expect(yield* regclass("hub_instances")).toBe("hub_instances")
          expect(yield* runMigrations).toEqual([])
          const rows = yield* sql<{ migration_id: number; name: string }>`SELECT migration_id, name FROM luna_migrations ORDER BY migration_id`
          expect(rows.map((r) => [r.migration_id, r.name])).toEqual(first)
        }).pipe(Effect.provide(context))
      }), 60_000)

    it.scopedLive("applies each migration exactly once when three instances migrate at the same time", () =>
      Effect.gen(function*() {
        const dir = yield* migrationsDir(EXTRA)
        const context = yield* freshDatabase(backend)
        yield* Effect.gen(function*() {
          const sql = yield* SqlClient
          const b = yield* anotherClient()
          const c = yield* anotherClient()
          const results = yield* Effect.all(
            [sql, b, c].map((client) => runMigrationsFrom(dir).pipe(Effect.provideService(SqlClient, client))),
            { concurrency: "unbounded" }
          )
          const applied = results.flat().map(([id]) => id).sort((x, y) => x - y)
          expect(applied).toEqual([...Array.from({ length: projectMigrationCount }, (_, i) => i + 1), 900, 901])
          // One instance did all the work; the others waited on the lock and found nothing to do.
          expect(results.filter((r) => r.length > 0)).toHaveLength(1)
          const rows = yield* sql<{ migration_id: number; n: string }>`SELECT migration_id, count(*)::text AS n FROM luna_migrations GROUP BY migration_id ORDER BY migration_id`
          expect(rows.every((r) => r.n === "1")).toBe(true)
          expect(rows.map((r) => r.migration_id)).toEqual(applied)
          expect(yield* sql<{ id: number; label: string }>`SELECT id, label FROM extra_a`).toEqual([{ id: 1, label: "x" }])
          expect(yield* regclass("hub_instances")).toBe("hub_instances")
        }).pipe(Effect.provide(context))
      }), 60_000)

    it.scopedLive("fails with MigrationFailed naming a broken migration and leaves nothing half-applied", () =>
      Effect.gen(function*() {
        const broken = yield* migrationsDir(BROKEN)
        const context = yield* freshDatabase(backend)
        yield* Effect.gen(function*() {
          const error = yield* Effect.flip(runMigrationsFrom(broken))
          expect(error).toBeInstanceOf(MigrationFailed)
          expect(error.migration).toBe("0950_broken")
          expect(error.connectionFailure).toBe(false)
          expect(error.reason).toMatch(/syntax error/)
          expect(error.message).toMatch(/^Migration 0950_broken failed: /)
          // The whole run was one transaction: not even the good migrations before it stayed.
          expect(yield* regclass("broken_partial")).toBeNull()
          expect(yield* regclass("hub_instances")).toBeNull()
          expect(yield* regclass("luna_migrations")).toBeNull()
          // Once fixed, the project's migrations apply normally.
          expect((yield* runMigrations).length).toBe(projectMigrationCount)
          const again = yield* Effect.flip(runMigrationsFrom(broken))
          expect(again.migration).toBe("0950_broken")
          expect(yield* regclass("broken_partial")).toBeNull()
        }).pipe(Effect.provide(context))
      }), 60_000)

    it.scopedLive("fails with MigrationFailed when the folder cannot be read", () =>
      Effect.gen(function*() {
        const context = yield* freshDatabase(backend)
        const error = yield* Effect.flip(runMigrationsFrom(join(tmpdir(), "luna-no-such-dir"))).pipe(Effect.provide(context))
        expect(error.migration).toBeUndefined()
        expect(error.connectionFailure).toBe(false)
        expect(error.reason).toMatch(/Could not read migrations/)
      }), 60_000)

    it.scopedLive("in the live layer, a broken migration logs one error and is not retried", () =>
      Effect.gen(function*() {
        const broken = yield* migrationsDir(BROKEN)
        const lines: Array<{ readonly level: string; readonly message: string }> = []
        const logger = Logger.make(({ logLevel, message }) => {
          lines.push({ level: logLevel.label, message: Array.isArray(message) ? message.join(" ") : String(message) })
        })
        const context = yield* Layer.build(databaseLayer(backend, {
          logger,
          layer: { migrationsDirectory: broken, migrationRetry: { baseDelay: "20 millis", maxDelay: "50 millis" } }
        }))
        yield* eventually(Effect.sync(() => lines.filter((l) => l.level === "ERROR")), (errors) => errors.length > 0)
        yield* Effect.sleep("500 millis")
        expect(lines.filter((l) => l.level === "ERROR").map((l) => l.message)).toEqual(["Database migration failed; not retrying"])
        expect(lines.filter((l) => l.level === "WARN")).toEqual([])
        const db = yield* Effect.provide(Database, context)
        expect(yield* db.migrated).toBe(false)
        const notYet = yield* awaitMigrated.pipe(Effect.provide(context), Effect.timeoutOption("200 millis"))
        expect(notYet._tag).toBe("None")
      }), 60_000)
  })
}
