/**
 * What happens "on access" as time passes, on the TestClock: a free plan's regeneration and a
 * reservation's expiry. Reads show them at once; the next write records them as transactions.
 * Each test builds the ledger (and a one-runner cluster of its own) under the TestClock, over a
 * database shared by the suite; the cluster itself keeps real time.
 */
import { describe, expect, layer } from "@effect/vitest"
import { DateTime, Effect, Exit, Layer, TestClock, TestContext } from "effect"
import { ClusterSingleProcess } from "../../../src/services/cluster/live.js"
import { Energy } from "../../../src/services/energy/Energy.js"
import { makeEnergyLayer } from "../../../src/services/energy/live.js"
import { ConsentLive } from "../../../src/services/gdpr/consent/live.js"
import { type BackendName, backendsUnderTest } from "../../support/backends.js"
import { cacheLayer } from "../../support/cache.js"
import { rateLimitsLayer } from "../../support/rate-limit.js"
import { ADMIN_ACTOR, allTransactions, expectLedgerConsistent, key, openAccount, userIds, withDataKeys } from "../../support/energy.js"
import { eventStoreLayer } from "../../support/events.js"

const backends = await backendsUnderTest()

const HOUR = 3_600_000

/**
 * Runs `self` with the ledger built under the TestClock (which starts at 0); its sweeper looks every
 * 100 ms. The rate limits are built outside, on real time: the memory store's periodic sweep would
 * otherwise run once per simulated second of every hour the tests jump.
 */
const onTestClock = (backend: BackendName) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  self.pipe(
    Effect.provide(
      makeEnergyLayer({ expirySweepInterval: "100 millis" }).pipe(Layer.provideMerge(Layer.mergeAll(ClusterSingleProcess, cacheLayer(backend), ConsentLive)), Layer.provideMerge(withDataKeys))
    ),
    Effect.provide(TestContext.TestContext),
    Effect.provide(rateLimitsLayer(backend))
  )

/** Waits in real time (the test's own clock is simulated). */
const realPause = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

