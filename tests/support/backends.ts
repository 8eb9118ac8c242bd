/**
 * Which backends a suite runs against. "embedded" (PGlite + memory stores) always runs; "real"
 * (Postgres + Redis from TEST_DATABASE_URL / TEST_REDIS_URL) runs when they answer, and with
 * CI=true it must run: an unreachable service then fails the suite instead of skipping it.
 */
import * as net from "node:net"

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379"
export const IN_CI = process.env.CI === "true"

export type BackendName = "embedded" | "real"

const reachable = (url: string, defaultPort: number): Promise<boolean> =>
  new Promise((resolve) => {
    const parsed = new URL(url)
    const socket = net.connect({ host: parsed.hostname, port: Number(parsed.port || defaultPort) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once("connect", () => done(true))
    socket.once("error", () => done(false))
  })

/** Top-level await in a test file: decides once whether the real-service suites run. */
export const realServicesAvailable = async (): Promise<boolean> => {
  if (IN_CI) return true // CI must run them; unreachable services fail loudly in the suite itself
  const [pg, redis] = await Promise.all([reachable(TEST_DATABASE_URL, 5432), reachable(TEST_REDIS_URL, 6379)])
  return pg && redis
}

/** A short unique token for per-run isolation (database names, key prefixes). */
export const runToken = (): string =>
  `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

export interface BackendUnderTest {
  readonly name: BackendName
  /** True when the real services are absent on a developer machine (never in CI). */
  readonly skip: boolean
}

/** Both backends; the real one is skipped (and reported as such) only outside CI when absent. */
export const backendsUnderTest = async (): Promise<ReadonlyArray<BackendUnderTest>> => {
  const real = await realServicesAvailable()
  return [
    { name: "embedded", skip: false },
    { name: "real", skip: !real }
  ]
}
