/**
 * Several Hub processes in production mode on one database: each a cluster runner with its own HTTP
 * port and runner port on loopback, both kept across a restart (so clients and the other runners
 * find it again where it was). Output goes to one log file per process under a temp dir, so a
 * failing run can show what the Hubs said.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { getFreePort } from "../../bench/lib/net.js"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const MAIN = path.join(ROOT, "src/main.ts")

/** Settings of the developer's shell that must not leak into a Hub under test. */
const INHERITED_SETTINGS = ["DATABASE_URL", "REDIS_URL", "PORT", "HOST", "DATA_DIR", "LOG_FORMAT", "LOG_LEVEL", "OTEL_EXPORTER_OTLP_ENDPOINT"]

export interface HubInstance {
  readonly index: number
  readonly url: string
  readonly port: number
  readonly runnerPort: number
  readonly logFile: string
}

export interface HubCluster {
  readonly instances: ReadonlyArray<HubInstance>
  readonly logDir: string
  /** Whether instance `i`'s process is running (it may not be ready). */
  readonly alive: (i: number) => boolean
  /** SIGKILL: no drain, no goodbye to the cluster; resolves once the process is gone. */
  readonly kill: (i: number) => Promise<void>
  /** Starts instance `i` again, on the same ports and settings. */
  readonly start: (i: number) => void
  /** Resolves once `/monitoring/ready` answers 200; rejects if the process exits or time runs out. */
  readonly waitReady: (i: number, timeoutMs: number) => Promise<void>
  /** The last `lines` lines instance `i` wrote (every start appended). */
  readonly tail: (i: number, lines?: number) => string
  /** SIGTERM every running instance, SIGKILL what is left after `graceMs`. */
  readonly stopAll: (graceMs?: number) => Promise<void>
  /** Removes the log directory. */
  readonly removeLogs: () => void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * `count` instances sharing `env` (PORT, HOST and the runner address are set here). The instances of
 * one cluster must share their secrets: a user's data key wrapped under one GDPR_MASTER_KEY cannot
 * be opened by an instance holding another.
 */
export const hubCluster = async (count: number, env: Readonly<Record<string, string>>): Promise<HubCluster> => {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "luna-faults-"))
  const instances: Array<HubInstance> = []
  for (let index = 0; index < count; index++) {
    const port = await getFreePort()
    const runnerPort = await getFreePort()
    instances.push({ index, url: `http://127.0.0.1:${port}`, port, runnerPort, logFile: path.join(logDir, `hub-${index}.log`) })
  }
  const children: Array<ChildProcess | undefined> = instances.map(() => undefined)
  // Last resort (a timed-out test whose cleanup never ran): no Hub outlives the test process.
  process.once("exit", () => {
    for (const child of children) child?.kill("SIGKILL")
  })

  const start = (i: number) => {
    const instance = instances[i]!
    if (children[i] !== undefined) throw new Error(`hub ${i} is already running`)
    const base: NodeJS.ProcessEnv = { ...process.env }
    for (const name of INHERITED_SETTINGS) delete base[name]
    const log = fs.openSync(instance.logFile, "a")
    const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
      cwd: ROOT,
      env: { ...base, ...env, HOST: "127.0.0.1", PORT: String(instance.port), CLUSTER_RUNNER_HOST: "127.0.0.1", CLUSTER_RUNNER_PORT: String(instance.runnerPort) },
      stdio: ["ignore", log, log]
    })
    fs.closeSync(log)
    child.on("error", () => {})
    children[i] = child
    void once(child, "exit").then(() => {
      if (children[i] === child) children[i] = undefined
    })
  }

  const kill = async (i: number) => {
    const child = children[i]
    if (child === undefined) return
    const exited = once(child, "exit")
    child.kill("SIGKILL")
    await exited
    children[i] = undefined
  }

  const waitReady = async (i: number, timeoutMs: number) => {
    const instance = instances[i]!
    const child = children[i]
    const deadline = Date.now() + timeoutMs
    let last = "no answer"
    while (Date.now() < deadline) {
      if (child === undefined || children[i] !== child) throw new Error(`hub ${i} exited before it was ready:\n${tail(i)}`)
      try {
        const response = await fetch(`${instance.url}/monitoring/ready`, { signal: AbortSignal.timeout(2_000) })
        await response.arrayBuffer()
        if (response.status === 200) return
        last = `HTTP ${response.status}`
      } catch (error) {
        last = String(error)
      }
      await sleep(200)
    }
    throw new Error(`hub ${i} was not ready within ${timeoutMs} ms (last: ${last}):\n${tail(i)}`)
  }

  const tail = (i: number, lines = 30) => {
    try {
      return fs.readFileSync(instances[i]!.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n")
    } catch {
      return ""
    }
  }

  const stopAll = async (graceMs = 10_000) => {
    const running = children.filter((c): c is ChildProcess => c !== undefined)
    const exits = running.map((child) => once(child, "exit"))
    for (const child of running) child.kill("SIGTERM")
    const done = await Promise.race([Promise.all(exits).then(() => true), sleep(graceMs).then(() => false)])
    if (!done) {
      for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
      await Promise.race([Promise.all(exits), sleep(2_000)])
    }
  }

  return {
    instances,
    logDir,
    alive: (i) => children[i] !== undefined,
    kill,
    start,
    waitReady,
    tail,
    stopAll,
    removeLogs: () => fs.rmSync(logDir, { recursive: true, force: true })
  }
}
