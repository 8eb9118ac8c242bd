/**
 * The ApiKeys contract through its tag, on both backends: creation (shown once, stored hashed),
 * verification (format and checksum before any lookup), revocation, rotation with its overlap
 * (driven by TestClock), concurrent rotation, expiry, the status report and the audit trail.
 */
import { describe, expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Either, Option, Ref, TestClock, TestContext, TestServices } from "effect"
import { Auth } from "../../../src/services/auth/Auth.js"
import { Unauthorized } from "../../../src/services/auth/schema.js"
import { ApiKeys } from "../../../src/services/keys/ApiKeys.js"
import { generateApiKey, parseApiKey } from "../../../src/services/keys/format.js"
import { KeyNotFound, KeyNotRotatable, NoSuccessorPending } from "../../../src/services/keys/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { eventually } from "../../support/database.js"
import { GuardedCalls, keysLayer } from "../../support/keys.js"

const backends = await backendsUnderTest()

const HOUR = 3600
const serviceKey = { name: "Phoenix CV", env: "dev", scopes: ["service"] } as const

/** A bad checksum: the last character changed. */
const corrupt = (key: string) => key.slice(0, -1) + (key.endsWith("A") ? "B" : "A")

const reasonOf = (result: Either.Either<unknown, unknown>) =>
  Either.isLeft(result) && result.left instanceof Unauthorized ? result.left.reason : Either.isRight(result) ? "ok" : String(result.left)

/** Runs `self` on a TestClock (starting at 0) while the layer's background work keeps real time. */
const onTestClock = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, TestContext.TestContext)

