/**
 * Journey 4 (JOURNEYS.md): an operator rotates a key. Lists keys expiring soon, rotates Phoenix CV's
 * key with a one-hour overlap while traffic keeps flowing (no request fails), sees old and new keys
 * in the status and the rotation in the key's audit trail; after the overlap the old key gets 401.
 * Through HTTP, as the operator's tools and Phoenix CV do; the hour passes on an adjustable clock.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Fiber, Ref } from "effect"
import { backendsUnderTest } from "../support/backends.js"
import { adjustableClock } from "../support/clock.js"
import { call, callAs, errorOf, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const post = (path: string, body: unknown) =>
  call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

interface Traffic {
  readonly ok: number
  readonly failed: ReadonlyArray<number>
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`journey 4: an operator rotates a key (${backend.name})`, () => {
    const time = adjustableClock()
    layer(testHubLayer(backend.name, { clock: time.clock }), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      it.effect("rotate with a one-hour overlap under traffic: no request fails; after the overlap the old key gets 401", () =>
        Effect.gen(function* () {
          // Phoenix CV's key was issued 10 days before its expiry: inside the 14-day warning window.
          const issued = yield* post("/admin/keys", { name: "Phoenix CV", env: "dev", scopes: ["service"], expiresInDays: 10 })
          expect(issued.status).toBe(201)
          const cv = issued.json as { key: string; info: { id: string } }

          const status = yield* call("/admin/keys/status")
          const expiring = (status.json as { expiringSoon: Array<{ id: string; name: string }> }).expiringSoon
          expect(expiring.map((k) => k.id)).toContain(cv.info.id)

          // Phoenix CV keeps calling the Hub with whichever key it holds.
          const held = yield* Ref.make(cv.key)
          const traffic = yield* Ref.make<Traffic>({ ok: 0, failed: [] })
          const client = Effect.gen(function* () {
            const answer = yield* callAs(yield* Ref.get(held), "/keys/self")
            yield* Ref.update(traffic, (t) => answer.status === 200 ? { ...t, ok: t.ok + 1 } : { ...t, failed: [...t.failed, answer.status] })
          }).pipe(Effect.forever)
          const clients = yield* Effect.forkAll(Array.from({ length: 4 }, () => client))
          yield* Effect.sleep("300 millis")

          const rotated = yield* post("/admin/keys/rotate", { keyId: cv.info.id, overlapSeconds: 3600 })
          expect(rotated.status).toBe(200)
          const rotation = rotated.json as { current: { key: string; info: { id: string } }; previous: { status: string; overlapEndsAt: string } }
          expect(rotation.previous.status).toBe("rotating")
          yield* Effect.sleep("300 millis") // old key still in use during the overlap
          yield* Ref.set(held, rotation.current.key) // Phoenix CV deploys its new key
          yield* Effect.sleep("300 millis")
          yield* Fiber.interrupt(clients)
          const seen = yield* Ref.get(traffic)
          expect(seen.failed).toEqual([])
          expect(seen.ok).toBeGreaterThan(20)

          const after = (yield* call("/admin/keys/status")).json as { keys: Array<{ id: string; status: string; replacedBy: string | null }> }
          expect(after.keys.find((k) => k.id === cv.info.id)).toMatchObject({ status: "rotating", replacedBy: rotation.current.info.id })
          expect(after.keys.find((k) => k.id === rotation.current.info.id)).toMatchObject({ status: "active" })

          const trail = (yield* call(`/admin/keys/${cv.info.id}/audit`)).json as Array<{ type: string; data: Record<string, unknown> }>
          expect(trail.map((e) => e.type)).toEqual(["ApiKeyCreated", "ApiKeyRotated"])
          expect(trail[1]?.data).toMatchObject({ replacedBy: rotation.current.info.id, overlapEndsAt: rotation.previous.overlapEndsAt })

          // An hour later the overlap is over.
          yield* time.advance("3601 seconds")
          const old = yield* callAs(cv.key, "/keys/self")
          expect(old.status).toBe(401)
          expect(errorOf(old)).toMatchObject({ tag: "Unauthorized", reason: "expired" })
          expect((yield* callAs(rotation.current.key, "/keys/self")).status).toBe(200)
        }), 60_000)
    })
  })
}
