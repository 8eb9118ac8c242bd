import { SqlClient } from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, layer } from "@effect/vitest"
import { Cause, Data, Effect, Exit, Fiber, Option } from "effect"
import { Database } from "../../../src/services/database/Database.js"
import { isUniqueViolation } from "../../../src/services/database/failures.js"
import { awaitMigrated } from "../../../src/services/database/live.js"
import { EMBEDDED_POOL_SIZE } from "../../../src/services/database/policy.js"
import { type BackendName, realServicesAvailable } from "../../support/backends.js"
import { databaseLayer, eventually } from "../../support/database.js"

const realAvailable = await realServicesAvailable()

class Duplicate extends Data.TaggedError("Duplicate")<{ readonly id: number }> {}

const POOL_SIZE = 2

for (const backend of ["embedded", "real"] as const satisfies ReadonlyArray<BackendName>) {
  // Embedded mode pools one connection whatever the setting (see EMBEDDED_POOL_SIZE).
  const poolMax = backend === "embedded" ? EMBEDDED_POOL_SIZE : POOL_SIZE
  describe.skipIf(backend === "real" && !realAvailable)(`Database guard, probe and pool (${backend})`, () => {
    layer(
      databaseLayer(backend, { env: { SUPABASE_POOL_SIZE: String(POOL_SIZE), SUPABASE_STATEMENT_TIMEOUT: "5" } }),
      { excludeTestServices: true, timeout: "60 seconds" }
    )((it) => {
      it.effect("migrates at start and registers the instance", () =>
        Effect.gen(function*() {
          yield* awaitMigrated.pipe(Effect.timeout("20 seconds"))
          const db = yield* Database
          const sql = yield* SqlClient
          expect(db.backend).toBe(backend === "real" ? "postgres" : "pglite")
          expect(yield* db.migrated).toBe(true)
          // Registration runs right after migrations, in the same background fiber.
          const registered = yield* eventually(
            sql<{ mode: string; stopped_at: Date | null }>`SELECT mode, stopped_at FROM hub_instances`,
            (rows) => rows.length > 0
          )
          expect(registered).toHaveLength(1)
          expect(registered[0]?.mode).toBe(backend === "real" ? "production" : "embedded")
          expect(registered[0]?.stopped_at).toBeNull()
        }))

      it.effect("runs a query through guard", () =>
        Effect.gen(function*() {
          const db = yield* Database
          const sql = yield* SqlClient
          const rows = yield* db.guard(sql<{ n: number }>`SELECT 1 + 1 AS n`)
          expect(rows).toEqual([{ n: 2 }])
          expect((yield* db.breaker).state).toBe("closed")
        }))

      it.effect("leaves a unique violation caught inside guard to the caller, without counting it", () =>
        Effect.gen(function*() {
          const db = yield* Database
          const sql = yield* SqlClient
          yield* sql`CREATE TABLE guard_items (id integer PRIMARY KEY)`
          const insert = (id: number) =>
            db.guard(
              sql`INSERT INTO guard_items (id) VALUES (${id})`.pipe(
                Effect.catchIf(isUniqueViolation, () => Effect.fail(new Duplicate({ id })))
              )
            )
          yield* insert(1)
          for (let i = 0; i < 6; i++) {
            const error = yield* Effect.flip(insert(1))
            expect(error).toEqual(new Duplicate({ id: 1 }))
          }
          const breaker = yield* db.breaker
          expect(breaker.state).toBe("closed")
          expect(breaker.consecutiveFailures).toBe(0)
        }))

      it.effect("turns an unhandled query error into a defect, not an outage", () =>
        Effect.gen(function*() {
          const db = yield* Database
          const sql = yield* SqlClient
          const exit = yield* Effect.exit(db.guard(sql`SELECT * FROM no_such_table`))
          expect(Exit.isFailure(exit)).toBe(true)
          if (Exit.isFailure(exit)) {
            expect(Option.isNone(Cause.failureOption(exit.cause))).toBe(true)
            const defect = Cause.dieOption(exit.cause)
            expect(Option.isSome(defect) && defect.value instanceof SqlError).toBe(true)
          }
          expect((yield* db.breaker).consecutiveFailures).toBe(0)
        }))

      it.effect("probes with a latency", () =>
        Effect.gen(function*() {
          const db = yield* Database
          const probe = yield* db.probe
          expect(probe.latencyMs).toBeGreaterThanOrEqual(0)
          expect(probe.latencyMs).toBeLessThan(2000)
        }))

      it.effect("reports pool stats, with waiting > 0 when more transactions than connections are in flight", () =>
        Effect.gen(function*() {
          const db = yield* Database
          const sql = yield* SqlClient
          const latch = yield* Effect.makeLatch(false)
          const before = yield* db.poolStats
          expect(before.max).toBe(poolMax)
          const fibers = yield* Effect.forEach(
            [1, 2, 3, 4],
            (i) => Effect.fork(sql.withTransaction(Effect.zipRight(latch.await, sql`SELECT ${i}::int AS i`))),
          )
          const busy = yield* eventually(db.poolStats, (s) => s.waiting === 4 - poolMax && s.idle === 0)
          expect(busy.waiting).toBe(4 - poolMax)
          expect(busy.total).toBe(poolMax)
          expect(busy.idle).toBe(0)
          yield* latch.open
          yield* Fiber.joinAll(fibers)
          const after = yield* db.poolStats
          expect(after.waiting).toBe(0)
          expect(after.total).toBeLessThanOrEqual(poolMax)
        }))

      if (backend === "real") {
        it.effect("applies statement_timeout and application_name to every connection", () =>
          Effect.gen(function*() {
            const sql = yield* SqlClient
            const [row] = yield* sql<{ st: string; app: string }>`SELECT current_setting('statement_timeout') AS st, current_setting('application_name') AS app`
            expect(row).toEqual({ st: "5s", app: "luna-hub" })
          }))
      }
    })
  })
}
