/**
 * Outage and recovery against a real server: a TCP proxy of our own sits between the pool and
 * Postgres (real) or the PGlite socket (embedded); cutting it is the outage.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Duration, Effect, HashMap, Layer, Logger, type Scope } from "effect"
import { ServiceUnavailable } from "../../../src/services/common/errors.js"
import { Database } from "../../../src/services/database/Database.js"
import { MIGRATIONS_DIRECTORY, readMigrationFiles } from "../../../src/services/database/migrations.js"
import { awaitMigrated, type DatabaseLayerOptions, type Endpoint } from "../../../src/services/database/live.js"
import { EMBEDDED_POOL_SIZE } from "../../../src/services/database/policy.js"
import { type BackendName, realServicesAvailable } from "../../support/backends.js"
import { databaseLayer, eventually, type TcpProxy, tcpProxy, testDatabaseUrl } from "../../support/database.js"

const realAvailable = await realServicesAvailable()

/** Never sent (trust auth), but present in DATABASE_URL: nothing may ever show it. */
const PASSWORD = "s3cret-never-logged"

const COOLDOWN_MS = 1_000

const FAST: DatabaseLayerOptions = {
  breaker: { cooldown: `${COOLDOWN_MS} millis` },
  guardRetry: { baseDelay: "20 millis", maxDelay: "100 millis" },
  migrationRetry: { baseDelay: "50 millis", maxDelay: "200 millis" },
  probeTimeout: "500 millis"
}

const ENV = { SUPABASE_RETRY_ATTEMPTS: "2", SUPABASE_TIMEOUT: "1" }

interface Captured {
  readonly level: string
  readonly text: string
}

const capture = () => {
  const lines: Array<Captured> = []
  const logger = Logger.make(({ annotations, logLevel, message }) => {
    const text = [
      Array.isArray(message) ? message.join(" ") : String(message),
      ...[...HashMap.toEntries(annotations)].map(([k, v]) => `${k}=${String(v)}`)
    ].join(" ")
    lines.push({ level: logLevel.label, text })
  })
  return { lines, logger }
}

/** The layer for `backend`, routed through a proxy (optionally cut from the start), and the proxy. */
const proxiedDatabase = (backend: BackendName, logger: Logger.Logger<unknown, unknown>, startCut: boolean) =>
  Effect.gen(function*() {
    const proxy = yield* Deferred.make<TcpProxy>()
    const route = (upstream: Endpoint): Effect.Effect<Endpoint, never, Scope.Scope> =>
      Effect.gen(function*() {
        const p = yield* tcpProxy(upstream)
        if (startCut) yield* p.cut
        yield* Deferred.succeed(proxy, p)
        return { host: "127.0.0.1", port: p.port }
      })
    const databaseUrl = backend === "real"
      ? yield* Effect.map(testDatabaseUrl, (url) => {
        const u = new URL(url)
        u.password = PASSWORD
        return u.toString()
      })
      : undefined
    const context = yield* Layer.build(databaseLayer(backend, {
      env: ENV,
      logger,
      layer: { ...FAST, route },
      ...(databaseUrl === undefined ? {} : { databaseUrl })
    }))
    return { context, proxy: yield* Deferred.await(proxy) }
  })

