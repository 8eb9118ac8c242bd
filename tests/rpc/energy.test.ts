/**
 * The Energy RPCs through the exported client over both transports: the main flows of the HTTP
 * suite, errors arriving as their classes (caught by tag), and the same policies as HTTP.
 */
import { describe, expect, layer } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { randomUUID } from "node:crypto"
import { Forbidden, Unauthorized } from "../../src/services/auth/schema.js"
import {
  CommitExceedsReservation,
  DEFAULT_RESERVATION_SECONDS,
  IdempotencyKeyReused,
  InsufficientEnergy,
  NotRefundable,
  ReservationNotFound,
  ReservationResolved,
  UnknownAction,
  UserNotFound
} from "../../src/services/energy/schema.js"
import { userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { key, userIds } from "../support/energy.js"
import { testHubLayer } from "../support/hub.js"
import { asAdmin, RPC_TRANSPORTS, withClient } from "../support/rpc.js"

const backends = await backendsUnderTest()


const FREE_OPENING = 100
const COST = { coach_message: 5, cv_generation: 25, career_transition_plan: 30 } as const

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Energy RPC through the exported client (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()

      for (const transport of RPC_TRANSPORTS) {
        it.effect(`${transport.name}: Actions, Plans, Open, Balance and Check`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const { actions } = yield* hub.Energy.Actions()
              expect(actions).toContainEqual({ action: "cv_generation", cost: COST.cv_generation, description: expect.any(String) })
              const { plans } = yield* hub.Energy.Plans()
              expect(plans.map((p) => p.plan).sort()).toEqual(["free", "pack", "unlimited"])
              const u = user()
              const opened = yield* hub.Energy.Open({ userId: u })
              expect(opened).toMatchObject({ opened: true, account: { userId: u, plan: "free", balance: FREE_OPENING, available: FREE_OPENING } })
              expect((yield* hub.Energy.Open({ userId: u, plan: "unlimited" })).opened).toBe(false)
              expect(yield* hub.Energy.Balance({ userId: u })).toEqual(opened.account)
              expect(yield* hub.Energy.Check({ userId: u, action: "coach_message" })).toEqual({
                allowed: true, cost: COST.coach_message, available: FREE_OPENING, shortfall: 0, plan: "free"
              })
              expect(yield* hub.Energy.Check({ userId: u, amount: 120 })).toMatchObject({ allowed: false, shortfall: 20 })
              const unknown = yield* Effect.flip(hub.Energy.Check({ userId: u, action: "teleportation" }))
              expect(unknown).toBeInstanceOf(UnknownAction)
              const never = user("never")
              const missing = yield* Effect.flip(hub.Energy.Balance({ userId: never }))
              expect(missing).toBeInstanceOf(UserNotFound)
              expect(missing).toMatchObject({ userId: never })
            })
          ))

        it.effect(`${transport.name}: Consume replays under the same key; another request under it fails with IdempotencyKeyReused; InsufficientEnergy by tag`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const u = user()
              yield* hub.Energy.Open({ userId: u })
              const k = key()
              const first = yield* hub.Energy.Consume({ userId: u, action: "cv_generation", idempotencyKey: k, metadata: { feature: "cv" } })
              expect(first).toMatchObject({
                replayed: false,
                transaction: { kind: "consume", action: "cv_generation", amount: COST.cv_generation, metadata: { feature: "cv" } },
                balance: { balance: FREE_OPENING - COST.cv_generation }
              })
              expect(DateTime.isDateTime(first.transaction.createdAt)).toBe(true)
              const again = yield* hub.Energy.Consume({ userId: u, action: "cv_generation", idempotencyKey: k })
              expect(again).toEqual({ ...first, replayed: true })
              const reused = yield* Effect.flip(hub.Energy.Consume({ userId: u, action: "coach_message", idempotencyKey: k }))
              expect(reused).toBeInstanceOf(IdempotencyKeyReused)
              expect(reused).toMatchObject({ idempotencyKey: k, transactionId: first.transaction.transactionId })

              for (let i = 0; i < 2; i++) yield* hub.Energy.Consume({ userId: u, action: "career_transition_plan", idempotencyKey: key() })
              const left = FREE_OPENING - COST.cv_generation - 2 * COST.career_transition_plan
              const refused = yield* hub.Energy.Consume({ userId: u, action: "career_transition_plan", idempotencyKey: key() }).pipe(
                Effect.as("charged" as const),
                Effect.catchTag("InsufficientEnergy", (error) => Effect.succeed(error))
              )
              expect(refused).toBeInstanceOf(InsufficientEnergy)
              expect(refused).toMatchObject({ required: COST.career_transition_plan, available: left })
              expect((yield* hub.Energy.Balance({ userId: u })).balance).toBe(left)
            })
          ))

        it.effect(`${transport.name}: Refund, Purchase and Credit; NotRefundable beyond what remains`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const u = user()
              yield* hub.Energy.Open({ userId: u })
              const charged = yield* hub.Energy.Consume({ userId: u, action: "cv_generation", idempotencyKey: key() })
              const transactionId = charged.transaction.transactionId
              const refunded = yield* hub.Energy.Refund({ userId: u, transactionId, amount: 20, idempotencyKey: key() })
              expect(refunded.transaction).toMatchObject({ kind: "refund", amount: 20, referenceId: transactionId })
              const tooMuch = yield* Effect.flip(hub.Energy.Refund({ userId: u, transactionId, amount: 10, idempotencyKey: key() }))
              expect(tooMuch).toBeInstanceOf(NotRefundable)
              expect(tooMuch).toMatchObject({ refundable: COST.cv_generation - 20 })
              const paymentReference = `pay-${runToken()}`
              const bought = yield* hub.Energy.Purchase({ userId: u, amount: 200, paymentReference })
              expect(bought.balance.balance).toBe(FREE_OPENING - 5 + 200)
              expect((yield* hub.Energy.Purchase({ userId: u, amount: 200, paymentReference })).replayed).toBe(true)
              const credited = yield* hub.Energy.Credit({ userId: u, amount: 3, idempotencyKey: key(), reason: "goodwill" })
              expect(credited.balance.balance).toBe(FREE_OPENING - 5 + 203)
            })
          ))

        it.effect(`${transport.name}: Reserve, Commit for less, Release; ReservationResolved, ReservationNotFound, CommitExceedsReservation`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const u = user()
              yield* hub.Energy.Open({ userId: u })
              const held = yield* hub.Energy.Reserve({ userId: u, action: "cv_generation", ttlSeconds: DEFAULT_RESERVATION_SECONDS, idempotencyKey: key() })
              expect(held.balance).toEqual({ balance: FREE_OPENING, reserved: COST.cv_generation, available: FREE_OPENING - COST.cv_generation })
              const reservationId = held.transaction.transactionId
              const exceeds = yield* Effect.flip(hub.Energy.Commit({ userId: u, reservationId, amount: 26, idempotencyKey: key() }))
              expect(exceeds).toBeInstanceOf(CommitExceedsReservation)
              const committed = yield* hub.Energy.Commit({ userId: u, reservationId, amount: 10, idempotencyKey: key() })
              expect(committed.balance).toEqual({ balance: FREE_OPENING - 10, reserved: 0, available: FREE_OPENING - 10 })
              const second = yield* Effect.flip(hub.Energy.Commit({ userId: u, reservationId, idempotencyKey: key() }))
              expect(second).toBeInstanceOf(ReservationResolved)
              expect(second).toMatchObject({ reservationId, resolution: "commit" })

              const other = yield* hub.Energy.Reserve({ userId: u, amount: 30, ttlSeconds: 60, idempotencyKey: key() })
              const released = yield* hub.Energy.Release({ userId: u, reservationId: other.transaction.transactionId, idempotencyKey: key() })
              expect(released.balance).toEqual({ balance: FREE_OPENING - 10, reserved: 0, available: FREE_OPENING - 10 })
              const unknown = randomUUID()
              const missing = yield* Effect.flip(hub.Energy.Release({ userId: u, reservationId: unknown, idempotencyKey: key() }))
              expect(missing).toBeInstanceOf(ReservationNotFound)
              expect(missing).toMatchObject({ reservationId: unknown })
            })
          ))

        it.effect(`${transport.name}: Transactions page newest first; Stats and Leaderboard`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const u = user()
              yield* hub.Energy.Open({ userId: u })
              for (const action of ["coach_message", "cv_generation", "career_transition_plan"]) {
                yield* hub.Energy.Consume({ userId: u, action, idempotencyKey: key() })
              }
              const first = yield* hub.Energy.Transactions({ userId: u, limit: 2 })
              expect(first.transactions.map((t) => t.action)).toEqual(["career_transition_plan", "cv_generation"])
              expect(first.nextCursor).not.toBeNull()
              const second = yield* hub.Energy.Transactions({ userId: u, limit: 2, cursor: first.nextCursor! })
              expect(second.transactions.map((t) => t.kind)).toEqual(["consume", "credit"])
              expect(second.nextCursor).toBeNull()
              expect((yield* hub.Energy.Transactions({ userId: u, kind: "credit" })).transactions).toHaveLength(1)

              yield* hub.Gdpr.RecordConsent({ userId: u, consentType: "behavioral", granted: true, source: "api" })
              const stats = yield* hub.Energy.Stats({ userId: u, period: "all" })
              const spent = COST.coach_message + COST.cv_generation + COST.career_transition_plan
              expect(stats).toMatchObject({ userId: u, period: "all", from: null, consumed: spent, credited: FREE_OPENING })
              expect(stats.byAction).toHaveLength(3)
              const month = yield* hub.Energy.Stats({ userId: u })
              expect(month.period).toBe("month")
              expect(DateTime.isDateTime(month.from)).toBe(true)

              const board = yield* hub.Energy.Leaderboard({ period: "all", limit: 100 })
              expect(board.period).toBe("all")
              expect(board.entries.find((e) => e.userId === u)).toMatchObject({ consumed: spent })
              expect((yield* hub.Energy.Leaderboard({})).period).toBe("week")
            })
          ))

        it.effect(`${transport.name}: SetActionCost, SetPlanRules and ChangePlan (admin); unlimited is never refused`, () =>
          asAdmin(transport.layer, (hub) =>
            Effect.gen(function* () {
              const action = `rpc_action_${runToken()}`
              expect(yield* hub.Energy.SetActionCost({ action, cost: 11 })).toMatchObject({ action, cost: 11 })
              expect((yield* hub.Energy.Actions()).actions).toContainEqual(expect.objectContaining({ action, cost: 11 }))
              const free = (yield* hub.Energy.Plans()).plans.find((p) => p.plan === "free")!
              expect(yield* hub.Energy.SetPlanRules({ plan: "free", regenerationIntervalSeconds: free.regenerationIntervalSeconds })).toEqual(free)

              const u = user()
              yield* hub.Energy.Open({ userId: u })
              expect(yield* hub.Energy.ChangePlan({ userId: u, plan: "unlimited" })).toMatchObject({ userId: u, plan: "unlimited" })
              for (let i = 0; i < 5; i++) {
                const answer = yield* hub.Energy.Consume({ userId: u, action: "career_transition_plan", idempotencyKey: key() })
                expect(answer.transaction.balanceDelta).toBe(0)
              }
              expect((yield* hub.Energy.Balance({ userId: u })).balance).toBe(FREE_OPENING)
              const missing = yield* Effect.flip(hub.Energy.ChangePlan({ userId: user("never"), plan: "free" }))
              expect(missing).toBeInstanceOf(UserNotFound)
            })
          ))

        it.effect(`${transport.name}: a user token reaches its own account only; keys need the energy scopes; no credential is Unauthorized`, () =>
          Effect.gen(function* () {
            const self = user()
            const other = user()
            const { scoped } = yield* asAdmin(transport.layer, (hub) =>
              Effect.gen(function* () {
                yield* hub.Energy.Open({ userId: self })
                yield* hub.Energy.Open({ userId: other })
                const created = yield* hub.Keys.Create({ name: `rpc energy ${runToken()}`, env: "dev", scopes: ["events:read"] })
                return { scoped: created.key }
              }))
            const token = yield* Effect.promise(() => userToken(self))
            yield* withClient(transport.layer, token, (hub) =>
              Effect.gen(function* () {
                expect((yield* hub.Energy.Balance({ userId: self })).balance).toBe(FREE_OPENING)
                yield* hub.Energy.Consume({ userId: self, action: "coach_message", idempotencyKey: key() })
                expect((yield* hub.Energy.Actions()).actions.length).toBeGreaterThan(0)
                for (const [label, call] of [
                  ["Balance of another user", hub.Energy.Balance({ userId: other })],
                  ["Consume for another user", hub.Energy.Consume({ userId: other, action: "coach_message", idempotencyKey: key() })],
                  ["Refund", hub.Energy.Refund({ userId: self, transactionId: randomUUID(), idempotencyKey: key() })],
                  ["Purchase", hub.Energy.Purchase({ userId: self, amount: 1000, paymentReference: key() })],
                  ["Credit", hub.Energy.Credit({ userId: self, amount: 1000, idempotencyKey: key(), reason: "free" })],
                  ["Leaderboard", hub.Energy.Leaderboard({})],
                  ["ChangePlan", hub.Energy.ChangePlan({ userId: self, plan: "unlimited" })]
                ] as const) {
                  const error = yield* Effect.flip(call as Effect.Effect<unknown, unknown>)
                  expect(error, label).toBeInstanceOf(Forbidden)
                }
              }))
            yield* withClient(transport.layer, scoped, (hub) =>
              Effect.gen(function* () {
                expect((yield* hub.Energy.Plans()).plans.length).toBe(3)
                const error = yield* Effect.flip(hub.Energy.Consume({ userId: self, action: "coach_message", idempotencyKey: key() }))
                expect(error).toBeInstanceOf(Forbidden)
              }))
            yield* withClient(transport.layer, undefined, (hub) =>
              Effect.gen(function* () {
                const error = yield* Effect.flip(hub.Energy.Actions())
                expect(error).toBeInstanceOf(Unauthorized)
              }))
            const after = yield* asAdmin(transport.layer, (hub) => hub.Energy.Balance({ userId: self }))
            expect(after.balance).toBe(FREE_OPENING - COST.coach_message)
          }))
      }
    })
  })
}