for (const backend of backends) {
  describe.skipIf(backend.skip)(`ApiKeys (${backend.name})`, () => {
    layer(keysLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      it.effect("a created key is shown once, stored only as its SHA-256, and verifies with its scopes", () =>
        Effect.gen(function* () {
          const keys = yield* ApiKeys
          const created = yield* keys.create({ ...serviceKey, scopes: ["service", "energy:write"] }, "test")
          expect(parseApiKey(created.key)).toMatchObject({ env: "dev", displayPrefix: created.key.slice(0, 13) })
          expect(created.info).toMatchObject({ name: "Phoenix CV", env: "dev", status: "active", scopes: ["service", "energy:write"] })
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<Record<string, unknown>>`SELECT * FROM api_keys WHERE key_id = ${created.info.id}::uuid`
          expect(JSON.stringify(rows)).not.toContain(created.key.slice(13))
          expect(JSON.stringify(yield* keys.get(created.info.id))).not.toContain(created.key.slice(13))
          const principal = yield* keys.verify(created.key)
          expect(principal).toEqual({ kind: "key", keyId: created.info.id, env: "dev", scopes: ["service", "energy:write"] })
        }))

      it.effect("a malformed key or a bad checksum is refused before any database call; an unknown key after one", () =>
        Effect.gen(function* () {
          const keys = yield* ApiKeys
          const calls = yield* GuardedCalls
          const created = yield* keys.create(serviceKey, "test")
          const before = yield* Ref.get(calls)
          for (const bad of ["", "luna_dev_short", "Bearer x", corrupt(created.key), created.key.replace("luna_dev_", "luna_qa_")]) {
            expect(reasonOf(yield* Effect.either(keys.verify(bad)))).toBe("malformed")
          }
          expect(yield* Ref.get(calls)).toBe(before)
          expect(reasonOf(yield* Effect.either(keys.verify(generateApiKey("prod"))))).toBe("unknown")
          expect(yield* Ref.get(calls)).toBe(before + 1)
        }))

      it.effect("a verified key is served from memory: a second verification makes no database call", () =>
        Effect.gen(function* () {
          const keys = yield* ApiKeys
          const calls = yield* GuardedCalls
          const created = yield* keys.create(serviceKey, "test")
          yield* keys.verify(created.key)
          const before = yield* Ref.get(calls)
          yield* keys.verify(created.key)
          yield* keys.verify(created.key)
          expect(yield* Ref.get(calls)).toBe(before)
        }))

      it.effect("revocation takes effect at once on this instance, is idempotent, and a refused use is audited", () =>
        Effect.gen(function* () {
          const keys = yield* ApiKeys
          const created = yield* keys.create(serviceKey, "key:admin-1")
          yield* keys.verify(created.key) // now cached
          const revoked = yield* keys.revoke(created.info.id, "key:admin-1")
          expect(revoked.status).toBe("revoked")
          expect(reasonOf(yield* Effect.either(keys.verify(created.key)))).toBe("revoked")
          expect((yield* keys.revoke(created.info.id, "key:admin-1")).revokedAt).toEqual(revoked.revokedAt)
          const trail = yield* eventually(keys.audit(created.info.id), (events) => events.length === 3)
          expect(trail.map((e) => e.type)).toEqual(["ApiKeyCreated", "ApiKeyRevoked", "ApiKeyUseRefused"])
          expect(trail[1]?.metadata.actor).toBe("key:admin-1")
          expect(JSON.stringify(trail.map((e) => [e.type, e.data, e.metadata]))).not.toContain(created.key.slice(13))
        }))

      it.effect("rotation: old and new keys both work until the overlap ends, then only the new one (TestClock)", () =>
        onTestClock(Effect.gen(function* () {
          const keys = yield* ApiKeys
          const old = yield* keys.create(serviceKey, "test")
          const rotation = yield* keys.rotate({ keyId: old.info.id, overlapSeconds: HOUR }, "test")
          expect(rotation.previous).toMatchObject({ id: old.info.id, status: "rotating", replacedBy: rotation.current.info.id })
          expect(rotation.current.info).toMatchObject({ name: "Phoenix CV", scopes: ["service"], rotatedFrom: old.info.id, status: "active" })
          expect(rotation.current.key).not.toBe(old.key)
          yield* keys.verify(old.key)
          yield* keys.verify(rotation.current.key)
          yield* TestClock.adjust(`${HOUR - 1} seconds`)
          yield* keys.verify(old.key)
          yield* TestClock.adjust("1 second")
          expect(reasonOf(yield* Effect.either(keys.verify(old.key)))).toBe("expired")
          yield* keys.verify(rotation.current.key)
          expect((yield* keys.get(old.info.id)).status).toBe("expired")
          const trail = yield* keys.audit(old.info.id)
          expect(trail.map((e) => e.type).slice(0, 2)).toEqual(["ApiKeyCreated", "ApiKeyRotated"])
          expect(trail[1]?.data).toMatchObject({ replacedBy: rotation.current.info.id, trigger: "manual" })
        })))

      it.effect("only an active key rotates: rotating, revoked, expired and unknown keys are refused", () =>
        onTestClock(Effect.gen(function* () {
          const keys = yield* ApiKeys
          const rotated = yield* keys.create(serviceKey, "test")
          yield* keys.rotate({ keyId: rotated.info.id }, "test")
          expect(yield* Effect.flip(keys.rotate({ keyId: rotated.info.id }, "test"))).toEqual(
            new KeyNotRotatable({ keyId: rotated.info.id, status: "rotating" })
          )
          const revoked = yield* keys.create(serviceKey, "test")
          yield* keys.revoke(revoked.info.id, "test")
          expect(yield* Effect.flip(keys.rotate({ keyId: revoked.info.id }, "test"))).toMatchObject({ _tag: "KeyNotRotatable", status: "revoked" })
          const shortLived = yield* keys.create({ ...serviceKey, expiresInDays: 1 }, "test")
          yield* TestClock.adjust("1 day")
          expect(yield* Effect.flip(keys.rotate({ keyId: shortLived.info.id }, "test"))).toMatchObject({ _tag: "KeyNotRotatable", status: "expired" })
          expect(reasonOf(yield* Effect.either(keys.verify(shortLived.key)))).toBe("expired")
          const unknown = "00000000-0000-4000-8000-000000000000"
          expect(yield* Effect.flip(keys.rotate({ keyId: unknown }, "test"))).toEqual(new KeyNotFound({ keyId: unknown }))
        })))

      it.effect("10 concurrent rotations of one key: exactly one wins, the others are refused, one successor exists", () =>
        Effect.gen(function* () {
          const keys = yield* ApiKeys
          const created = yield* keys.create(serviceKey, "test")
          const results = yield* Effect.forEach(Array.from({ length: 10 }), () => Effect.either(keys.rotate({ keyId: created.info.id }, "test")), {
            concurrency: "unbounded"
          })
          expect(results.filter(Either.isRight)).toHaveLength(1)
          for (const loser of results.filter(Either.isLeft)) expect(loser.left).toMatchObject({ _tag: "KeyNotRotatable", status: "rotating" })
          const successors = (yield* keys.list).filter((k) => k.rotatedFrom === created.info.id)
          expect(successors).toHaveLength(1)
        }), 30_000)

      it.effect("the status report: time to expiry, keys expiring within the warning window, last use", () =>
        onTestClock(Effect.gen(function* () {
          const keys = yield* ApiKeys
          const soon = yield* keys.create({ ...serviceKey, expiresInDays: 3 }, "test")
          const later = yield* keys.create({ ...serviceKey, expiresInDays: 60 }, "test")
          yield* keys.verify(later.key)
          // The last use is written in the background: wait for it on real time.
          yield* TestServices.provideLive(eventually(keys.get(later.info.id), (info) => info.lastUsedAt !== null))
          const report = yield* keys.status
          const entry = (id: string) => report.keys.find((k) => k.id === id)!
          expect(report.warningWindowDays).toBe(14)
          expect(entry(soon.info.id)).toMatchObject({ expiringSoon: true, secondsToExpiry: 3 * 86400 })
          expect(entry(later.info.id)).toMatchObject({ expiringSoon: false, secondsToExpiry: 60 * 86400 })
          expect(report.expiringSoon.map((k) => k.id)).toContain(soon.info.id)
          expect(report.expiringSoon.map((k) => k.id)).not.toContain(later.info.id)
        })))

      it.effect("a scheduled rotation runs when due; its holder claims the successor once, which then works", () =>
        Effect.gen(function* () {
          const keys = yield* ApiKeys
          const created = yield* keys.create(serviceKey, "test")
          const schedule = yield* keys.scheduleRotation({ keyId: created.info.id, everySeconds: 30 * 86400, overlapSeconds: HOUR }, "test")
          expect(schedule).toMatchObject({ keyId: created.info.id, everySeconds: 30 * 86400, overlapSeconds: HOUR })
          expect(yield* keys.runDueRotations).toBe(0) // not due for 30 days
          yield* keys.scheduleRotation({ keyId: created.info.id, at: (yield* keys.get(created.info.id)).createdAt, everySeconds: 30 * 86400 }, "test")
          expect(yield* keys.runDueRotations).toBeGreaterThanOrEqual(1)
          const old = yield* keys.get(created.info.id)
          expect(old.status).toBe("rotating")
          const successor = yield* keys.claimSuccessor(created.info.id)
          expect(successor.info).toMatchObject({ id: old.replacedBy, rotatedFrom: created.info.id })
          expect((yield* keys.verify(successor.key)).keyId).toBe(old.replacedBy)
          expect(yield* Effect.flip(keys.claimSuccessor(created.info.id))).toEqual(new NoSuccessorPending({ keyId: created.info.id }))
          // The recurring schedule followed the key to its successor.
          const report = yield* keys.status
          expect(report.keys.find((k) => k.id === old.replacedBy)?.schedule).toMatchObject({ everySeconds: 30 * 86400 })
          expect(report.keys.find((k) => k.id === created.info.id)?.schedule).toBeNull()
          const trail = yield* keys.audit(created.info.id)
          expect(trail.map((e) => e.type)).toEqual(["ApiKeyCreated", "ApiKeyRotationScheduled", "ApiKeyRotationScheduled", "ApiKeyRotated", "ApiKeySuccessorClaimed"])
          expect(trail[3]?.data).toMatchObject({ trigger: "scheduled" })
        }))

      it.effect("Auth: a key or a token authenticates; none, or a bad one, is Unauthorized", () =>
        Effect.gen(function* () {
          const auth = yield* Auth
          const keys = yield* ApiKeys
          const created = yield* keys.create(serviceKey, "test")
          expect(yield* auth.authenticate(created.key)).toMatchObject({ kind: "key", keyId: created.info.id })
          expect(reasonOf(yield* Effect.either(auth.authenticate("")))).toBe("missing")
          expect(reasonOf(yield* Effect.either(auth.authenticate("not-a-jwt")))).toBe("invalid_token")
          expect(Option.isNone(Option.none())).toBe(true)
        }))
    })
  })
}
