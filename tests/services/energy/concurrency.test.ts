/**
 * The ledger under concurrency: one account hammered by many callers, one idempotency key sent
 * many times at once, and the same over two Hub runtimes sharing one Postgres — as two runners of
 * one cluster, and as two runtimes that each believe they own the account (what a fault can cause:
 * then only the database's constraints stand between the account and a double charge).
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { type Context, Effect, Exit, Layer, Schedule } from "effect"
import { ClusterLive, ClusterSingleProcess } from "../../../src/services/cluster/live.js"
import { Energy } from "../../../src/services/energy/Energy.js"
import { EnergyLive } from "../../../src/services/energy/live.js"
import type { WriteResult } from "../../../src/services/energy/schema.js"
import { EventStore } from "../../../src/services/events/EventStore.js"
import { ConsentLive } from "../../../src/services/gdpr/consent/live.js"
import type { UserId } from "../../../src/services/guardian/schema.js"
import { backendsUnderTest, runToken } from "../../support/backends.js"
import { cacheLayer } from "../../support/cache.js"
import { rateLimitsLayer } from "../../support/rate-limit.js"
import { testDatabaseUrl } from "../../support/database.js"
import { ADMIN_ACTOR, allTransactions, energyLayer, expectLedgerConsistent, foldedLedger, key, openAccount, runnerPortEnv, userIds, withDataKeys } from "../../support/energy.js"
import { eventStoreLayer, type TestEventStoreServices } from "../../support/events.js"

const backends = await backendsUnderTest()
const real = backends.find((b) => b.name === "real")!

const UNIT = "unit_charge"

/** An account holding exactly `balance`, and a 1-energy action to spend it with. */
const fundedAccount = (userId: UserId, balance: number) =>
  Effect.gen(function* () {
    const energy = yield* Energy
    yield* energy.setActionCost(UNIT, 1, "a test charge of 1")
    yield* openAccount(userId, "pack")
    yield* energy.purchase(userId, { amount: balance, paymentReference: `seed-${userId}` }, ADMIN_ACTOR)
  })

const consumeOnce = (userId: UserId, idempotencyKey: string) =>
  Effect.flatMap(Energy, (energy) => energy.consume(userId, { action: UNIT, idempotencyKey }, ADMIN_ACTOR))

type Ledger = Context.Context<Energy | TestEventStoreServices>

/**
 * What a client does with a 503: sends the same request (same key) again. A single owner never
 * answers 503 here; two runtimes that both own an account may, when one keeps losing the race.
 */
const retriedWhileUnavailable = <A, E extends { readonly _tag: string }, R>(self: Effect.Effect<A, E, R>) =>
  Effect.retry(self, { while: (error) => error._tag === "ServiceUnavailable", schedule: Schedule.spaced("20 millis"), times: 500 })

/** Runs `self` against one of several runtimes, round-robin by index. */
const on = (runtimes: ReadonlyArray<Ledger>, i: number) => <A, E>(self: Effect.Effect<A, E, Energy | EventStore>) =>
  Effect.provide(self, runtimes[i % runtimes.length]!)

/** 200 callers spend 1 each from 100 (spread over `runtimes`): exactly 100 succeed, the rest are refused. */
const hammer = (runtimes: ReadonlyArray<Ledger>, userId: UserId) =>
  Effect.gen(function* () {
    const exits = yield* Effect.forEach(
      Array.from({ length: 200 }, (_, i) => i),
      (i) => Effect.exit(on(runtimes, i)(retriedWhileUnavailable(consumeOnce(userId, `hammer-${i}`)))),
      { concurrency: "unbounded" }
    )
    const succeeded = exits.filter(Exit.isSuccess)
    // Counted by outcome, so a failure shows what else happened.
    const outcomes: Record<string, number> = {}
    for (const exit of exits) {
      const outcome = Exit.isSuccess(exit) ? "ok" : ((exit.cause as { error?: { message?: string } }).error?.message ?? String(exit.cause))
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
    }
    expect(outcomes).toEqual({ ok: 100, "Insufficient energy: 1 required, 0 available": 100 })
    const after = succeeded.map((exit) => (exit as Exit.Success<WriteResult, never>).value.balance.balance).sort((a, b) => a - b)
    expect(after).toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

/** 50 callers send one request with one key at once: charged once, every caller gets the same answer. */
const sameKey = (runtimes: ReadonlyArray<Ledger>, userId: UserId) =>
  Effect.gen(function* () {
    const k = key()
    const answers = yield* Effect.forEach(
      Array.from({ length: 50 }, (_, i) => i),
      (i) => on(runtimes, i)(retriedWhileUnavailable(consumeOnce(userId, k))),
      { concurrency: "unbounded" }
    )
    const ids = new Set(answers.map((a) => a.transaction.transactionId))
    expect(ids.size).toBe(1)
    expect(answers.filter((a) => !a.replayed).length).toBe(1)
    const original = answers.find((a) => !a.replayed)!
    for (const answer of answers) expect(answer).toEqual({ ...original, replayed: answer.replayed })
    const page = yield* on(runtimes, 0)(Effect.flatMap(Energy, (energy) => energy.transactions(userId, { kind: "consume", limit: 100 })))
    expect(page.transactions.filter((t) => t.idempotencyKey === k).length).toBe(1)
  })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`energy under concurrency (${backend.name})`, () => {
    layer(energyLayer(backend.name), { excludeTestServices: true, timeout: 60_000 })((it) => {
      const user = userIds()

      it.effect("200 concurrent charges of 1 on a balance of 100: exactly 100 succeed", () =>
        Effect.gen(function* () {
          const u = user()
          yield* fundedAccount(u, 100)
          const ledger = yield* Effect.context<Energy | TestEventStoreServices>()
          yield* hammer([ledger], u)
          const { balance } = yield* expectLedgerConsistent(u)
          expect(balance.balance).toBe(0)
        }), 60_000)

      it.effect("50 concurrent requests with one idempotency key: charged once, all get the same answer", () =>
        Effect.gen(function* () {
          const u = user()
          yield* fundedAccount(u, 100)
          const ledger = yield* Effect.context<Energy | TestEventStoreServices>()
          yield* sameKey([ledger], u)
          const { balance } = yield* expectLedgerConsistent(u)
          expect(balance.balance).toBe(99)
        }), 60_000)
    })
  })
}

