/**
 * Per-user data keys: sealing and opening, crypto-shredding (a destroyed key reads as ERASED, on
 * this instance at once), tampering and a wrong master key refused, and the embedded master key
 * kept beside the data.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, Exit, Layer, Option, Redacted } from "effect"
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HubConfig, loadSettings } from "../../../src/config.js"
import { ERASED, isSealed, SEALED, type Sealed } from "../../../src/services/gdpr/data-keys/crypto.js"
import { DataKeys } from "../../../src/services/gdpr/data-keys/DataKeys.js"
import { DataKeysLive } from "../../../src/services/gdpr/data-keys/live.js"
import { MASTER_KEY_FILE, resolveMasterKey } from "../../../src/services/gdpr/data-keys/master-key.js"
import { awaitMigrated } from "../../../src/services/database/live.js"
import { backendsUnderTest, runToken } from "../../support/backends.js"
import { databaseLayer } from "../../support/database.js"

const backends = await backendsUnderTest()

const OTHER_MASTER_KEY = "f".repeat(64)

/** A second `DataKeys` on the same database, as another instance (or another master key) sees it. */
const anotherInstance = (masterKey?: string) =>
  Effect.flatMap(HubConfig, (settings) =>
    DataKeys.pipe(Effect.provide(DataKeysLive.pipe(Layer.provide(Layer.succeed(HubConfig, {
      ...settings,
      gdpr: { ...settings.gdpr, masterKey: masterKey === undefined ? settings.gdpr.masterKey : Option.some(Redacted.make(masterKey)) }
    }))))))

/** The sealed value with one character of its ciphertext changed (mid-text: every bit of it counts, unlike the last one's). */
const tampered = (sealed: Sealed): Sealed => {
  const text = sealed[SEALED]
  const at = text.length - 8
  return { [SEALED]: `${text.slice(0, at)}${text[at] === "A" ? "B" : "A"}${text.slice(at + 1)}` }
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`DataKeys (${backend.name})`, () => {
    layer(DataKeysLive.pipe(Layer.provideMerge(databaseLayer(backend.name))), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("sealed values open again, here and on another instance; plain values pass through as they are", () =>
        Effect.gen(function* () {
          yield* awaitMigrated
          const keys = yield* DataKeys
          const user = `dk-${runToken()}`
          const secret = { note: "une lettre pour Marie", n: 3 }
          const sealed = yield* keys.seal(user, secret)
          expect(isSealed(sealed)).toBe(true)
          expect(JSON.stringify(sealed)).not.toContain("Marie")
          expect(yield* keys.open(sealed)).toEqual(secret)
          expect(yield* keys.open({ metadata: sealed, amount: 5 })).toEqual({ metadata: secret, amount: 5 })
          const plain = { metadata: { a: 1 } }
          expect(yield* keys.open(plain)).toBe(plain)
          const other = yield* anotherInstance()
          expect(yield* other.open(sealed)).toEqual(secret)
          // One key per user: a second value is sealed with the same key id.
          const again = yield* keys.seal(user, "x")
          expect(again[SEALED].split(".")[1]).toBe(sealed[SEALED].split(".")[1])
          expect(Option.map(yield* keys.describe(user), (info) => info.algorithm)).toEqual(Option.some("AES-256-GCM"))
        }))

      it.effect("once the key row is deleted and forgotten, the user's sealed values read as ERASED; others' still open", () =>
        Effect.gen(function* () {
          const keys = yield* DataKeys
          const sql = yield* PgClient.PgClient
          const gone = `dk-gone-${runToken()}`
          const kept = `dk-kept-${runToken()}`
          const sealed = yield* keys.seal(gone, "erase me")
          const other = yield* keys.seal(kept, "keep me")
          yield* sql`DELETE FROM gdpr_data_keys WHERE user_id = ${gone}`
          yield* keys.forget(gone)
          expect(yield* keys.open(sealed)).toEqual(ERASED)
          expect(yield* keys.open(other)).toBe("keep me")
          expect(yield* keys.describe(gone)).toEqual(Option.none())
          // A fresh instance (nothing remembered) agrees.
          expect(yield* (yield* anotherInstance()).open(sealed)).toEqual(ERASED)
        }))

      it.effect("a tampered value or another master key is refused (503), never read as something else", () =>
        Effect.gen(function* () {
          const keys = yield* DataKeys
          const sealed = yield* keys.seal(`dk-t-${runToken()}`, { a: 1 })
          const refusedTamper = yield* Effect.flip(keys.open(tampered(sealed)))
          expect(refusedTamper._tag).toBe("ServiceUnavailable")
          const wrongMaster = yield* anotherInstance(OTHER_MASTER_KEY)
          const refused = yield* Effect.flip(wrongMaster.open(sealed))
          expect(refused.reason).toContain("GDPR_MASTER_KEY")
        }))
    })
  })
}

describe("the embedded master key", () => {
  it.effect("without GDPR_MASTER_KEY it is drawn once into DATA_DIR (owner-only) and read back; a damaged file stops the start", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "luna-master-")))
      const settings = yield* loadSettings({ DATA_DIR: dir })
      const first = yield* resolveMasterKey(settings)
      const second = yield* resolveMasterKey(settings)
      expect(first.equals(second)).toBe(true)
      const path = join(dir, MASTER_KEY_FILE)
      expect((yield* Effect.promise(() => stat(path))).mode & 0o777).toBe(0o600)
      expect(yield* Effect.promise(() => readFile(path, "utf8"))).toBe(first.toString("hex"))
      yield* Effect.promise(() => writeFile(path, "garbage"))
      const damaged = yield* Effect.exit(resolveMasterKey(settings))
      expect(Exit.isFailure(damaged)).toBe(true)
      yield* Effect.promise(() => rm(dir, { recursive: true, force: true }))
      // In memory: a key per process, nothing written.
      const inMemory = yield* loadSettings({ DATA_DIR: "memory://" })
      expect((yield* resolveMasterKey(inMemory)).length).toBe(32)
    }))
})
