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
import { mkdir } from "node:fs/promises"
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

const bounded = (label: string, close: () => Promise<void>) =>
  Effect.promise(close).pipe(
    Effect.interruptible,
    Effect.timeoutOption(SHUTDOWN_STEP_TIMEOUT),
    Effect.catchAllDefect((defect) => Effect.logDebug(`${label} failed`, defect)),
    Effect.asVoid
  )

/** Starts PGlite on `dataDir` and a socket server on 127.0.0.1:<free port>; both close with the scope. */
export const startEmbedded = (options: {
  readonly dataDir: string
  readonly maxConnections: number
}): Effect.Effect<EmbeddedServer, SqlError, Scope.Scope> =>
  Effect.gen(function*() {
    const dataDir = pgliteDataDir(options.dataDir)
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          if (!dataDir.startsWith("memory://")) await mkdir(dataDir, { recursive: true })
          return await PGlite.create({ dataDir })
        },
        catch: (cause) => new SqlError({ cause, message: "Could not start the embedded database (PGlite)" })
      }),
      (db) => bounded("Closing PGlite", () => db.close())
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
      (server) => bounded("Stopping the PGlite socket server", () => server.stop())
    )
    const conn = server.getServerConn()
    const port = Number(conn.slice(conn.lastIndexOf(":") + 1))
    if (!Number.isInteger(port) || port <= 0) {
      return yield* new SqlError({ message: `Embedded database socket server reported no port (${conn})` })
    }
    yield* Effect.logDebug("Embedded database listening").pipe(Effect.annotateLogs({ port, dataDir }))
    return { host: "127.0.0.1", port, dataDir }
  })
