/**
 * Runs one of the Hub's commands (`src/commands/*.ts`) as a real process, with the developer's
 * Hub settings removed from its environment, and collects its exit code and output lines.
 */
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** Settings that would leak into the child from the developer's shell, removed. */
const INHERITED_SETTINGS = ["DATABASE_URL", "REDIS_URL", "PORT", "HOST", "DATA_DIR", "LOG_FORMAT", "LOG_LEVEL", "JWT_SECRET", "HUB_BOOTSTRAP_ADMIN_KEY"]

export interface Finished {
  readonly code: number | null
  readonly stdout: ReadonlyArray<string>
  readonly stderr: ReadonlyArray<string>
}

export const runCommand = async (
  command: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>
): Promise<Finished> => {
  const base = { ...process.env }
  for (const key of INHERITED_SETTINGS) delete base[key]
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src/commands", command), ...args], {
    cwd: ROOT,
    env: { ...base, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")))
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")))
  const [code] = (await once(child, "exit")) as [number | null]
  const lines = (text: string) => text.split("\n").filter((l) => l.length > 0)
  return { code, stdout: lines(stdout), stderr: lines(stderr) }
}
