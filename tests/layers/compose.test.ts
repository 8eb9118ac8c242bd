import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ListeningAddress } from "../../src/http/server.js"
import { TestHub } from "../../src/layers/test.js"
import { Database } from "../../src/services/database/Database.js"
import { RedisStore } from "../../src/services/redis/RedisStore.js"
import { eventually } from "../support/database.js"

const get = (url: string) => Effect.promise(() => fetch(url).then(async (r) => ({ status: r.status, body: (await r.json()) as any })))

describe("test layer set", () => {
  layer(TestHub().pipe(Layer.orDie), { timeout: 60_000, excludeTestServices: true })((it) => {
    it.effect("serves the whole Hub on in-memory PGlite and the memory store", () =>
      Effect.gen(function* () {
        const db = yield* Database
        const kv = yield* RedisStore
        expect(db.backend).toBe("pglite")
        expect(kv.backend).toBe("memory")
        const { url } = yield* ListeningAddress
        const ready = yield* eventually(get(`${url}/monitoring/ready`), (a) => a.status === 200)
        expect(ready.body).toMatchObject({ ready: true })
        const health = yield* get(`${url}/monitoring/health/v2`)
        expect(health.body.mode).toBe("embedded")
        expect(health.body.dependencies.database.migrated).toBe(true)
      }))
  })
})
