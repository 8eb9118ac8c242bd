/**
 * Postgres for the fault suite: a fresh database on the local server (dropped at the end), a TCP
 * proxy the Hubs reach it through (cut: every connection reset and new ones refused, as a database
 * restart looks to its clients), and `pg_terminate_backend` on every connection to the database.
 */
import { Effect, Exit, Scope } from "effect"
import * as Pg from "pg"
import { runToken, TEST_DATABASE_URL } from "./backends.js"
import { withClient } from "./database.js"
import { type TcpProxy, tcpProxy } from "./tcp-proxy.js"

const withAdmin = <A>(f: (client: Pg.Client) => Promise<A>): Promise<A> => withClient(TEST_DATABASE_URL, f)

export interface FaultDatabase {
  readonly name: string
  /** Straight to the server: for the final, read-only checks. */
  readonly directUrl: string
  /** Through the proxy: what the Hubs use. */
  readonly proxiedUrl: string
  readonly proxy: TcpProxy
  /** Terminates every server connection to the database (the suite holds none meanwhile); answers how many. */
  readonly terminateConnections: () => Promise<number>
  /** Closes the proxy and drops the database. */
  readonly drop: () => Promise<void>
}

export const faultDatabase = async (): Promise<FaultDatabase> => {
  const name = `luna_t_faults_${runToken()}`
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`))
  const direct = new URL(TEST_DATABASE_URL)
  direct.pathname = `/${name}`
  const scope = Effect.runSync(Scope.make())
  const proxy = await Effect.runPromise(Scope.extend(tcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) }), scope))
  const proxied = new URL(direct)
  proxied.hostname = "127.0.0.1"
  proxied.port = String(proxy.port)
  return {
    name,
    directUrl: direct.toString(),
    proxiedUrl: proxied.toString(),
    proxy,
    terminateConnections: () =>
      withAdmin(async (c) => {
        const result = await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
        return result.rowCount ?? 0
      }),
    drop: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await withAdmin(async (c) => {
        await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      })
    }
  }
}
