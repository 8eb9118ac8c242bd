/**
 * The Hub as a real child process (`node --import tsx src/main.ts`), for what only a process
 * shows: exit codes, signals, start-up lines.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const MAIN = path.join(ROOT, "src/main.ts")

export interface HubProcess {
  readonly child: ChildProcess
  readonly stdout: Array<string>
  readonly stderr: Array<string>
  /** Resolves with the URL once the start-up line is printed. */
  readonly listening: Promise<string>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Settings that would leak into the child from the developer's shell, removed. */
const INHERITED_SETTINGS = ["DATABASE_URL", "REDIS_URL", "PORT", "HOST", "DATA_DIR", "LOG_FORMAT", "LOG_LEVEL"]

export const startHub = (env: Readonly<Record<string, string>>): HubProcess => {
  const base = { ...process.env }
  for (const key of INHERITED_SETTINGS) delete base[key]
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: ROOT,
    env: { ...base, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const stdout: Array<string> = []
  const stderr: Array<string> = []
  const lines = (sink: Array<string>) => {
    let partial = ""
    return (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8")
      const parts = text.split("\n")
      partial = parts.pop() ?? ""
      sink.push(...parts.filter((p) => p.length > 0))
    }
  }
  child.stdout!.on("data", lines(stdout))
  child.stderr!.on("data", lines(stderr))
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const line = stdout.find((l) => l.includes("Luna Hub listening on"))
      if (line !== undefined) {
        clearInterval(timer)
        resolve(/listening on (http:\/\/[^\s]+)/.exec(line)![1]!)
      }
    }, 50)
    void exited.then(() => {
      clearInterval(timer)
      reject(new Error(`Hub exited before listening: ${stderr.join("\n")}`))
    })
  })
  listening.catch(() => {})
  return { child, stdout, stderr, listening, exited }
}

/** Polls `url` until it answers `status` (default 200) or the time runs out. */
export const waitForStatus = async (url: string, status = 200, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url)
      await response.arrayBuffer()
      if (response.status === status) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`)
}
