/**
 * A fresh, isolated database per test file, suite or test:
 * - "real": `CREATE DATABASE luna_t_<token>` on TEST_DATABASE_URL, the production layer against it,
 *   dropped (connections terminated first) when the scope closes;
 * - "embedded": PGlite in a fresh temp DATA_DIR (a copy of a per-process template, so initdb runs
 *   once per test process), removed when the scope closes.
 *
 * Also a small TCP proxy that tests put between the pool and the server to cut and restore it.
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import { afterAll } from "@effect/vitest"
import { type ConfigError, Duration, Effect, Layer, Logger, type Scope } from "effect"
import { cp, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Pg from "pg"
import { HubConfig } from "../../src/config.js"
import type { Database } from "../../src/services/database/Database.js"
import { pgliteDataDir } from "../../src/services/database/embedded.js"
import { DatabaseLive, type DatabaseLayerOptions } from "../../src/services/database/live.js"
import { TEST_AUTH_ENV } from "./auth.js"
import { GENEROUS_LIMITS_ENV } from "./limits-env.js"
import { type BackendName, runToken, TEST_DATABASE_URL } from "./backends.js"

export type TestDatabaseServices = Database | PgClient.PgClient | SqlClient | HubConfig

/**
 * Test Hubs analyse narratives on the main thread (the same results): dozens of suites' Hubs would
 * otherwise each start a worker per core. The pool's own suite, and the narrative doors' suite, set
 * NARRATIVE_WORKERS themselves.
 */
export const MAIN_THREAD_NARRATIVE_ENV: Readonly<Record<string, string>> = { NARRATIVE_WORKERS: "0" }

export interface TestDatabaseOptions {
  /** Extra settings, as environment variables (e.g. `{ SUPABASE_POOL_SIZE: "2" }`). */
  readonly env?: Readonly<Record<string, string>>
  /** Passed to `DatabaseLive`. */
  readonly layer?: DatabaseLayerOptions
  /** Embedded: use this DATA_DIR (kept) instead of a fresh temp dir (removed). */
  readonly dataDir?: string
  /** Real: use this database URL (kept) instead of a fresh database (dropped). */
  readonly databaseUrl?: string
  /** The database layer logs nothing unless a logger is given. */
  readonly logger?: Logger.Logger<unknown, unknown>
}

/** A plain `pg` client on `url` for `f`, closed afterwards. */
export const withClient = async <A>(url: string, f: (client: Pg.Client) => Promise<A>): Promise<A> => {
  const client = new Pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  client.on("error", () => {})
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end().catch(() => {})
  }
}

/** `CREATE DATABASE luna_t_<token>` on TEST_DATABASE_URL; its URL; dropped when the scope closes. */
export const testDatabaseUrl: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(async () => {
    const name = `luna_t_${runToken()}`
    await withClient(TEST_DATABASE_URL, (c) => c.query(`CREATE DATABASE ${name}`))
    const url = new URL(TEST_DATABASE_URL)
    url.pathname = `/${name}`
    return url.toString()
  }),
  (url) =>
    Effect.promise(async () => {
      const name = new URL(url).pathname.slice(1)
      await withClient(TEST_DATABASE_URL, async (c) => {
        await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      })
    }).pipe(Effect.catchAllDefect((defect) => Effect.logWarning(`Could not drop test database ${url}`, defect)))
)

/** An empty directory under the OS temp dir, removed when the scope closes (PGlite runs initdb in it: ~2.5 s). */
export const emptyDataDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "luna-db-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

// initdb is most of PGlite's start-up; reopening an initialised data dir takes ~0.25 s. So each test
// process initialises one template (closed cleanly, so a plain copy is a valid data dir) and copies it.
// (Vitest ends its workers without a normal process exit, so the template is removed in afterAll.)
let template: Promise<string> | undefined
let templateDir: string | undefined
afterAll(async () => {
  if (templateDir !== undefined) await rm(templateDir, { recursive: true, force: true })
})
const templateDataDir = (): Promise<string> => {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "luna-db-template-"))
    templateDir = dir
    const { PGlite } = await import("@electric-sql/pglite")
    const db = await PGlite.create({ dataDir: pgliteDataDir(dir) })
    await db.close()
    return dir
  })()
  return template
}

/** A fresh DATA_DIR holding an initialised, empty PGlite database; removed when the scope closes. */
export const tempDataDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(async () => {
    const source = await templateDataDir()
    const dir = await mkdtemp(join(tmpdir(), "luna-db-"))
    await cp(source, dir, { recursive: true })
    return dir
  }),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

/** The settings and the live database layer for `backend`, on a database of its own. */
export const databaseLayer = (
  backend: BackendName,
  options: TestDatabaseOptions = {}
): Layer.Layer<TestDatabaseServices, SqlError | ConfigError.ConfigError> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const target: Record<string, string> = backend === "real"
      ? { DATABASE_URL: options.databaseUrl ?? (yield* testDatabaseUrl) }
      : { DATA_DIR: options.dataDir ?? (yield* tempDataDir) }
    const config = HubConfig.fromRecord({ ...TEST_AUTH_ENV, ...GENEROUS_LIMITS_ENV, ...MAIN_THREAD_NARRATIVE_ENV, ...target, ...options.env })
    const logging = options.logger === undefined
      ? Logger.remove(Logger.defaultLogger)
      : Logger.replace(Logger.defaultLogger, options.logger)
    return DatabaseLive(options.layer).pipe(Layer.provide(logging), Layer.provideMerge(config))
  }))

export { type TcpProxy, tcpProxy } from "./tcp-proxy.js"

/** Re-runs `self` every 10 ms until `until` holds; dies after `timeout`. */
export const eventually = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  until: (a: A) => boolean,
  timeout: Duration.DurationInput = "10 seconds"
): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    while (true) {
      const a = yield* self
      if (until(a)) return a
      yield* Effect.sleep("10 millis")
    }
  }).pipe(Effect.timeoutFail({ duration: timeout, onTimeout: () => new Error(`condition not met within ${Duration.format(timeout)}`) }), Effect.orDie) as Effect.Effect<A, E, R>

/**
 * Another client on the same database as the current `PgClient` (its own pool), as a second Hub
 * instance would have: for embedded, another client of the same PGlite socket.
 */
export const anotherClient = (maxConnections = 2): Effect.Effect<PgClient.PgClient, SqlError, PgClient.PgClient | Scope.Scope> =>
  Effect.gen(function*() {
    const { config } = yield* PgClient.PgClient
    return yield* PgClient.make({
      ...(config.url === undefined
        ? { host: config.host, port: config.port, database: config.database, username: config.username }
        : { url: config.url }),
      maxConnections
    }).pipe(Effect.provide(Reactivity.layer))
  })
