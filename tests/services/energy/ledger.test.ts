/**
 * The ledger's rules through the `Energy` tag, on both backends: accounts, idempotency
 * (TigerBeetle semantics), refunds, reservations, plans, pagination, and the event stream folding
 * back to the stored account.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { Energy } from "../../../src/services/energy/Energy.js"
import type { WriteResult } from "../../../src/services/energy/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { ADMIN_ACTOR, energyLayer, expectLedgerConsistent, grantBehavioral, key, openAccount, userIds } from "../../support/energy.js"

const backends = await backendsUnderTest()

const failureTag = <A, E>(exit: Exit.Exit<A, E>): string | undefined =>
  Exit.isFailure(exit) ? ((exit.cause as { error?: { _tag?: string } }).error?._tag ?? "defect") : undefined

const failureOf = <A, E>(exit: Exit.Exit<A, E>): Record<string, unknown> =>
  Exit.isFailure(exit) ? ((exit.cause as { error?: Record<string, unknown> }).error ?? {}) : {}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`energy ledger (${backend.name})`, () => {
    layer(energyLayer(backend.name), { excludeTestServices: true, timeout: 60_000 })((it) => {
      const user = userIds()

      it.effect("an account opens once, on the free plan with its opening balance", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          const first = yield* openAccount(u)
          expect(first).toMatchObject({ opened: true, account: { plan: "free", balance: 100, available: 100, reserved: 0, cap: 100, nextRegenerationAt: null, version: 2 } })
          const again = yield* energy.open(u, "pack", ADMIN_ACTOR)
          expect(again).toMatchObject({ opened: false, account: { plan: "free", balance: 100 } })
          const pack = yield* openAccount(user(), "pack")
          expect(pack.account).toMatchObject({ plan: "pack", balance: 0, cap: null, version: 1 })
          yield* expectLedgerConsistent(u)
        }))

      it.effect("a user without an account is UserNotFound for reads and writes", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          expect(failureTag(yield* Effect.exit(energy.balance(u)))).toBe("UserNotFound")
          expect(failureTag(yield* Effect.exit(energy.consume(u, { action: "coach_message", idempotencyKey: key() }, ADMIN_ACTOR)))).toBe("UserNotFound")
          expect(failureTag(yield* Effect.exit(energy.transactions(u, {})))).toBe("UserNotFound")
          yield* grantBehavioral(u)
          expect(failureTag(yield* Effect.exit(energy.stats(u, "all")))).toBe("UserNotFound")
        }))

      it.effect("a replay answers the original result and writes nothing; another request with the key is 409", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const k = key()
          const first = yield* energy.consume(u, { action: "cv_generation", idempotencyKey: k, metadata: { order: "o-1" } }, ADMIN_ACTOR)
          expect(first).toMatchObject({ replayed: false, balance: { balance: 75, available: 75, reserved: 0 }, transaction: { kind: "consume", amount: 25, balanceDelta: -25, action: "cv_generation" } })
          // Metadata may differ on a retry (it is not part of the request's identity).
          const replay = yield* energy.consume(u, { action: "cv_generation", idempotencyKey: k, metadata: { order: "o-1", retry: true } }, ADMIN_ACTOR)
          expect(replay).toEqual({ ...first, replayed: true })
          const reused = yield* Effect.exit(energy.consume(u, { action: "coach_message", idempotencyKey: k }, ADMIN_ACTOR))
          expect(failureTag(reused)).toBe("IdempotencyKeyReused")
          expect(failureOf(reused)).toMatchObject({ idempotencyKey: k, transactionId: first.transaction.transactionId })
          expect((yield* energy.balance(u)).balance).toBe(75)
          // Spend the rest: the original request would now be refused, its replay still answers.
          yield* energy.consume(u, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR)
          yield* energy.consume(u, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR)
          expect((yield* energy.balance(u)).available).toBe(15)
          expect(yield* energy.consume(u, { action: "cv_generation", idempotencyKey: k }, ADMIN_ACTOR)).toEqual({ ...first, replayed: true })
          yield* expectLedgerConsistent(u)
        }))

      it.effect("a charge beyond the available energy is refused with what was required and available; unknown actions are 400", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          yield* energy.consume(u, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR)
          yield* energy.consume(u, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR)
          yield* energy.consume(u, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR)
          const refused = yield* Effect.exit(energy.consume(u, { action: "cv_generation", idempotencyKey: key() }, ADMIN_ACTOR))
          expect(failureTag(refused)).toBe("InsufficientEnergy")
          expect(failureOf(refused)).toMatchObject({ required: 25, available: 10 })
          expect(yield* energy.check(u, { action: "cv_generation" })).toEqual({ allowed: false, cost: 25, available: 10, shortfall: 15, plan: "free" })
          expect(yield* energy.check(u, { amount: 10 })).toEqual({ allowed: true, cost: 10, available: 10, shortfall: 0, plan: "free" })
          expect(failureTag(yield* Effect.exit(energy.consume(u, { action: "teleportation", idempotencyKey: key() }, ADMIN_ACTOR)))).toBe("UnknownAction")
          expect(failureTag(yield* Effect.exit(energy.check(u, { action: "teleportation" })))).toBe("UnknownAction")
          yield* expectLedgerConsistent(u)
        }))

      it.effect("refunds reference a charge and return at most what it debited", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const charge = yield* energy.consume(u, { action: "cover_letter_generation", idempotencyKey: key() }, ADMIN_ACTOR)
          const part = yield* energy.refund(u, { transactionId: charge.transaction.transactionId, amount: 5, idempotencyKey: key(), reason: "partial failure" }, ADMIN_ACTOR)
          expect(part).toMatchObject({ balance: { balance: 85 }, transaction: { kind: "refund", amount: 5, referenceId: charge.transaction.transactionId, metadata: { reason: "partial failure" } } })
          const tooMuch = yield* Effect.exit(energy.refund(u, { transactionId: charge.transaction.transactionId, amount: 20, idempotencyKey: key() }, ADMIN_ACTOR))
          expect(failureTag(tooMuch)).toBe("NotRefundable")
          expect(failureOf(tooMuch)).toMatchObject({ refundable: 15 })
          const rest = yield* energy.refund(u, { transactionId: charge.transaction.transactionId, idempotencyKey: key() }, ADMIN_ACTOR)
          expect(rest).toMatchObject({ balance: { balance: 100 }, transaction: { amount: 15 } })
          expect(failureTag(yield* Effect.exit(energy.refund(u, { transactionId: charge.transaction.transactionId, idempotencyKey: key() }, ADMIN_ACTOR)))).toBe("NotRefundable")
          // Only charges are refunded; unknown (or another user's) transactions are not found.
          expect(failureTag(yield* Effect.exit(energy.refund(u, { transactionId: part.transaction.transactionId, idempotencyKey: key() }, ADMIN_ACTOR)))).toBe("NotRefundable")
          const other = user()
          yield* openAccount(other)
          expect(failureTag(yield* Effect.exit(energy.refund(other, { transactionId: charge.transaction.transactionId, idempotencyKey: key() }, ADMIN_ACTOR)))).toBe("TransactionNotFound")
          yield* expectLedgerConsistent(u)
        }))

      it.effect("purchases are idempotent by payment reference and never capped; credits carry their reason", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const bought = yield* energy.purchase(u, { amount: 500, paymentReference: `pay-${u}` }, ADMIN_ACTOR)
          expect(bought.balance.balance).toBe(600)
          expect(yield* energy.purchase(u, { amount: 500, paymentReference: `pay-${u}` }, ADMIN_ACTOR)).toEqual({ ...bought, replayed: true })
          expect(failureTag(yield* Effect.exit(energy.purchase(u, { amount: 400, paymentReference: `pay-${u}` }, ADMIN_ACTOR)))).toBe("IdempotencyKeyReused")
          const credited = yield* energy.credit(u, { amount: 7, idempotencyKey: key(), reason: "apology" }, ADMIN_ACTOR)
          expect(credited).toMatchObject({ balance: { balance: 607 }, transaction: { kind: "credit", metadata: { reason: "apology" } } })
          yield* expectLedgerConsistent(u)
        }))

      it.effect("a reservation holds energy, commits for less (the rest returns) or releases, and resolves once", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const held = yield* energy.reserve(u, { action: "cv_generation", ttlSeconds: 600, idempotencyKey: key() }, ADMIN_ACTOR)
          expect(held).toMatchObject({ balance: { balance: 100, reserved: 25, available: 75 }, transaction: { kind: "reservation", amount: 25, reservedDelta: 25 } })
          expect(held.transaction.expiresAt).not.toBeNull()
          expect(yield* energy.balance(u)).toMatchObject({ balance: 100, reserved: 25, available: 75 })
          const reservationId = held.transaction.transactionId
          const tooMuch = yield* Effect.exit(energy.commit(u, { reservationId, amount: 30, idempotencyKey: key() }, ADMIN_ACTOR))
          expect(failureTag(tooMuch)).toBe("CommitExceedsReservation")
          const commitKey = key()
          const committed = yield* energy.commit(u, { reservationId, amount: 18, idempotencyKey: commitKey }, ADMIN_ACTOR)
          expect(committed).toMatchObject({ balance: { balance: 82, reserved: 0, available: 82 }, transaction: { kind: "commit", amount: 18, balanceDelta: -18, reservedDelta: -25, referenceId: reservationId } })
          // The retry of the commit answers the same; a second resolution is refused.
          expect(yield* energy.commit(u, { reservationId, amount: 18, idempotencyKey: commitKey }, ADMIN_ACTOR)).toEqual({ ...committed, replayed: true })
          const again = yield* Effect.exit(energy.commit(u, { reservationId, idempotencyKey: key() }, ADMIN_ACTOR))
          expect(failureTag(again)).toBe("ReservationResolved")
          expect(failureOf(again)).toMatchObject({ resolution: "commit" })
          expect(failureTag(yield* Effect.exit(energy.release(u, { reservationId, idempotencyKey: key() }, ADMIN_ACTOR)))).toBe("ReservationResolved")

          const second = yield* energy.reserve(u, { amount: 40, idempotencyKey: key() }, ADMIN_ACTOR)
          const released = yield* energy.release(u, { reservationId: second.transaction.transactionId, idempotencyKey: key() }, ADMIN_ACTOR)
          expect(released).toMatchObject({ balance: { balance: 82, reserved: 0 }, transaction: { kind: "release", amount: 40, reservedDelta: -40 } })
          expect(failureTag(yield* Effect.exit(energy.commit(u, { reservationId: crypto.randomUUID(), idempotencyKey: key() }, ADMIN_ACTOR)))).toBe("ReservationNotFound")
          const refused = yield* Effect.exit(energy.reserve(u, { amount: 83, idempotencyKey: key() }, ADMIN_ACTOR))
          expect(failureOf(refused)).toMatchObject({ _tag: "InsufficientEnergy", required: 83, available: 82 })
          yield* expectLedgerConsistent(u)
        }))

      it.effect("a commit of nothing releases the hold and answers exactly the stored transaction", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const held = yield* energy.reserve(u, { amount: 10, idempotencyKey: key() }, ADMIN_ACTOR)
          const committed = yield* energy.commit(u, { reservationId: held.transaction.transactionId, amount: 0, idempotencyKey: key() }, ADMIN_ACTOR)
          expect(committed.balance).toEqual({ balance: 100, reserved: 0, available: 100 })
          const { transactions } = yield* expectLedgerConsistent(u)
          expect(committed.transaction).toEqual(transactions.at(-1))
        }))

      it.effect("the unlimited plan records charges at their cost without debiting or refusing them", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u)
          const changed = yield* energy.changePlan(u, { plan: "unlimited" }, ADMIN_ACTOR)
          expect(changed).toMatchObject({ plan: "unlimited", balance: 100 })
          const results: Array<WriteResult> = []
          for (let i = 0; i < 6; i++) results.push(yield* energy.consume(u, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR))
          expect(results.every((r) => r.transaction.amount === 30 && r.transaction.balanceDelta === 0 && r.balance.balance === 100)).toBe(true)
          expect((yield* energy.check(u, { amount: 1_000_000 })).allowed).toBe(true)
          yield* grantBehavioral(u)
          const stats = yield* energy.stats(u, "all")
          expect(stats.consumed).toBe(180)
          expect(stats.byAction).toEqual([{ action: "career_transition_plan", count: 6, energy: 180 }])
          // Back on a paying plan the balance is what it was.
          expect(yield* energy.changePlan(u, { plan: "pack" }, ADMIN_ACTOR)).toMatchObject({ plan: "pack", balance: 100, cap: null })
          const { folded } = yield* expectLedgerConsistent(u)
          expect(folded.plan).toBe("pack")
        }))

      it.effect("transaction pages are newest first and stable while writes land", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const u = user()
          yield* openAccount(u, "pack")
          yield* energy.purchase(u, { amount: 1000, paymentReference: `seed-${u}` }, ADMIN_ACTOR)
          for (let i = 0; i < 12; i++) yield* energy.consume(u, { action: "coach_message", idempotencyKey: `c-${i}` }, ADMIN_ACTOR)
          const first = yield* energy.transactions(u, { limit: 5 })
          expect(first.transactions.map((t) => t.idempotencyKey)).toEqual(["c-11", "c-10", "c-9", "c-8", "c-7"])
          // New writes between pages do not shift the next page.
          for (let i = 12; i < 15; i++) yield* energy.consume(u, { action: "coach_message", idempotencyKey: `c-${i}` }, ADMIN_ACTOR)
          const second = yield* energy.transactions(u, { limit: 5, cursor: first.nextCursor! })
          expect(second.transactions.map((t) => t.idempotencyKey)).toEqual(["c-6", "c-5", "c-4", "c-3", "c-2"])
          const third = yield* energy.transactions(u, { limit: 5, cursor: second.nextCursor! })
          expect(third.transactions.map((t) => t.idempotencyKey)).toEqual(["c-1", "c-0", `seed-${u}`])
          expect(third.nextCursor).toBeNull()
          const purchases = yield* energy.transactions(u, { kind: "purchase" })
          expect(purchases.transactions.map((t) => t.kind)).toEqual(["purchase"])
        }))

      it.effect("stats total a user's energy by kind and action; the leaderboard ranks users by energy consumed", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const heavy = user("heavy")
          yield* openAccount(heavy, "pack")
          yield* energy.purchase(heavy, { amount: 100_000, paymentReference: `seed-${heavy}` }, ADMIN_ACTOR)
          const charges: Array<WriteResult> = []
          for (let i = 0; i < 40; i++) charges.push(yield* energy.consume(heavy, { action: "career_transition_plan", idempotencyKey: key() }, ADMIN_ACTOR))
          yield* energy.refund(heavy, { transactionId: charges[0]!.transaction.transactionId, idempotencyKey: key() }, ADMIN_ACTOR)
          yield* grantBehavioral(heavy)
          const stats = yield* energy.stats(heavy, "day")
          expect(stats).toMatchObject({ period: "day", consumed: 39 * 30, refunded: 30, purchased: 100_000, credited: 0 })
          const board = yield* energy.leaderboard("day", 100)
          const entry = board.entries.find((e) => e.userId === heavy)
          expect(entry?.consumed).toBe(39 * 30)
          expect(board.entries.map((e) => e.rank)).toEqual(board.entries.map((_, i) => i + 1))
          const sorted = [...board.entries].sort((a, b) => b.consumed - a.consumed)
          expect(board.entries.map((e) => e.consumed)).toEqual(sorted.map((e) => e.consumed))
        }))

      it.effect("rule edits are seen by the next charge on this instance", () =>
        Effect.gen(function* () {
          const energy = yield* Energy
          const action = `test_action_${Date.now().toString(36)}`
          yield* energy.setActionCost(action, 3, "a test action")
          expect((yield* energy.actions).actions.find((a) => a.action === action)).toEqual({ action, cost: 3, description: "a test action" })
          const u = user()
          yield* openAccount(u)
          const charged = yield* energy.consume(u, { action, idempotencyKey: key() }, ADMIN_ACTOR)
          expect(charged.transaction.amount).toBe(3)
        }))
    })
  })
}
