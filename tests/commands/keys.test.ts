/**
 * `npm run keys` as a real process on a temp embedded DATA_DIR: every command, its JSON on stdout,
 * and the refusals (exit 2 for bad input, 1 for what the service refuses).
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { makeTokenVerifier } from "../../src/services/auth/tokens.js"
import { parseApiKey } from "../../src/services/keys/format.js"
import { runCommand } from "../support/commands.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "luna-keys-cmd-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const env = { DATA_DIR: path.join(tmp, "data") }
const keys = (...args: ReadonlyArray<string>) => runCommand("keys.ts", args, env)
const json = (lines: ReadonlyArray<string>) => JSON.parse(lines.join("\n"))

describe("npm run keys", () => {
  it("generate prints a valid key for the asked environment, without a database", async () => {
    const { code, stdout } = await runCommand("keys.ts", ["generate", "--env", "prod"], {})
    expect(code).toBe(0)
    expect(parseApiKey(stdout[0]!)).toMatchObject({ env: "prod" })
  })

  it("create, list, rotate, rotate again (refused), revoke, status: the same service as the doors", async () => {
    const created = await keys("create", "--name", "Phoenix <b>CV</b>", "--env", "dev", "--scopes", "service,energy:write", "--days", "30")
    expect(created.code).toBe(0)
    const { info, key } = json(created.stdout)
    expect(parseApiKey(key)).toMatchObject({ env: "dev" })
    expect(info).toMatchObject({ name: "Phoenix CV", scopes: ["service", "energy:write"], status: "active" })

    const listed = json((await keys("list")).stdout)
    expect(listed.map((k: { id: string }) => k.id)).toContain(info.id)
    expect(JSON.stringify(listed)).not.toContain(key)

    const rotated = await keys("rotate", info.id, "--overlap-seconds", "60")
    expect(rotated.code).toBe(0)
    expect(json(rotated.stdout)).toMatchObject({ previous: { id: info.id, status: "rotating" }, current: { info: { rotatedFrom: info.id } } })

    const again = await keys("rotate", info.id)
    expect(again.code).toBe(1)
    expect(again.stderr.join("\n")).toContain("only an active key can be rotated")

    const revoked = await keys("revoke", info.id)
    expect(json(revoked.stdout)).toMatchObject({ id: info.id, status: "revoked" })
    const status = json((await keys("status")).stdout)
    expect(status.keys.find((k: { id: string }) => k.id === info.id)).toMatchObject({ status: "revoked", secondsToExpiry: 0 })
  }, 60_000)

  it("bad input exits 2 naming the field; an unknown key exits 1", async () => {
    const bad = await keys("create", "--name", "x", "--env", "qa", "--scopes", "service")
    expect(bad.code).toBe(2)
    expect(bad.stderr.join("\n")).toContain("env:")
    expect((await keys("revoke", "not-a-uuid")).code).toBe(2)
    expect((await keys("frobnicate")).code).toBe(2)
    const unknown = await keys("revoke", "00000000-0000-4000-8000-000000000000")
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.join("\n")).toContain("does not exist")
  }, 60_000)

  it("token signs an end-user token with JWT_SECRET, and refuses without it", async () => {
    const secret = "cli-test-secret-0123456789abcdef0123"
    const signed = await runCommand("keys.ts", ["token", "u-123", "--ttl-seconds", "600"], { JWT_SECRET: secret })
    expect(signed.code).toBe(0)
    const verify = makeTokenVerifier({ secret: Option.some(Redacted.make(secret)), issuer: "phoenix", audience: "luna-hub" })
    expect(await Effect.runPromise(verify(signed.stdout[0]!, Date.now()))).toBe("u-123")
    const refused = await runCommand("keys.ts", ["token", "u-123"], {})
    expect(refused.code).toBe(2)
    expect(refused.stderr.join("\n")).toContain("JWT_SECRET is not set")
  }, 60_000)
})
