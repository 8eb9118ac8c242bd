/**
 * The ledger's derived reads go through the cache, and every write that changes them drops them
 * before its caller hears back: a read after a write always shows it, and a read with no write in
 * between is a memory hit. On both backends.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Cache } from "../../../src/services/cache/Cache.js"
import { Energy } from "../../../src/services/energy/Energy.js"
import { backendsUnderTest } from "../../support/backends.js"
import { ADMIN_ACTOR, energyLayer, grantBehavioral, key, openAccount, userIds } from "../../support/energy.js"

const backends = await backendsUnderTest()

const memoryHits = Effect.flatMap(Cache, (cache) => Effect.map(cache.stats, (stats) => stats.byKind))

for (const backend of backends) {
  describe.skipIf(backend.skip)(`energy reads through the cache (${backend.name})`, () => {
    layer(energyLayer(backend.name), { excludeTestServices: true, timeout: 60_000 })((it) => {
      const user = userIds()

      it.effect("a repeated read is a memory hit; a write drops the user's transactions and stats and the leaderboard", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u, "pack")
          yield* energy.purchase(u, { amount: 500, paymentReference: `seed-${u}` }, ADMIN_ACTOR)
          yield* grantBehavioral(u)

          const before = yield* memoryHits
          const page = yield* energy.transactions(u, { limit: 5 })
          const stats = yield* energy.stats(u, "all")
          const board = yield* energy.leaderboard("all", 1000)
          expect(yield* energy.transactions(u, { limit: 5 })).toEqual(page)
          expect(yield* energy.stats(u, "all")).toEqual(stats)
          expect(yield* energy.leaderboard("all", 1000)).toEqual(board)
          const after = yield* memoryHits
          expect(after.transactions.l1Hits - before.transactions.l1Hits).toBe(1)
          expect(after.user_stats.l1Hits - before.user_stats.l1Hits).toBe(1)
          expect(after.leaderboard.l1Hits - before.leaderboard.l1Hits).toBe(1)

          const charge = yield* energy.consume(u, { action: "cv_generation", idempotencyKey: key() }, ADMIN_ACTOR)
          const newPage = yield* energy.transactions(u, { limit: 5 })
          expect(newPage.transactions[0]!.transactionId).toBe(charge.transaction.transactionId)
          expect((yield* energy.stats(u, "all")).consumed).toBe(stats.consumed + 25)
          expect((yield* energy.leaderboard("all", 1000)).entries.find((e) => e.userId === u)?.consumed).toBe(25)
        }))

      it.effect("a write that changes nothing consumed keeps the leaderboard cached but drops the user's reads", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u, "pack")
          yield* energy.leaderboard("week", 7)
          yield* energy.transactions(u, {})
          const before = yield* memoryHits
          yield* energy.credit(u, { amount: 5, idempotencyKey: key(), reason: "welcome" }, ADMIN_ACTOR)
          yield* energy.leaderboard("week", 7)
          const page = yield* energy.transactions(u, {})
          const after = yield* memoryHits
          expect(after.leaderboard.l1Hits - before.leaderboard.l1Hits).toBe(1)
          expect(after.transactions.misses - before.transactions.misses).toBe(1)
          expect(page.transactions[0]!.kind).toBe("credit")
        }))

      it.effect("an invalidation through the cache's own door drops a user's cached reads", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const cache = yield* Cache
          const u = user()
          yield* openAccount(u, "pack")
          yield* energy.transactions(u, {})
          yield* grantBehavioral(u)
          yield* energy.stats(u, "day")
          const outcome = yield* cache.invalidateUser(u)
          expect(outcome.l1EntriesRemoved).toBe(2)
          expect(outcome.propagated).toBe(true)
        }))
    })
  })
}
