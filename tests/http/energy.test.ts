/**
 * The energy ledger through the HTTP door (`/energy`, `/admin/energy`): each endpoint's success,
 * its declared errors with their status and details, bad input, and who may call it.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { key, userIds } from "../support/energy.js"
import { call, callAs, errorOf, type HttpAnswer, type Json, ok, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

/** The free plan's opening balance and cap (migration 0006). */
const FREE_OPENING = 100
/** Catalogue costs (migration 0006). */
const COST = { coach_message: 5, cv_generation: 25, career_transition_plan: 30 } as const

const send = (method: string, path: string, body: unknown, credential: string = TEST_ADMIN_KEY) =>
  callAs(credential, path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
const post = (path: string, body: unknown, credential?: string) => send("POST", path, body, credential)
const put = (path: string, body: unknown, credential?: string) => send("PUT", path, body, credential)
const get = (path: string, credential: string = TEST_ADMIN_KEY) => callAs(credential, path)

const expectError = (answer: HttpAnswer, status: number, tag: string, details: Json = {}) => {
  expect(answer.status, answer.text).toBe(status)
  expect(errorOf(answer), answer.text).toMatchObject({ tag, ...details })
}

const expectInvalid = (answer: HttpAnswer, label: string) => {
  expect(answer.status, `${label}: ${answer.text}`).toBe(400)
  expect(errorOf(answer).tag, label).toBe("InvalidRequest")
}

const createKey = (scopes: ReadonlyArray<string>) =>
  Effect.map(post("/admin/keys", { name: `energy ${runToken()}`, env: "dev", scopes }), (answer) => (ok(answer, 201) as { key: string }).key)

/** Records the user's `behavioral` consent, which their stats need. */
const grantBehavioral = (userId: string) => Effect.map(post("/gdpr/consent", { userId, consentType: "behavioral", granted: true, source: "api" }), (answer) => ok(answer, 201))

const open = (userId: string, plan?: string) => Effect.map(post(`/energy/${userId}/account`, plan === undefined ? {} : { plan }), ok)
const balanceOf = (userId: string, credential?: string) => Effect.map(get(`/energy/${userId}/balance`, credential), ok)
const consume = (userId: string, action: string, idempotencyKey = key(), credential?: string) =>
  post(`/energy/${userId}/consume`, { action, idempotencyKey }, credential)

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Energy over HTTP (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()

      it.effect("GET /energy/actions and /energy/plans list the catalogue and the plans, to any key or user token", () =>
        Effect.gen(function* () {
          const token = yield* Effect.promise(() => userToken(user()))
          const narrow = yield* createKey(["events:read"])
          for (const credential of [TEST_ADMIN_KEY, token, narrow]) {
            const { actions } = ok(yield* get("/energy/actions", credential))
            expect(actions).toEqual(expect.arrayContaining([
              { action: "coach_message", cost: COST.coach_message, description: expect.any(String) },
              { action: "cv_generation", cost: COST.cv_generation, description: expect.any(String) }
            ]))
            const costs = (actions as Array<Json>).map((a) => a.cost as number)
            expect(costs).toEqual([...costs].sort((a, b) => a - b))
            const { plans } = ok(yield* get("/energy/plans", credential))
            expect((plans as Array<Json>).map((p) => p.plan).sort()).toEqual(["free", "pack", "unlimited"])
            expect((plans as Array<Json>).find((p) => p.plan === "free")).toMatchObject({ openingBalance: FREE_OPENING, cap: FREE_OPENING })
          }
        }))

      it.effect("open starts a free account at 100; opening again answers opened: false and changes nothing", () =>
        Effect.gen(function* () {
          const u = user()
          const opened = yield* open(u)
          expect(opened).toMatchObject({
            opened: true,
            account: { userId: u, plan: "free", balance: FREE_OPENING, available: FREE_OPENING, reserved: 0, cap: FREE_OPENING, nextRegenerationAt: null }
          })
          expect(yield* balanceOf(u)).toEqual(opened.account)
          const again = yield* open(u, "unlimited")
          expect(again).toMatchObject({ opened: false, account: { plan: "free", balance: FREE_OPENING } })
          const pack = yield* open(user(), "pack")
          expect(pack.account).toMatchObject({ plan: "pack", balance: 0, cap: null })
        }))

      it.effect("check answers allowed, or not allowed with the shortfall; it charges nothing", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          expect(ok(yield* post(`/energy/${u}/check`, { action: "cv_generation" }))).toEqual({
            allowed: true, cost: COST.cv_generation, available: FREE_OPENING, shortfall: 0, plan: "free"
          })
          expect(ok(yield* post(`/energy/${u}/check`, { amount: 130 }))).toEqual({
            allowed: false, cost: 130, available: FREE_OPENING, shortfall: 30, plan: "free"
          })
          expect((yield* balanceOf(u)).balance).toBe(FREE_OPENING)
          expectError(yield* post(`/energy/${u}/check`, { action: "teleportation" }), 400, "UnknownAction", { action: "teleportation" })
          expectInvalid(yield* post(`/energy/${u}/check`, {}), "neither action nor amount")
          expectInvalid(yield* post(`/energy/${u}/check`, { amount: 0 }), "amount 0")
        }))

      it.effect("consume charges the cost once: the same key replays the original answer, another action under it is 409", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          const k = key()
          const first = ok(yield* consume(u, "cv_generation", k))
          expect(first).toMatchObject({
            replayed: false,
            balance: { balance: FREE_OPENING - COST.cv_generation, reserved: 0, available: FREE_OPENING - COST.cv_generation },
            transaction: { userId: u, kind: "consume", action: "cv_generation", amount: COST.cv_generation, balanceDelta: -COST.cv_generation, idempotencyKey: k }
          })
          const again = ok(yield* consume(u, "cv_generation", k))
          expect(again).toEqual({ ...first, replayed: true })
          expect((yield* balanceOf(u)).balance).toBe(FREE_OPENING - COST.cv_generation)
          expectError(yield* consume(u, "coach_message", k), 409, "IdempotencyKeyReused", {
            idempotencyKey: k,
            transactionId: first.transaction.transactionId
          })
          expect((yield* balanceOf(u)).balance).toBe(FREE_OPENING - COST.cv_generation)
        }))

      it.effect("consume answers 402 InsufficientEnergy with required and available, 400 UnknownAction, 404 UserNotFound", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          for (let i = 0; i < 3; i++) ok(yield* consume(u, "career_transition_plan"))
          const left = FREE_OPENING - 3 * COST.career_transition_plan
          expectError(yield* consume(u, "career_transition_plan"), 402, "InsufficientEnergy", { required: COST.career_transition_plan, available: left })
          expect(errorOf(yield* consume(u, "career_transition_plan")).message).toContain("Insufficient energy")
          expectError(yield* consume(u, "teleportation"), 400, "UnknownAction", { action: "teleportation" })
          expect((yield* balanceOf(u)).balance).toBe(left)

          const never = user("never")
          expectError(yield* consume(never, "coach_message"), 404, "UserNotFound", { userId: never })
          yield* grantBehavioral(never)
          for (const path of ["balance", "transactions", "stats"]) {
            expectError(yield* get(`/energy/${never}/${path}`), 404, "UserNotFound", { userId: never })
          }
          expectError(yield* post(`/energy/${never}/check`, { action: "coach_message" }), 404, "UserNotFound")
        }))

      it.effect("bad input answers 400 InvalidRequest: a Hub-reserved or malformed key, a bad user id, a bad cursor", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          expectInvalid(yield* consume(u, "coach_message", "system:opening"), "system: key")
          expectInvalid(yield* consume(u, "coach_message", "-starts-with-dash"), "malformed key")
          expectInvalid(yield* post(`/energy/${u}/consume`, { action: "coach_message" }), "no key")
          expectInvalid(yield* post(`/energy/${u}/consume`, { action: "Coach Message", idempotencyKey: key() }), "bad action name")
          expectInvalid(yield* get("/energy/bad%20user/balance"), "bad user id")
          expectInvalid(yield* get(`/energy/${u}/transactions?cursor=abc`), "bad cursor")
          expectInvalid(yield* get(`/energy/${u}/transactions?limit=101`), "limit over 100")
          expectInvalid(yield* get(`/energy/${u}/stats?period=year`), "bad period")
          expectInvalid(yield* post(`/energy/${u}/purchase`, { amount: 2_000_000, paymentReference: key() }), "amount over the limit")
          expect((yield* balanceOf(u)).balance).toBe(FREE_OPENING)
        }))

      it.effect("refund returns part then the rest of a consume; more than remains is 409 NotRefundable, an unknown one 404", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          const charged = ok(yield* consume(u, "cv_generation"))
          const transactionId = charged.transaction.transactionId as string
          const refundKey = key()
          const part = ok(yield* post(`/energy/${u}/refund`, { transactionId, amount: 10, idempotencyKey: refundKey, reason: "generation failed" }))
          expect(part).toMatchObject({
            replayed: false,
            transaction: { kind: "refund", amount: 10, balanceDelta: 10, referenceId: transactionId },
            balance: { balance: FREE_OPENING - COST.cv_generation + 10 }
          })
          expect(ok(yield* post(`/energy/${u}/refund`, { transactionId, amount: 10, idempotencyKey: refundKey }))).toMatchObject({ replayed: true })
          expectError(yield* post(`/energy/${u}/refund`, { transactionId, amount: 20, idempotencyKey: key() }), 409, "NotRefundable", {
            transactionId,
            refundable: COST.cv_generation - 10
          })
          const rest = ok(yield* post(`/energy/${u}/refund`, { transactionId, idempotencyKey: key() }))
          expect(rest.transaction.amount).toBe(COST.cv_generation - 10)
          expect(rest.balance.balance).toBe(FREE_OPENING)
          expectError(yield* post(`/energy/${u}/refund`, { transactionId, idempotencyKey: key() }), 409, "NotRefundable", { refundable: 0 })
          const unknown = randomUUID()
          expectError(yield* post(`/energy/${u}/refund`, { transactionId: unknown, idempotencyKey: key() }), 404, "TransactionNotFound", { transactionId: unknown })
        }))

      it.effect("purchase and credit add energy beyond the cap, with a service key; a payment recorded twice counts once", () =>
        Effect.gen(function* () {
          const service = yield* createKey(["energy:write"])
          const u = user()
          yield* open(u)
          const paymentReference = `pay-${runToken()}`
          const bought = ok(yield* post(`/energy/${u}/purchase`, { amount: 50, paymentReference, metadata: { sku: "pack-50" } }, service))
          expect(bought).toMatchObject({
            replayed: false,
            transaction: { kind: "purchase", amount: 50, idempotencyKey: paymentReference, metadata: { sku: "pack-50" } },
            balance: { balance: FREE_OPENING + 50 }
          })
          const twice = ok(yield* post(`/energy/${u}/purchase`, { amount: 50, paymentReference }, service))
          expect(twice).toMatchObject({ replayed: true, transaction: { transactionId: bought.transaction.transactionId } })
          expectError(yield* post(`/energy/${u}/purchase`, { amount: 60, paymentReference }, service), 409, "IdempotencyKeyReused", { idempotencyKey: paymentReference })
          const credited = ok(yield* post(`/energy/${u}/credit`, { amount: 5, idempotencyKey: key(), reason: "<b>sorry</b> for the outage" }, service))
          expect(credited).toMatchObject({ transaction: { kind: "credit", amount: 5, metadata: { reason: "sorry for the outage" } }, balance: { balance: FREE_OPENING + 55 } })
          expectInvalid(yield* post(`/energy/${u}/credit`, { amount: 5, idempotencyKey: key(), reason: "" }, service), "credit without a reason")
          expect(yield* balanceOf(u)).toMatchObject({ balance: FREE_OPENING + 55, available: FREE_OPENING + 55 })
        }))

      it.effect("reserve holds energy; commit for less charges only that; a second commit under a new key is 409 ReservationResolved", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          const reserved = ok(yield* post(`/energy/${u}/reservations`, { action: "cv_generation", ttlSeconds: 600, idempotencyKey: key() }))
          expect(reserved).toMatchObject({
            transaction: { kind: "reservation", amount: COST.cv_generation, reservedDelta: COST.cv_generation, expiresAt: expect.any(String) },
            balance: { balance: FREE_OPENING, reserved: COST.cv_generation, available: FREE_OPENING - COST.cv_generation }
          })
          const reservationId = reserved.transaction.transactionId as string
          expect(yield* balanceOf(u)).toMatchObject({ balance: FREE_OPENING, reserved: COST.cv_generation, available: FREE_OPENING - COST.cv_generation })
          // What is held is not available to a check.
          expect(ok(yield* post(`/energy/${u}/check`, { amount: 90 }))).toMatchObject({ allowed: false, shortfall: 90 - (FREE_OPENING - COST.cv_generation) })

          const commitKey = key()
          const committed = ok(yield* post(`/energy/${u}/reservations/${reservationId}/commit`, { amount: 10, idempotencyKey: commitKey }))
          expect(committed).toMatchObject({
            replayed: false,
            transaction: { kind: "commit", amount: 10, balanceDelta: -10, referenceId: reservationId },
            balance: { balance: FREE_OPENING - 10, reserved: 0, available: FREE_OPENING - 10 }
          })
          expect(yield* balanceOf(u)).toMatchObject({ balance: FREE_OPENING - 10, reserved: 0, available: FREE_OPENING - 10 })
          expect(ok(yield* post(`/energy/${u}/reservations/${reservationId}/commit`, { amount: 10, idempotencyKey: commitKey }))).toEqual({ ...committed, replayed: true })
          expectError(yield* post(`/energy/${u}/reservations/${reservationId}/commit`, { idempotencyKey: key() }), 409, "ReservationResolved", {
            reservationId,
            resolution: "commit"
          })
          expectError(yield* post(`/energy/${u}/reservations/${reservationId}/release`, { idempotencyKey: key() }), 409, "ReservationResolved")
          expect((yield* balanceOf(u)).balance).toBe(FREE_OPENING - 10)
        }))

      it.effect("release returns the hold; an unknown reservation is 404, committing more than held is 409", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          const held = ok(yield* post(`/energy/${u}/reservations`, { amount: 40, idempotencyKey: key() }))
          const reservationId = held.transaction.transactionId as string
          expect(held.transaction).toMatchObject({ amount: 40, action: null })
          expectError(yield* post(`/energy/${u}/reservations/${reservationId}/commit`, { amount: 41, idempotencyKey: key() }), 409, "CommitExceedsReservation", {
            reservationId,
            held: 40,
            requested: 41
          })
          const released = ok(yield* post(`/energy/${u}/reservations/${reservationId}/release`, { idempotencyKey: key() }))
          expect(released).toMatchObject({ transaction: { kind: "release", referenceId: reservationId }, balance: { balance: FREE_OPENING, reserved: 0, available: FREE_OPENING } })
          expectError(yield* post(`/energy/${u}/reservations/${reservationId}/release`, { idempotencyKey: key() }), 409, "ReservationResolved", { resolution: "release" })
          const unknown = randomUUID()
          expectError(yield* post(`/energy/${u}/reservations/${unknown}/commit`, { idempotencyKey: key() }), 404, "ReservationNotFound", { reservationId: unknown })
          expectError(yield* post(`/energy/${u}/reservations/${unknown}/release`, { idempotencyKey: key() }), 404, "ReservationNotFound", { reservationId: unknown })
          expectInvalid(yield* post(`/energy/${u}/reservations/not-a-uuid/release`, { idempotencyKey: key() }), "reservation id not a UUID")
          expectError(yield* post(`/energy/${u}/reservations`, { amount: 500, idempotencyKey: key() }), 402, "InsufficientEnergy", { required: 500, available: FREE_OPENING })
        }))

      it.effect("transactions page newest first with nextCursor, and filter by kind", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          for (const action of ["coach_message", "cv_generation", "career_transition_plan"]) ok(yield* consume(u, action))
          const first = ok(yield* get(`/energy/${u}/transactions?limit=2`))
          expect(first.transactions.map((t: Json) => t.action)).toEqual(["career_transition_plan", "cv_generation"])
          expect(typeof first.nextCursor).toBe("string")
          const second = ok(yield* get(`/energy/${u}/transactions?limit=2&cursor=${first.nextCursor}`))
          expect(second.transactions.map((t: Json) => [t.kind, t.action])).toEqual([["consume", "coach_message"], ["credit", null]])
          expect(second.nextCursor).toBeNull()
          const seqs = [...first.transactions, ...second.transactions].map((t: Json) => t.seq as number)
          expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
          const consumes = ok(yield* get(`/energy/${u}/transactions?kind=consume`))
          expect(consumes.transactions).toHaveLength(3)
          expect(consumes.nextCursor).toBeNull()
          const all = ok(yield* get(`/energy/${u}/transactions`))
          expect(all.transactions).toHaveLength(4)
        }))

      it.effect("stats total a user's energy over a period; the leaderboard ranks users by energy consumed", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          const charged = ok(yield* consume(u, "career_transition_plan"))
          ok(yield* consume(u, "coach_message"))
          ok(yield* consume(u, "coach_message"))
          ok(yield* post(`/energy/${u}/refund`, { transactionId: charged.transaction.transactionId, amount: 5, idempotencyKey: key() }))
          yield* grantBehavioral(u)
          const stats = ok(yield* get(`/energy/${u}/stats?period=all`))
          expect(stats).toMatchObject({ userId: u, period: "all", from: null, refunded: 5, purchased: 0, regenerated: 0 })
          expect(stats.consumed).toBe(COST.career_transition_plan + 2 * COST.coach_message - 5)
          expect(stats.credited).toBe(FREE_OPENING)
          expect(stats.byAction).toEqual(expect.arrayContaining([
            { action: "coach_message", count: 2, energy: 2 * COST.coach_message },
            expect.objectContaining({ action: "career_transition_plan", count: 1 })
          ]))
          const month = ok(yield* get(`/energy/${u}/stats`))
          expect(month.period).toBe("month")
          expect(Date.now() - new Date(month.from).getTime()).toBeGreaterThan(29 * 86_400_000)

          const board = ok(yield* get("/energy/leaderboard?period=all&limit=100"))
          expect(board).toMatchObject({ period: "all", from: null })
          expect(board.entries.map((e: Json) => e.rank)).toEqual(board.entries.map((_: Json, i: number) => i + 1))
          const consumed = board.entries.map((e: Json) => e.consumed as number)
          expect(consumed).toEqual([...consumed].sort((a, b) => b - a))
          expect(board.entries.find((e: Json) => e.userId === u)).toMatchObject({ consumed: stats.consumed })
          const week = ok(yield* get("/energy/leaderboard?limit=1"))
          expect(week.period).toBe("week")
          expect(week.entries.length).toBeLessThanOrEqual(1)
          const reader = yield* createKey(["energy:read"])
          ok(yield* get("/energy/leaderboard", reader))
        }))

      it.effect("an admin's new action cost is in GET /energy/actions at once and charged by consume", () =>
        Effect.gen(function* () {
          const action = `test_action_${runToken()}`
          const set = ok(yield* put(`/admin/energy/actions/${action}`, { cost: 7, description: "A test action" }))
          expect(set).toEqual({ action, cost: 7, description: "A test action" })
          const { actions } = ok(yield* get("/energy/actions"))
          expect(actions).toContainEqual({ action, cost: 7, description: "A test action" })
          const u = user()
          yield* open(u)
          expect(ok(yield* consume(u, action)).balance.balance).toBe(FREE_OPENING - 7)
          ok(yield* put(`/admin/energy/actions/${action}`, { cost: 9 }))
          expect((ok(yield* get("/energy/actions")).actions as Array<Json>).find((a) => a.action === action)).toMatchObject({ cost: 9 })
          expect(ok(yield* consume(u, action)).balance.balance).toBe(FREE_OPENING - 16)
          expectInvalid(yield* put(`/admin/energy/actions/${action}`, { cost: 0 }), "cost 0")
          expectInvalid(yield* put("/admin/energy/actions/Bad-Name", { cost: 3 }), "bad action name")
        }))

      it.effect("an admin's plan rules change applies to accounts opened after it", () =>
        Effect.gen(function* () {
          const rules = ok(yield* put("/admin/energy/plans/pack", { openingBalance: 20 }))
          expect(rules).toMatchObject({ plan: "pack", openingBalance: 20, cap: null })
          expect((ok(yield* get("/energy/plans")).plans as Array<Json>).find((p) => p.plan === "pack")).toEqual(rules)
          expect((yield* open(user(), "pack")).account.balance).toBe(20)
          ok(yield* put("/admin/energy/plans/pack", { openingBalance: 0 }))
          expectInvalid(yield* put("/admin/energy/plans/gold", {}), "unknown plan")
        }))

      it.effect("on the unlimited plan consume is never refused, and its balance is never debited", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          const changed = ok(yield* put(`/admin/energy/users/${u}/plan`, { plan: "unlimited" }))
          expect(changed).toMatchObject({ userId: u, plan: "unlimited", balance: FREE_OPENING })
          for (let i = 0; i < 6; i++) {
            const answer = ok(yield* consume(u, "career_transition_plan"))
            expect(answer.transaction).toMatchObject({ amount: COST.career_transition_plan, balanceDelta: 0 })
          }
          expect(ok(yield* post(`/energy/${u}/check`, { amount: 1_000_000 }))).toMatchObject({ allowed: true, shortfall: 0, plan: "unlimited" })
          expect(yield* balanceOf(u)).toMatchObject({ plan: "unlimited", balance: FREE_OPENING })
          const never = user("never")
          expectError(yield* put(`/admin/energy/users/${never}/plan`, { plan: "unlimited" }), 404, "UserNotFound", { userId: never })
          // A user cannot move themselves.
          const token = yield* Effect.promise(() => userToken(u))
          expectError(yield* put(`/admin/energy/users/${u}/plan`, { plan: "free" }, token), 403, "Forbidden")
        }))

      it.effect("a user token reaches its own account only, and never the service or admin writes", () =>
        Effect.gen(function* () {
          const self = user()
          const other = user()
          yield* open(self)
          yield* open(other)
          const token = yield* Effect.promise(() => userToken(self))
          expect((yield* balanceOf(self, token)).balance).toBe(FREE_OPENING)
          expectError(yield* get(`/energy/${other}/balance`, token), 403, "Forbidden")
          const mine = ok(yield* consume(self, "coach_message", key(), token))
          expectError(yield* consume(other, "coach_message", key(), token), 403, "Forbidden")
          ok(yield* post(`/energy/${self}/check`, { action: "coach_message" }, token))
          ok(yield* get(`/energy/${self}/transactions`, token))
          yield* grantBehavioral(self)
          ok(yield* get(`/energy/${self}/stats`, token))
          const held = ok(yield* post(`/energy/${self}/reservations`, { amount: 10, idempotencyKey: key() }, token))
          ok(yield* post(`/energy/${self}/reservations/${held.transaction.transactionId}/release`, { idempotencyKey: key() }, token))
          for (const [label, answer] of [
            ["refund", yield* post(`/energy/${self}/refund`, { transactionId: mine.transaction.transactionId, idempotencyKey: key() }, token)],
            ["purchase", yield* post(`/energy/${self}/purchase`, { amount: 1000, paymentReference: key() }, token)],
            ["credit", yield* post(`/energy/${self}/credit`, { amount: 1000, idempotencyKey: key(), reason: "free energy" }, token)],
            ["open", yield* post(`/energy/${self}/account`, {}, token)],
            ["leaderboard", yield* get("/energy/leaderboard", token)]
          ] as const) {
            expect(answer.status, `${label}: ${answer.text}`).toBe(403)
            expect(errorOf(answer).tag, label).toBe("Forbidden")
          }
          expect((yield* balanceOf(self)).balance).toBe(FREE_OPENING - COST.coach_message)
          // The actor is recorded on the transaction's event.
          const events = ok(yield* call(`/admin/events/streams/energy%3A${self}`)) as unknown as Array<Json>
          expect(events.find((e) => e.eventId === mine.transaction.transactionId)).toMatchObject({
            type: "EnergyConsumed",
            metadata: { actor: `user:${self}` }
          })
        }))

      it.effect("keys need the energy scopes: without them 403; energy:read reads but does not write", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          const events = yield* createKey(["events:read"])
          const reader = yield* createKey(["energy:read"])
          const writer = yield* createKey(["energy:write"])
          expectError(yield* consume(u, "coach_message", key(), events), 403, "Forbidden")
          expectError(yield* get(`/energy/${u}/balance`, events), 403, "Forbidden")
          expectError(yield* get("/energy/leaderboard", events), 403, "Forbidden")
          expect((yield* balanceOf(u, reader)).balance).toBe(FREE_OPENING)
          expectError(yield* consume(u, "coach_message", key(), reader), 403, "Forbidden")
          expectError(yield* post(`/energy/${u}/credit`, { amount: 1, idempotencyKey: key(), reason: "x" }, reader), 403, "Forbidden")
          ok(yield* consume(u, "coach_message", key(), writer))
          expectError(yield* put(`/admin/energy/users/${u}/plan`, { plan: "unlimited" }, writer), 403, "Forbidden")
          expectError(yield* put("/admin/energy/actions/coach_message", { cost: 1 }, writer), 403, "Forbidden")
          expect((yield* balanceOf(u)).balance).toBe(FREE_OPENING - COST.coach_message)
        }))

      it.effect("/openapi.json documents each energy endpoint's declared errors with their status", () =>
        Effect.gen(function* () {
          const spec = ok(yield* call("/openapi.json"))
          const responses = (path: string, method: string) => JSON.stringify(spec.paths[path][method].responses)
          const consumeResponses = spec.paths["/energy/{userId}/consume"].post.responses as Json
          expect(Object.keys(consumeResponses)).toEqual(expect.arrayContaining(["200", "400", "402", "404", "409", "503"]))
          for (const tag of ["InsufficientEnergy", "UnknownAction", "UserNotFound", "IdempotencyKeyReused", "ServiceUnavailable"]) {
            expect(responses("/energy/{userId}/consume", "post"), tag).toContain(`#/components/schemas/${tag}"`)
          }
          const commit = responses("/energy/{userId}/reservations/{reservationId}/commit", "post")
          for (const tag of ["ReservationNotFound", "ReservationExpired", "ReservationResolved", "CommitExceedsReservation", "IdempotencyKeyReused"]) {
            expect(commit, tag).toContain(`#/components/schemas/${tag}"`)
          }
          expect(spec.paths["/energy/{userId}/reservations/{reservationId}/commit"].post.responses["410"]).toBeDefined()
          expect(responses("/energy/{userId}/refund", "post")).toContain("#/components/schemas/NotRefundable\"")
          expect(responses("/admin/energy/users/{userId}/plan", "put")).toContain("#/components/schemas/UserNotFound\"")
          expect(spec.paths["/energy/{userId}/consume"].post.description).toContain("replayed")
          expect(spec.paths["/energy/leaderboard"].get.parameters.map((p: Json) => p.name).sort()).toEqual(["limit", "period"])
        }))

      it.effect("/metrics shows operations by kind and outcome, refusals, actor activations and command latency", () =>
        Effect.gen(function* () {
          const u = user()
          yield* open(u)
          ok(yield* consume(u, "career_transition_plan"))
          const k = key()
          ok(yield* consume(u, "career_transition_plan", k))
          ok(yield* consume(u, "career_transition_plan", k))
          ok(yield* consume(u, "career_transition_plan"))
          expectError(yield* consume(u, "career_transition_plan"), 402, "InsufficientEnergy")
          const text = (yield* call("/metrics")).text
          const value = (pattern: RegExp) => Number(text.match(pattern)?.[1] ?? Number.NaN)
          expect(value(/^phoenix_energy_operations_total\{[^}]*kind="consume"[^}]*outcome="ok"[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(3)
          expect(value(/^phoenix_energy_operations_total\{[^}]*kind="consume"[^}]*outcome="replayed"[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(1)
          expect(value(/^phoenix_energy_operations_total\{[^}]*kind="consume"[^}]*outcome="refused"[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(1)
          expect(value(/^phoenix_energy_refused_insufficient_total(?:\{[^}]*\})? (\d+)/m)).toBeGreaterThanOrEqual(1)
          expect(value(/^phoenix_energy_actor_activations_total(?:\{[^}]*\})? (\d+)/m)).toBeGreaterThanOrEqual(1)
          expect(value(/^phoenix_energy_command_duration_ms_count(?:\{[^}]*\})? (\d+)/m)).toBeGreaterThanOrEqual(5)
        }))
    })
  })
}
