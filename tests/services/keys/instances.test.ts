/**
 * Keys across Hub instances sharing one Postgres (real only: an embedded data dir belongs to one
 * process): a scheduled rotation runs once whichever instances poll, and a revocation reaches an
 * instance that cached the key within API_KEY_CACHE_SECONDS. Plus the first-start bootstrap key, on
 * both backends.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Either, Layer } from "effect"
import { ApiKeys } from "../../../src/services/keys/ApiKeys.js"
import { generateApiKey } from "../../../src/services/keys/format.js"
import { Unauthorized } from "../../../src/services/auth/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { eventually, testDatabaseUrl } from "../../support/database.js"
import { keysLayer } from "../../support/keys.js"

const backends = await backendsUnderTest()
const real = backends.find((b) => b.name === "real")!

const serviceKey = { name: "Phoenix CV", env: "dev", scopes: ["service"] } as const

const instance = (url: string, env: Record<string, string> = {}) =>
  Effect.map(
    Layer.build(keysLayer("real", { database: { databaseUrl: url, env }, keys: { rotationCheckInterval: "50 millis" } })),
    (context) => ({ keys: Context.get(context, ApiKeys), sql: Context.get(context, SqlClient.SqlClient) })
  )

describe.skipIf(real.skip)("ApiKeys across instances (real Postgres)", () => {
  it.live("a due scheduled rotation runs exactly once while three instances poll every 50 ms", () =>
    Effect.scoped(Effect.gen(function* () {
      const url = yield* testDatabaseUrl
      const [a, b, c] = yield* Effect.all([instance(url), instance(url), instance(url)])
      const created = yield* a!.keys.create(serviceKey, "test")
      yield* b!.keys.scheduleRotation({ keyId: created.info.id, at: created.info.createdAt, overlapSeconds: 60 }, "test")
      yield* eventually(c!.keys.get(created.info.id), (info) => info.status === "rotating")
      yield* Effect.sleep("500 millis") // ten more polls by each instance
      const successors = (yield* a!.keys.list).filter((k) => k.rotatedFrom === created.info.id)
      expect(successors).toHaveLength(1)
      const rotations = (yield* a!.keys.audit(created.info.id)).filter((e) => e.type === "ApiKeyRotated")
      expect(rotations).toHaveLength(1)
      // A one-off schedule is gone once run.
      expect((yield* b!.keys.status).keys.find((k) => k.id === created.info.id)?.schedule).toBeNull()
    })), 60_000)

  it.live("a revocation on one instance reaches another that cached the key within API_KEY_CACHE_SECONDS", () =>
    Effect.scoped(Effect.gen(function* () {
      const url = yield* testDatabaseUrl
      const a = yield* instance(url, { API_KEY_CACHE_SECONDS: "1" })
      const b = yield* instance(url, { API_KEY_CACHE_SECONDS: "1" })
      const created = yield* a.keys.create(serviceKey, "test")
      yield* b.keys.verify(created.key) // cached on b
      yield* a.keys.revoke(created.info.id, "test")
      const refusedAfter = yield* eventually(
        Effect.either(b.keys.verify(created.key)).pipe(Effect.timed),
        ([, result]) => Either.isLeft(result),
        "5 seconds"
      )
      const [, result] = refusedAfter
      expect(Either.isLeft(result) && result.left instanceof Unauthorized && result.left.reason).toBe("revoked")
    })), 30_000)
})

for (const backend of backends) {
  describe.skipIf(backend.skip)(`bootstrap admin key (${backend.name})`, () => {
    it.live("with HUB_BOOTSTRAP_ADMIN_KEY on an empty table, that key becomes the admin key, once", () =>
      Effect.scoped(Effect.gen(function* () {
        const given = generateApiKey("staging")
        const context = yield* Layer.build(keysLayer(backend.name, { database: { env: { HUB_BOOTSTRAP_ADMIN_KEY: given } }, keys: { bootstrap: true } }))
        const keys = Context.get(context, ApiKeys)
        const principal = yield* eventually(Effect.either(keys.verify(given)), Either.isRight, "10 seconds")
        expect(Either.getOrThrow(principal)).toMatchObject({ kind: "key", env: "staging", scopes: ["admin"] })
        const list = yield* keys.list
        expect(list).toHaveLength(1)
        expect(list[0]).toMatchObject({ name: "bootstrap admin", displayPrefix: given.slice(0, 17) })
      })), 60_000)

    // Production requires HUB_BOOTSTRAP_ADMIN_KEY (see tests/config.test.ts): generating one is embedded-only.
    if (backend.name === "embedded") {
      it.live("without it (embedded), a generated admin key is shown once and works; keys existing, none is made", () =>
        Effect.scoped(Effect.gen(function* () {
          const shown: Array<string> = []
          const context = yield* Layer.build(keysLayer(backend.name, {
            database: { env: { HUB_BOOTSTRAP_ADMIN_KEY: "" } },
            keys: { bootstrap: true, showGeneratedKey: (key) => Effect.sync(() => void shown.push(key)) }
          }))
          const keys = Context.get(context, ApiKeys)
          yield* eventually(Effect.sync(() => shown.length), (n) => n === 1, "10 seconds")
          expect((yield* keys.verify(shown[0]!)).scopes).toEqual(["admin"])
          expect(yield* keys.list).toHaveLength(1)
          yield* Effect.sleep(Duration.millis(200))
          expect(shown).toHaveLength(1)
        })), 60_000)
    }
  })
}
