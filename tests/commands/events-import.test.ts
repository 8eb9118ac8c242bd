/**
 * `npm run events:import` as a real process on a temp embedded DATA_DIR: exit codes, the summary
 * on stdout, and the refusal of a data dir held by a running Hub.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { randomUUID } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runCommand } from "../support/commands.js"
import { startHub } from "../support/process.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "luna-import-cmd-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const dataDir = path.join(tmp, "data")

const runImport = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  runCommand("events-import.ts", args, { DATA_DIR: dataDir, ...env })

const writeLines = (name: string, lines: ReadonlyArray<string>): string => {
  const file = path.join(tmp, name)
  fs.writeFileSync(file, lines.join("\n") + "\n")
  return file
}

const event = (streamId: string, n: number) =>
  JSON.stringify({ streamId, type: "EnergyCredited", data: { amount: n }, eventId: randomUUID(), time: "2024-05-06T07:08:09.000Z" })

describe("npm run events:import", () => {
  const good = writeLines("good.jsonl", [event("account:u-1", 1), event("account:u-1", 2), event("account:u-2", 3)])

  it("imports a file (exit 0), then finds everything already present on a re-run (exit 0)", async () => {
    const first = await runImport([good])
    expect(first.stderr.join("\n")).toContain("[events:import] done, 3 lines: read 3, imported 3, already present 0, rejected 0")
    expect(first).toMatchObject({ code: 0, stdout: ["read 3, imported 3, already present 0, rejected 0"] })

    const again = await runImport([good])
    expect(again).toMatchObject({ code: 0, stdout: ["read 3, imported 0, already present 3, rejected 0"] })
  }, 90_000)

  it("lists rejected lines with their numbers and exits 1", async () => {
    const mixed = writeLines("mixed.jsonl", [event("account:u-3", 1), "{oops", event("account:u-3", 2), JSON.stringify({ streamId: "account:u-3" })])
    const result = await runImport([mixed])
    expect(result.code).toBe(1)
    expect(result.stdout[0]).toBe("read 4, imported 2, already present 0, rejected 2")
    expect(result.stdout[1]).toMatch(/^line 2: invalid JSON: /)
    expect(result.stdout[2]).toMatch(/^line 4: invalid event: /)
    expect(result.stdout).toHaveLength(3)
  }, 90_000)

  it("answers a missing file or no argument with one line and exit 2", async () => {
    const missing = await runImport([path.join(tmp, "nope.jsonl")])
    expect(missing.code).toBe(2)
    expect(missing.stdout).toEqual([])
    expect(missing.stderr).toEqual([`[events:import] cannot read ${path.join(tmp, "nope.jsonl")}: no such file`])

    const usage = await runImport([])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toEqual(["usage: npm run events:import -- <file.jsonl>"])
  }, 30_000)

  it("refuses a data dir held by a running Hub (exit 1) and leaves the Hub serving", async () => {
    const hub = startHub({ DATA_DIR: dataDir })
    try {
      await hub.listening
      const result = await runImport([good])
      expect(result.code).toBe(1)
      expect(result.stdout).toEqual([])
      expect(result.stderr.join("\n")).toContain(`is in use by another Hub (pid ${hub.child.pid})`)
      const health = await fetch(`${await hub.listening}/monitoring/health`)
      expect(health.status).toBe(200)
    } finally {
      hub.child.kill("SIGTERM")
      await hub.exited
    }
    // Once the Hub is gone the import runs again.
    expect((await runImport([good])).code).toBe(0)
  }, 120_000)
})
