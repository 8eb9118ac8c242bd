import { afterAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { startHub, waitForStatus } from "./support/process.js"

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "luna-lifecycle-"))
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

const versionRequest = JSON.stringify({ _tag: "Request", id: "1", tag: "Monitoring.Version", payload: {}, headers: [] }) + "\n"

/** A POST /rpc whose body arrives in two halves, `pauseMs` apart: a slow client in flight. */
const slowRpcCall = (url: string, pauseMs: number, onFirstHalfSent: () => void) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(`${url}/rpc`, { method: "POST", headers: { "content-type": "application/ndjson" } }, (response) => {
      let body = ""
      response.on("data", (d) => (body += d))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on("error", reject)
    const half = Math.floor(versionRequest.length / 2)
    request.write(versionRequest.slice(0, half))
    request.flushHeaders()
    setTimeout(onFirstHalfSent, 100)
    setTimeout(() => request.end(versionRequest.slice(half)), pauseMs)
  })

const connectionRefused = (url: string) =>
  fetch(`${url}/monitoring/health`).then(
    () => false,
    () => true
  )

describe("process lifecycle", () => {
  it("starts on an empty data dir, prints one start-up line, and drains in-flight requests on SIGTERM (exit 0)", async () => {
    const hub = startHub({ DATA_DIR: dataDir, SHUTDOWN_DRAIN_SECONDS: "10" })
    const url = await hub.listening
    await waitForStatus(`${url}/monitoring/ready`)
    const startup = hub.stdout.filter((l) => l.includes("Luna Hub listening on"))
    expect(startup).toHaveLength(1)
    expect(JSON.parse(startup[0]!)).toMatchObject({ level: "INFO", logger: "lifecycle" })
    expect(startup[0]).toContain("(mode embedded)")
    expect(startup[0]).toContain(`${url}/docs`)
    expect(hub.stdout.some((l) => l.includes("Applied migration 0001_"))).toBe(true)

    const slow = slowRpcCall(url, 1500, () => hub.child.kill("SIGTERM"))
    const answer = await slow
    expect(answer.status).toBe(200)
    expect(answer.body).toContain('"_tag":"Success"')
    expect(answer.body).toContain("luna-hub")

    const exit = await hub.exited
    expect(exit).toEqual({ code: 0, signal: null })
    expect(hub.stdout.some((l) => l.includes("Draining: 1 request(s) in flight"))).toBe(true)
    expect(await connectionRefused(url)).toBe(true)
  }, 90_000)

  it("starts again on the existing data dir without re-applying migrations", async () => {
    const hub = startHub({ DATA_DIR: dataDir })
    const url = await hub.listening
    await waitForStatus(`${url}/monitoring/ready`)
    expect(hub.stdout.some((l) => l.includes("Applied migration"))).toBe(false)
    hub.child.kill("SIGINT")
    expect(await hub.exited).toEqual({ code: 0, signal: null })
  }, 90_000)

  it("refuses a second Hub on a data dir in use, and keeps the first one serving", async () => {
    const first = startHub({ DATA_DIR: dataDir })
    const url = await first.listening
    await waitForStatus(`${url}/monitoring/ready`)
    const second = startHub({ DATA_DIR: dataDir })
    const exit = await second.exited
    expect(exit.code).toBe(1)
    const output = [...second.stdout, ...second.stderr].join("\n")
    expect(output).toContain("is in use by another Hub")
    expect(output).toContain(String(first.child.pid))
    await waitForStatus(`${url}/monitoring/ready`)
    first.child.kill("SIGTERM")
    expect(await first.exited).toEqual({ code: 0, signal: null })
  }, 90_000)

  it("stops with one line naming a bad setting and exit code 1", async () => {
    const hub = startHub({ SUPABASE_POOL_SIZE: "abc", DATA_DIR: dataDir })
    const exit = await hub.exited
    expect(exit.code).toBe(1)
    expect(hub.stderr).toHaveLength(1)
    expect(hub.stderr[0]).toContain("SUPABASE_POOL_SIZE=\"abc\"")
    expect(hub.stderr[0]).toContain("expected a whole number")
    expect(hub.stdout).toHaveLength(0)
  }, 30_000)

  it("never echoes a secret setting's value in the error line", async () => {
    const hub = startHub({ DATABASE_URL: "mysql://hub:hunter2-secret@db/luna" })
    const exit = await hub.exited
    expect(exit.code).toBe(1)
    expect(hub.stderr.join("\n")).toContain("DATABASE_URL=<redacted>")
    expect(hub.stderr.join("\n")).not.toContain("hunter2")
  }, 30_000)
})