const failureOf = <A, E>(exit: Exit.Exit<A, E>): Record<string, unknown> =>
  Exit.isFailure(exit) ? ((exit.cause as { error?: Record<string, unknown> }).error ?? {}) : {}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`energy over time (${backend.name})`, () => {
    layer(eventStoreLayer(backend.name), { excludeTestServices: true, timeout: 60_000 })((it) => {
      const user = userIds()

      it.effect("the free plan regains 5 per hour up to its cap; reads show it, the next write records it", () =>
        onTestClock(backend.name)(Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          yield* energy.consume(u, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR)
          expect(yield* energy.balance(u)).toMatchObject({ balance: 70, nextRegenerationAt: DateTime.unsafeMake(HOUR) })

          yield* TestClock.adjust("59 minutes")
          expect((yield* energy.balance(u)).balance).toBe(70)
          yield* TestClock.adjust("1 minute")
          expect(yield* energy.balance(u)).toMatchObject({ balance: 75, nextRegenerationAt: DateTime.unsafeMake(2 * HOUR) })
          yield* TestClock.adjust("210 minutes")
          expect(yield* energy.check(u, { amount: 90 })).toMatchObject({ allowed: true, available: 90 })

          // The write records the 20 regained before its own charge, from where the hour left off.
          const charged = yield* energy.consume(u, { action: "coach_message", idempotencyKey: key() }, ADMIN_ACTOR)
          expect(charged.balance.balance).toBe(85)
          const { transactions } = yield* expectLedgerConsistent(u)
          expect(transactions.slice(-2).map((t) => [t.kind, t.amount, t.balanceAfter])).toEqual([["regeneration", 20, 90], ["consume", 5, 85]])
          expect((yield* energy.balance(u)).nextRegenerationAt).toEqual(DateTime.unsafeMake(5 * HOUR))

          // Never beyond the cap, and nothing accrues while at it.
          yield* TestClock.adjust("10 hours")
          expect(yield* energy.balance(u)).toMatchObject({ balance: 100, nextRegenerationAt: null })
          yield* energy.consume(u, { action: "coach_message", idempotencyKey: key() }, ADMIN_ACTOR)
          yield* TestClock.adjust("59 minutes")
          expect((yield* energy.balance(u)).balance).toBe(95)
          yield* expectLedgerConsistent(u)
        })))

      it.effect("pack and unlimited plans never regenerate", () =>
        onTestClock(backend.name)(Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u, "pack")
          yield* energy.purchase(u, { amount: 10, paymentReference: key() }, ADMIN_ACTOR)
          yield* energy.consume(u, { action: "coach_message", idempotencyKey: key() }, ADMIN_ACTOR)
          yield* TestClock.adjust("48 hours")
          expect(yield* energy.balance(u)).toMatchObject({ balance: 5, nextRegenerationAt: null })
        })))

      it.effect("a reservation left unresolved lapses at its expiry: its energy is available again, and it cannot be committed", () =>
        onTestClock(backend.name)(Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const held = yield* energy.reserve(u, { action: "cv_generation", ttlSeconds: 60, idempotencyKey: key() }, ADMIN_ACTOR)
          const reservationId = held.transaction.transactionId
          yield* TestClock.adjust("59 seconds")
          expect(yield* energy.balance(u)).toMatchObject({ balance: 100, reserved: 25, available: 75 })
          yield* TestClock.adjust("1 second")
          expect(yield* energy.balance(u)).toMatchObject({ balance: 100, reserved: 0, available: 100 })

          const late = yield* Effect.exit(energy.commit(u, { reservationId, idempotencyKey: key() }, ADMIN_ACTOR))
          expect(failureOf(late)).toMatchObject({ _tag: "ReservationExpired", expiredAt: DateTime.unsafeMake(60_000) })

          // The next write records the release (once), then its own row.
          yield* energy.consume(u, { action: "coach_message", idempotencyKey: key() }, ADMIN_ACTOR)
          const { transactions } = yield* expectLedgerConsistent(u)
          expect(transactions.slice(-2).map((t) => [t.kind, t.amount, t.reservedDelta, t.referenceId])).toEqual([
            ["release", 25, -25, reservationId],
            ["consume", 5, 0, null]
          ])
          expect(failureOf(yield* Effect.exit(energy.release(u, { reservationId, idempotencyKey: key() }, ADMIN_ACTOR)))).toMatchObject({ _tag: "ReservationExpired" })
          expect(failureOf(yield* Effect.exit(energy.commit(u, { reservationId, idempotencyKey: key() }, ADMIN_ACTOR)))).toMatchObject({ _tag: "ReservationExpired" })
        })))

      it.effect("a lapsed reservation is recorded as released by itself, without another request", () =>
        onTestClock(backend.name)(Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const held = yield* energy.reserve(u, { amount: 40, ttlSeconds: 60, idempotencyKey: key() }, ADMIN_ACTOR)
          yield* realPause(300)
          expect((yield* allTransactions(u)).at(-1)?.kind).toBe("reservation")
          yield* TestClock.adjust("61 seconds")
          let transactions = yield* allTransactions(u)
          for (let i = 0; i < 100 && transactions.at(-1)?.kind !== "release"; i++) {
            yield* realPause(50)
            transactions = yield* allTransactions(u)
          }
          expect(transactions.at(-1)).toMatchObject({ kind: "release", amount: 40, reservedDelta: -40, referenceId: held.transaction.transactionId, reservedAfter: 0, metadata: { reason: "expired" } })
          yield* expectLedgerConsistent(u)
        })))

      it.effect("a reservation committed before its expiry stays committed", () =>
        onTestClock(backend.name)(Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const held = yield* energy.reserve(u, { amount: 30, ttlSeconds: 60, idempotencyKey: key() }, ADMIN_ACTOR)
          yield* TestClock.adjust("30 seconds")
          const committed = yield* energy.commit(u, { reservationId: held.transaction.transactionId, amount: 12, idempotencyKey: key() }, ADMIN_ACTOR)
          expect(committed.balance).toEqual({ balance: 88, reserved: 0, available: 88 })
          yield* TestClock.adjust("1 hour")
          yield* energy.consume(u, { action: "coach_message", idempotencyKey: key() }, ADMIN_ACTOR)
          const { transactions } = yield* expectLedgerConsistent(u)
          expect(transactions.filter((t) => t.kind === "release")).toEqual([])
        })))
    })
  })
}
