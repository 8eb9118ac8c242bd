import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { awaitMigrated } from "../../../src/services/database/live.js"
import { MIGRATIONS_DIRECTORY, readMigrationFiles } from "../../../src/services/database/migrations.js"
import { type BackendName, realServicesAvailable } from "../../support/backends.js"
import { databaseLayer, eventually, emptyDataDir, testDatabaseUrl } from "../../support/database.js"

const realAvailable = await realServicesAvailable()

interface InstanceRow {
  readonly instance_id: string
  readonly stopped_at: Date | null
}

for (const backend of ["embedded", "real"] as const satisfies ReadonlyArray<BackendName>) {
  describe.skipIf(backend === "real" && !realAvailable)(`Database lifecycle (${backend})`, () => {
    it.scopedLive("starts on an empty database, then again on the existing one with its data", () =>
      Effect.gen(function*() {
        const where = backend === "embedded" ? { dataDir: yield* emptyDataDir } : { databaseUrl: yield* testDatabaseUrl }
        const applied: Array<string> = []
        const logger = Logger.make(({ message }) => {
          const text = Array.isArray(message) ? message.join(" ") : String(message)
          if (text.startsWith("Applied migration")) applied.push(text)
        })
        const start = Layer.build(databaseLayer(backend, { ...where, logger }))

        const first = yield* Effect.scoped(Effect.gen(function*() {
          const context = yield* start
          return yield* Effect.gen(function*() {
            yield* awaitMigrated.pipe(Effect.timeout("20 seconds"))
            const sql = yield* SqlClient
            yield* sql`CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)`
            yield* sql`INSERT INTO notes ${sql.insert({ id: 1, body: "written by the first start" })}`
            return yield* eventually(sql<InstanceRow>`SELECT instance_id, stopped_at FROM hub_instances`, (rows) => rows.length === 1)
          }).pipe(Effect.provide(context))
        }))
        const files = yield* readMigrationFiles(MIGRATIONS_DIRECTORY)
        expect(applied).toEqual(files.map((f) => `Applied migration ${f.file}`))
        if (backend === "embedded") {
          expect((yield* Effect.promise(() => readdir(join(where.dataDir ?? "", "pglite")))).length).toBeGreaterThan(0)
        }

        applied.length = 0
        yield* Effect.scoped(Effect.gen(function*() {
          const context = yield* start
          yield* Effect.gen(function*() {
            yield* awaitMigrated.pipe(Effect.timeout("20 seconds"))
            const sql = yield* SqlClient
            expect(yield* sql`SELECT id, body FROM notes`).toEqual([{ id: 1, body: "written by the first start" }])
            const instances = yield* eventually(
              sql<InstanceRow>`SELECT instance_id, stopped_at FROM hub_instances ORDER BY started_at`,
              (rows) => rows.length === 2
            )
            // The first instance recorded its clean stop; the second is running.
            expect(instances[0]?.instance_id).toBe(first[0]?.instance_id)
            expect(instances[0]?.stopped_at).toBeInstanceOf(Date)
            expect(instances[1]?.stopped_at).toBeNull()
            expect(yield* sql`SELECT migration_id FROM luna_migrations ORDER BY migration_id`).toEqual(
              files.map((f) => ({ migration_id: f.id }))
            )
          }).pipe(Effect.provide(context))
        }))
        expect(applied).toEqual([])
      }), 60_000)
  })
}