/** The balance the stored ledger holds: its events fold to its transactions, whose last balance it is. */
const storedBalance = (userId: UserId) =>
  Effect.gen(function* () {
    const folded = yield* foldedLedger(userId)
    const transactions = yield* allTransactions(userId)
    expect(folded.transactions).toEqual(transactions)
    expect(folded.balance).toBe(transactions.at(-1)!.balanceAfter)
    return folded.balance
  })

/** Two Hub runtimes on one fresh Postgres database, each with its own pool, event store and cluster layer. */
const twoRuntimes = (cluster: "runners" | "each owns every account") =>
  Effect.gen(function* () {
    const databaseUrl = yield* testDatabaseUrl
    const cachePrefix = `luna_t_${runToken()}:`
    const runtime = () =>
      Effect.flatMap(runnerPortEnv, (env) =>
        Layer.build(
          EnergyLive.pipe(
            // Both runtimes share one Redis prefix: a write on one drops the other's cached reads.
            Layer.provideMerge(Layer.mergeAll(cluster === "runners" ? ClusterLive : ClusterSingleProcess, cacheLayer("real", { prefix: cachePrefix }), rateLimitsLayer("real"), ConsentLive)),
            Layer.provideMerge(withDataKeys),
            Layer.provideMerge(eventStoreLayer("real", { databaseUrl, env }))
          )
        ))
    const first = yield* runtime()
    const second = yield* runtime()
    return [first, second] as const
  })

describe.skipIf(real.skip)("energy over two runtimes sharing one Postgres", () => {
  const user = userIds()
  for (const cluster of ["runners", "each owns every account"] as const) {
    it.live(`200 concurrent charges over both (${cluster}): exactly 100 succeed; one key sent 50 times is charged once`, () =>
      Effect.scoped(
        Effect.gen(function* () {
          const runtimes = yield* twoRuntimes(cluster)
          const u = user()
          yield* on(runtimes, 0)(fundedAccount(u, 100))
          yield* hammer(runtimes, u)
          const v = user()
          yield* on(runtimes, 1)(fundedAccount(v, 100))
          yield* sameKey(runtimes, v)
          if (cluster === "runners") {
            for (const runtime of runtimes) {
              const { balance: drained } = yield* Effect.provide(expectLedgerConsistent(u), runtime)
              expect(drained.balance).toBe(0)
              const { balance: once } = yield* Effect.provide(expectLedgerConsistent(v), runtime)
              expect(once.balance).toBe(99)
            }
          } else {
            // Each runtime's actor may hold a stale balance (the other wrote last): the stored
            // ledger is what must be right.
            expect(yield* on(runtimes, 0)(storedBalance(u))).toBe(0)
            expect(yield* on(runtimes, 1)(storedBalance(v))).toBe(99)
          }
        })
      ), 120_000)
  }

  it.live("a write through one runtime drops the other's cached reads (one Redis between them)", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const runtimes = yield* twoRuntimes("runners")
        const u = user()
        yield* on(runtimes, 0)(fundedAccount(u, 100))
        const newest = on(runtimes, 1)(Effect.map(Effect.flatMap(Energy, (energy) => energy.transactions(u, {})), (page) => page.transactions[0]!.transactionId))
        const cachedNewest = yield* newest
        expect(yield* newest).toBe(cachedNewest) // now in runtime 1's memory
        for (const writer of [0, 1] as const) {
          const charge = yield* on(runtimes, writer)(Effect.flatMap(Energy, (energy) =>
            energy.consume(u, { action: "coach_message", idempotencyKey: key() }, ADMIN_ACTOR)))
          // The bus carries the drop to the other runtime's memory within milliseconds.
          yield* newest.pipe(
            Effect.filterOrFail((id) => id === charge.transaction.transactionId, () => "stale"),
            Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.upTo("2 seconds")))
          )
        }
      })
    ), 120_000)
})
