/**
 * Properties of the ledger over random command sequences run with random concurrency (fast-check):
 * the balance is never negative, it is the sum of the accepted transactions, the user's events
 * fold back to exactly the stored account and transactions, and every idempotent replay answers
 * what the original request got.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Exit, Runtime } from "effect"
import fc from "fast-check"
import { Energy } from "../../../src/services/energy/Energy.js"
import type { WriteResult } from "../../../src/services/energy/schema.js"
import type { UserId } from "../../../src/services/guardian/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { ADMIN_ACTOR, energyLayer, expectLedgerConsistent, openAccount, userIds } from "../../support/energy.js"
import type { TestEventStoreServices } from "../../support/events.js"

const backends = await backendsUnderTest()

type Op =
  | { readonly op: "consume"; readonly action: string }
  | { readonly op: "purchase"; readonly amount: number }
  | { readonly op: "credit"; readonly amount: number }
  | { readonly op: "refund"; readonly target: number; readonly amount: number | undefined }
  | { readonly op: "reserve"; readonly amount: number }
  | { readonly op: "commit"; readonly target: number; readonly amount: number | undefined }
  | { readonly op: "release"; readonly target: number }
  | { readonly op: "replay"; readonly target: number }

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("consume" as const), action: fc.constantFrom("coach_message", "narrative_analysis", "cv_analysis", "cv_generation", "career_transition_plan") }) },
  fc.record({ op: fc.constant("purchase" as const), amount: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ op: fc.constant("credit" as const), amount: fc.integer({ min: 1, max: 30 }) }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant("refund" as const), target: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("reserve" as const), amount: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("commit" as const), target: fc.nat(), amount: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }) }) },
  fc.record({ op: fc.constant("release" as const), target: fc.nat() }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant("replay" as const), target: fc.nat() }) }
)

/** Ops, and how they are cut into rounds whose ops run at the same time. */
const scenario = fc.record({
  ops: fc.array(opArbitrary, { minLength: 1, maxLength: 24 }),
  roundSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 24, maxLength: 24 })
})

type Request = (energy: Energy["Type"]) => Effect.Effect<WriteResult, { readonly _tag: string }>

const pick = <A>(items: ReadonlyArray<A>, index: number): A | undefined => (items.length === 0 ? undefined : items[index % items.length])

const runScenario = (userId: UserId, ops: ReadonlyArray<Op>, roundSizes: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const energy = yield* Energy
    /** Every request sent, by key: replays send one again. */
    const sent: Array<{ readonly key: string; readonly request: Request }> = []
    /** The first answer each key got, and every answer it got. */
    const answers = new Map<string, Array<WriteResult>>()
    const charges: Array<string> = []
    const reservations: Array<string> = []
    let next = 0
    let round = 0
    while (next < ops.length) {
      const size = roundSizes[round++ % roundSizes.length]!
      const batch = ops.slice(next, next + size).map((op, i): { key: string; request: Request } | undefined => {
        const key = `p-${next + i}`
        switch (op.op) {
          case "consume":
            return { key, request: (e) => e.consume(userId, { action: op.action, idempotencyKey: key }, ADMIN_ACTOR) }
          case "purchase":
            return { key, request: (e) => e.purchase(userId, { amount: op.amount, paymentReference: key }, ADMIN_ACTOR) }
          case "credit":
            return { key, request: (e) => e.credit(userId, { amount: op.amount, idempotencyKey: key, reason: "property" }, ADMIN_ACTOR) }
          case "refund": {
            const target = pick(charges, op.target)
            return target === undefined ? undefined : { key, request: (e) => e.refund(userId, { transactionId: target, amount: op.amount, idempotencyKey: key }, ADMIN_ACTOR) }
          }
          case "reserve":
            return { key, request: (e) => e.reserve(userId, { amount: op.amount, idempotencyKey: key }, ADMIN_ACTOR) }
          case "commit": {
            const target = pick(reservations, op.target)
            return target === undefined ? undefined : { key, request: (e) => e.commit(userId, { reservationId: target, amount: op.amount, idempotencyKey: key }, ADMIN_ACTOR) }
          }
          case "release": {
            const target = pick(reservations, op.target)
            return target === undefined ? undefined : { key, request: (e) => e.release(userId, { reservationId: target, idempotencyKey: key }, ADMIN_ACTOR) }
          }
          case "replay":
            return pick(sent, op.target)
        }
      }).filter((entry): entry is { key: string; request: Request } => entry !== undefined)
      next += size
      const exits = yield* Effect.forEach(batch, (entry) => Effect.exit(entry.request(energy)), { concurrency: "unbounded" })
      exits.forEach((exit, i) => {
        const entry = batch[i]!
        if (!sent.some((s) => s.key === entry.key)) sent.push(entry)
        if (Exit.isFailure(exit)) {
          // A refusal is a business answer; anything else is a bug.
          const tag = (exit.cause as { error?: { _tag?: string } }).error?._tag
          expect(["InsufficientEnergy", "NotRefundable", "ReservationResolved", "ReservationExpired", "CommitExceedsReservation"]).toContain(tag)
          return
        }
        const answer = exit.value
        answers.set(entry.key, [...(answers.get(entry.key) ?? []), answer])
        if (answer.transaction.kind === "consume" || answer.transaction.kind === "commit") charges.push(answer.transaction.transactionId)
        if (answer.transaction.kind === "reservation") reservations.push(answer.transaction.transactionId)
      })
    }
    return answers
  })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`energy ledger properties (${backend.name})`, () => {
    layer(energyLayer(backend.name), { excludeTestServices: true, timeout: 60_000 })((it) => {
      const user = userIds()

      it.effect("under random command sequences and interleavings the ledger adds up and replays answer the original", () =>
        Effect.gen(function* () {
          const runtime = yield* Effect.runtime<Energy | TestEventStoreServices>()
          const property = fc.asyncProperty(scenario, ({ ops, roundSizes }) =>
            Runtime.runPromise(runtime)(Effect.gen(function* () {
              const u = user("prop")
              yield* openAccount(u, "pack")
              yield* Effect.flatMap(Energy, (energy) => energy.purchase(u, { amount: 100, paymentReference: "opening" }, ADMIN_ACTOR))
              const answers = yield* runScenario(u, ops, roundSizes)
              const { balance, transactions } = yield* expectLedgerConsistent(u)

              // Never negative, never more held than held; the balance is the sum of what was accepted.
              for (const t of transactions) {
                expect(t.balanceAfter).toBeGreaterThanOrEqual(0)
                expect(t.reservedAfter).toBeGreaterThanOrEqual(0)
                expect(t.reservedAfter).toBeLessThanOrEqual(t.balanceAfter)
              }
              expect(transactions.reduce((sum, t) => sum + t.balanceDelta, 0)).toBe(balance.balance)
              expect(transactions.reduce((sum, t) => sum + t.reservedDelta, 0)).toBe(balance.reserved)

              // Each key was written once; every answer it got is that one row.
              const byKey = new Map(transactions.map((t) => [t.idempotencyKey, t]))
              expect(byKey.size).toBe(transactions.length)
              for (const [key, got] of answers) {
                const stored = byKey.get(key)
                expect(stored, `key ${key} was answered but not stored`).toBeDefined()
                for (const answer of got) expect(answer.transaction).toEqual(stored)
                expect(got.filter((a) => !a.replayed).length).toBeLessThanOrEqual(1)
              }
            }))
          )
          yield* Effect.promise(() => fc.assert(property, { numRuns: 25 }))
        }), 120_000)
    })
  })
}