for (const backend of ["embedded", "real"] as const satisfies ReadonlyArray<BackendName>) {
  describe.skipIf(backend === "real" && !realAvailable)(`Database outage and recovery (${backend})`, () => {
    it.scopedLive("fails with ServiceUnavailable, opens the breaker, fails fast, then recovers by itself", () =>
      Effect.gen(function*() {
        const { lines, logger } = capture()
        const { context, proxy } = yield* proxiedDatabase(backend, logger, false)
        yield* Effect.gen(function*() {
          const db = yield* Database
          const sql = yield* SqlClient
          const query = db.guard(sql<{ n: number }>`SELECT 1 AS n`)
          yield* awaitMigrated.pipe(Effect.timeout("20 seconds"))
          expect(yield* query).toEqual([{ n: 1 }])

          yield* proxy.cut
          // Each call is 3 attempts (SUPABASE_RETRY_ATTEMPTS=2), each counted: the breaker opens on the 2nd call.
          const first = yield* Effect.flip(query)
          expect(first).toBeInstanceOf(ServiceUnavailable)
          expect(first.dependency).toBe("database")
          expect(first.retryAfterSeconds).toBeGreaterThanOrEqual(1)
          const second = yield* Effect.flip(query)
          expect(second).toBeInstanceOf(ServiceUnavailable)
          const open = yield* db.breaker
          expect(open.state).toBe("open")
          expect(open.retryAfterMs).toBeGreaterThan(0)

          const [elapsed, fast] = yield* Effect.timed(Effect.flip(query))
          expect(Duration.toMillis(elapsed)).toBeLessThan(100)
          expect(fast.reason).toMatch(/circuit open/)
          expect(fast.retryAfterSeconds).toBeGreaterThanOrEqual(1)
          const probeError = yield* Effect.flip(db.probe)
          expect(probeError).toBeInstanceOf(ServiceUnavailable)
          const stats = yield* db.poolStats
          expect(stats.max).toBe(backend === "embedded" ? EMBEDDED_POOL_SIZE : 10)
          expect(stats.waiting).toBe(0)
          for (const error of [first, second, fast, probeError]) {
            expect(error.reason).not.toContain(PASSWORD)
            expect(error.reason).not.toContain("postgres://")
          }

          yield* proxy.restore
          // After the cooldown the breaker lets probes through: half-open, then closed after 2 successes.
          const halfOpen = yield* eventually(db.breaker, (b) => b.state === "half_open", "5 seconds")
          expect(halfOpen.openedAtMs).not.toBeNull()
          expect(yield* query).toEqual([{ n: 1 }])
          expect((yield* db.breaker).state).toBe("half_open")
          expect(yield* query).toEqual([{ n: 1 }])
          expect((yield* db.breaker).state).toBe("closed")
          expect((yield* db.probe).latencyMs).toBeGreaterThanOrEqual(0)
        }).pipe(Effect.provide(context))

        const transitions = lines.filter((l) => /^Database (unavailable|recovered)/.test(l.text))
        expect(transitions.map((l) => [l.level, l.text.split(" state=")[1]?.split(" ")[0]])).toEqual([
          ["WARN", "open"],
          ["WARN", "half_open"],
          ["INFO", "closed"]
        ])
        expect(lines.every((l) => !l.text.includes(PASSWORD))).toBe(true)
      }), 30_000)

    it.scopedLive("starts while the database is unreachable, reports not ready, and migrates once it answers", () =>
      Effect.gen(function*() {
        const { lines, logger } = capture()
        const { context, proxy } = yield* proxiedDatabase(backend, logger, true)
        yield* Effect.gen(function*() {
          const db = yield* Database
          expect(yield* db.migrated).toBe(false)
          const probeError = yield* Effect.flip(db.probe)
          expect(probeError).toBeInstanceOf(ServiceUnavailable)
          // Migrations keep retrying, one warning per attempt.
          yield* eventually(
            Effect.sync(() => lines.filter((l) => l.text.startsWith("Database migrations could not run")).length),
            (n) => n >= 2
          )
          expect(yield* db.migrated).toBe(false)
          yield* proxy.restore
          yield* awaitMigrated.pipe(Effect.timeout("10 seconds"))
          expect(yield* db.migrated).toBe(true)
          const sql = yield* SqlClient
          const files = yield* readMigrationFiles(MIGRATIONS_DIRECTORY)
          expect(yield* sql`SELECT count(*)::int AS n FROM luna_migrations`).toEqual([{ n: files.length }])
        }).pipe(Effect.provide(context))
        expect(lines.filter((l) => l.level === "ERROR")).toEqual([])
        expect(lines.every((l) => !l.text.includes(PASSWORD))).toBe(true)
      }), 30_000)
  })
}
