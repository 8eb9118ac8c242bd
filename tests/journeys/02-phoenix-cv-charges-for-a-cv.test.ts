/**
 * Journey 2 (JOURNEYS.md): Phoenix CV charges for a CV generation. With its service key it checks
 * whether user u-123 may run `cv_generation`, reserves the energy, does its (slow) work, commits
 * the reservation with an idempotency key, retries the commit after a network error and gets the
 * same answer; balance, transactions and the user's event stream show exactly one charge. The
 * eleventh generation in an hour is refused with 429 and `Retry-After`.
 * Through HTTP, with the default limits.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { call, callAs, errorOf, type Json, ok, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const HOUR_MS = 3_600_000

/**
 * API_CV_GENERATION counts per wall-clock hour: a journey that straddled an hour's turn would see
 * its count start again. Waits out the last 15 s of an hour instead.
 */
const clearOfTheHourTurn = Effect.suspend(() => {
  const left = HOUR_MS - (Date.now() % HOUR_MS)
  return left < 15_000 ? Effect.sleep(left + 100) : Effect.void
})

for (const backend of backends) {
  describe.skipIf(backend.skip)(`journey 2: Phoenix CV charges for a CV generation (${backend.name})`, () => {
    layer(testHubLayer(backend.name, { env: { RATE_LIMIT_SCOPES: "{}" } }), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      it.effect("check, reserve, work, commit (retried: same answer), one charge everywhere; the eleventh generation in the hour is 429", () =>
        Effect.gen(function* () {
          yield* clearOfTheHourTurn
          const user = `u-123-${runToken()}`
          // The operator gives Phoenix CV its key; the user has an account with purchased energy.
          const issued = yield* call("/admin/keys", json({ name: "Phoenix CV", env: "dev", scopes: ["service"] }))
          expect(issued.status).toBe(201)
          const cv = (issued.json as { key: string }).key
          const asCv = (path: string, init?: RequestInit) => callAs(cv, path, init)
          ok(yield* asCv(`/energy/${user}/account`, json({ plan: "pack" })))
          ok(yield* asCv(`/energy/${user}/purchase`, json({ amount: 500, paymentReference: `pay-${runToken()}` })))

          const check = ok(yield* asCv(`/energy/${user}/check`, json({ action: "cv_generation" })))
          expect(check).toMatchObject({ allowed: true, cost: 25, available: 500 })

          const held = ok(yield* asCv(`/energy/${user}/reservations`, json({ action: "cv_generation", idempotencyKey: `reserve-${runToken()}` })))
          expect(held.balance).toMatchObject({ balance: 500, reserved: 25, available: 475 })
          const reservationId = held.transaction.transactionId as string

          yield* Effect.sleep("200 millis") // the generation itself

          const commitKey = `commit-${runToken()}`
          const commitPath = `/energy/${user}/reservations/${reservationId}/commit`
          const committed = ok(yield* asCv(commitPath, json({ idempotencyKey: commitKey })))
          // The answer was lost on the way back: Phoenix CV retries with the same key.
          const retried = ok(yield* asCv(commitPath, json({ idempotencyKey: commitKey })))
          expect(committed.replayed).toBe(false)
          expect(retried.replayed).toBe(true)
          expect(retried.transaction).toEqual(committed.transaction)
          expect(retried.balance).toEqual(committed.balance)

          const balance = ok(yield* asCv(`/energy/${user}/balance`))
          expect(balance).toMatchObject({ balance: 475, reserved: 0, available: 475 })
          const page = ok(yield* asCv(`/energy/${user}/transactions`))
          const kinds = (page.transactions as Array<Json>).map((t) => t.kind).sort()
          expect(kinds).toEqual(["commit", "purchase", "reservation"])
          expect((page.transactions as Array<Json>).find((t) => t.kind === "commit")).toMatchObject({ amount: 25, balanceAfter: 475 })
          const stream = ok(yield* call(`/admin/events/streams/energy%3A${user}`)) as unknown as Array<Json>
          const charges = stream.filter((e) => e.type === "EnergyReservationCommitted" || e.type === "EnergyConsumed")
          expect(charges).toHaveLength(1)
          expect(charges[0]).toMatchObject({ eventId: committed.transaction.transactionId })

          // Nine more generations make ten in the hour; the eleventh is refused.
          for (let i = 2; i <= 10; i++) {
            ok(yield* asCv(`/energy/${user}/consume`, json({ action: "cv_generation", idempotencyKey: `gen-${i}-${runToken()}` })))
          }
          const eleventh = yield* asCv(`/energy/${user}/consume`, json({ action: "cv_generation", idempotencyKey: `gen-11-${runToken()}` }))
          expect(eleventh.status, eleventh.text).toBe(429)
          expect(errorOf(eleventh)).toMatchObject({ tag: "RateLimited", scope: "api_cv_generation" })
          const retryAfter = Number(eleventh.headers.get("retry-after"))
          expect(retryAfter).toBeGreaterThan(0)
          expect(retryAfter).toBeLessThanOrEqual(3600)
          expect(eleventh.headers.get("ratelimit-policy")).toContain('"api_cv_generation";q=10;w=3600')
          // Nothing was charged for it.
          expect(ok(yield* asCv(`/energy/${user}/balance`)).balance).toBe(475 - 9 * 25)
        }), 60_000)
    })
  })
}
