/**
 * Embedded mode: PGlite (PostgreSQL 18 in WASM) served on a loopback socket so the very same
 * `pg.Pool` + `PgClient.fromPool` path as production talks to it.
 *
 * - Port: the socket server listens on port 0 (it passes the number straight to `net.Server.listen`
 *   and reads the bound port back), so the OS picks a free port; we read it from `getServerConn()`.
 * - Connections: the server turns away connections beyond `maxConnections` (default 1!) with a raw
 *   "Too many connections" line, so callers pass pool size + headroom.
 * - PGlite has a single backend: every connection shares one session and transactions are
 *   serialised; startup parameters (statement_timeout, application_name) are ignored;
 *   LISTEN/NOTIFY does not work through the socket.
 */
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, type Scope } from "effect"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { SHUTDOWN_STEP_TIMEOUT } from "./policy.js"

export interface EmbeddedServer {
  readonly host: string
  readonly port: number
  /** Where PGlite keeps its files, or the `memory://` URL. */
  readonly dataDir: string
}

/** `memory://…` is kept as is (tests); anything else is a directory, PGlite's files go to `<dir>/pglite`. */
export const pgliteDataDir = (dataDir: string): string =>
  dataDir.startsWith("memory://") ? dataDir : join(resolve(dataDir), "pglite")

/** Runs a close step within SHUTDOWN_STEP_TIMEOUT; a failure is logged, never propagated. */
export const closeBounded = (label: string, close: () => Promise<void>) =>
  Effect.promise(close).pipe(
    Effect.interruptible,
    Effect.timeoutOption(SHUTDOWN_STEP_TIMEOUT),
    Effect.catchAllDefect((defect) => Effect.logDebug(`${label} failed`, defect)),
    Effect.asVoid
  )

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * One Hub per data dir: PGlite is single-process, and two processes writing the same files would
 * corrupt them. The lock holds the owner's pid; a lock whose owner is gone is taken over.
 */
const lockDataDir = (dataDir: string): Effect.Effect<void, SqlError, Scope.Scope> => {
  const lockPath = join(resolve(dataDir), "hub.lock")
  const take = Effect.tryPromise({
    try: async () => {
      await mkdir(resolve(dataDir), { recursive: true })
      try {
        await writeFile(lockPath, String(process.pid), { flag: "wx" })
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      }
      const owner = Number((await readFile(lockPath, "utf8")).trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`DATA_DIR ${resolve(dataDir)} is in use by another Hub (pid ${owner}); stop it or choose another DATA_DIR`)
      }
      await writeFile(lockPath, String(process.pid))
    },
    catch: (cause) =>
      new SqlError({ cause, message: cause instanceof Error ? cause.message : "Could not lock the embedded data dir" })
  })
  return Effect.acquireRelease(take, () => closeBounded("Releasing the data dir lock", () => rm(lockPath, { force: true })))
}

/** Starts PGlite on `dataDir` and a socket server on 127.0.0.1:<free port>; both close with the scope. */
export const startEmbedded = (options: {
  readonly dataDir: string
  readonly maxConnections: number
}): Effect.Effect<EmbeddedServer, SqlError, Scope.Scope> =>
  Effect.gen(function*() {
    const dataDir = pgliteDataDir(options.dataDir)
    if (!dataDir.startsWith("memory://")) yield* lockDataDir(options.dataDir)
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          if (!dataDir.startsWith("memory://")) await mkdir(dataDir, { recursive: true })
          return await PGlite.create({ dataDir })
        },
        catch: (cause) => new SqlError({ cause, message: "Could not start the embedded database (PGlite)" })
      }),
      (db) => closeBounded("Closing PGlite", () => db.close())
    )
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: options.maxConnections })
          await server.start()
          return server
        },
        catch: (cause) => new SqlError({ cause, message: "Could not start the embedded database socket server" })
      }),
      (server) => closeBounded("Stopping the PGlite socket server", () => server.stop())
    )
    const conn = server.getServerConn()
    const port = Number(conn.slice(conn.lastIndexOf(":") + 1))
    if (!Number.isInteger(port) || port <= 0) {
      return yield* new SqlError({ message: `Embedded database socket server reported no port (${conn})` })
    }
    yield* Effect.logDebug("Embedded database listening").pipe(Effect.annotateLogs({ port, dataDir }))
    return { host: "127.0.0.1", port, dataDir }
  })
