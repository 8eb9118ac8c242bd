/**
 * Every API key endpoint through the HTTP door (`/admin/keys`, as the bootstrap admin): its success,
 * its declared errors and its bad input.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import { parseApiKey } from "../../src/services/keys/format.js"
import { TEST_ADMIN_KEY } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { call, callAs, errorOf, type HttpAnswer, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

type Json = Record<string, any>

const DAY_SECONDS = 86_400
/** API_KEY_TTL_DAYS and API_KEY_EXPIRY_WARNING_DAYS, defaults. */
const DEFAULT_TTL_DAYS = 90
const WARNING_DAYS = 14
const DEFAULT_OVERLAP_SECONDS = 86_400

const post = (path: string, body: unknown, credential: string = TEST_ADMIN_KEY) =>
  callAs(credential, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

interface Created {
  readonly key: string
  readonly info: Json
}

const createKey = (request: Json = {}) =>
  Effect.gen(function* () {
    const answer = yield* post("/admin/keys", { name: `key ${runToken()}`, env: "dev", scopes: ["events:read"], ...request })
    expect(answer.status, answer.text).toBe(201)
    return answer.json as Created
  })

const getKey = (keyId: string) => Effect.map(call(`/admin/keys/${keyId}`), (answer) => {
  expect(answer.status, answer.text).toBe(200)
  return answer.json as Json
})

const listKeys = Effect.map(call("/admin/keys"), (answer) => {
  expect(answer.status, answer.text).toBe(200)
  return answer.json as Array<Json>
})

const rotate = (keyId: string, extra: Json = {}) => post("/admin/keys/rotate", { keyId, ...extra })
const revoke = (keyId: string) => post(`/admin/keys/${keyId}/revoke`, undefined)
const auditOf = (keyId: string) => Effect.map(call(`/admin/keys/${keyId}/audit`), (answer) => {
  expect(answer.status, answer.text).toBe(200)
  return answer.json as Array<Json>
})

const statusReport = Effect.map(call("/admin/keys/status"), (answer) => {
  expect(answer.status, answer.text).toBe(200)
  return answer.json as Json
})

const expectError = (answer: HttpAnswer, status: number, tag: string, details: Json = {}) => {
  expect(answer.status, answer.text).toBe(status)
  expect(errorOf(answer), answer.text).toMatchObject({ tag, ...details })
}

const expectInvalid = (answer: HttpAnswer, field: string, label: string) => {
  expect(answer.status, `${label}: ${answer.text}`).toBe(400)
  expect(errorOf(answer), label).toMatchObject({ tag: "InvalidRequest", field })
}

/** HTTP_MAX_BODY_BYTES of the second Hub, to send bodies over the limit cheaply. */
const SMALL_BODY_LIMIT_BYTES = 4096

/** Sends a JSON body in chunks (no Content-Length), as a streaming client would, as the bootstrap admin. */
const postChunked = (url: string, chunks: number, chunkBytes: number) =>
  Effect.async<{ status: number; body: string } | { reset: string }>((resume) => {
    const request = http.request(
      url,
      { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_KEY}` } },
      (response) => {
        let body = ""
        response.on("data", (d) => (body += d))
        response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, body })))
      }
    )
    request.on("error", (e) => resume(Effect.succeed({ reset: e.message })))
    const chunk = Buffer.alloc(chunkBytes, 0x20)
    for (let i = 0; i < chunks; i++) request.write(chunk)
    request.end()
  })

const msOf = (iso: string) => new Date(iso).getTime()

/** The bootstrap admin key's id: the actor of everything these tests do. */
const bootstrapId = Effect.map(listKeys, (keys) => keys.find((k) => k.name === "bootstrap admin")!.id as string)

for (const backend of backends) {
  describe.skipIf(backend.skip)(`API keys over HTTP (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("create answers 201 with the key, shown once: get and list show its info, never the key", () =>
        Effect.gen(function* () {
          const name = `billing worker ${runToken()}`
          const before = Date.now()
          const created = yield* createKey({ name, scopes: ["events:read", "energy:write"] })
          const { key, info } = created
          expect(key).toMatch(/^luna_dev_[0-9A-Za-z]{38}$/)
          expect(typeof parseApiKey(key)).toBe("object")
          expect(info).toMatchObject({
            name,
            env: "dev",
            scopes: ["events:read", "energy:write"],
            status: "active",
            lastUsedAt: null,
            replacedBy: null,
            overlapEndsAt: null,
            rotatedFrom: null,
            revokedAt: null
          })
          expect(info.id).toMatch(/^[0-9a-f-]{36}$/)
          expect(info.displayPrefix).toBe(key.slice(0, "luna_dev_".length + 4))
          expect(msOf(info.createdAt)).toBeGreaterThanOrEqual(before - 1000)
          expect(msOf(info.expiresAt) - msOf(info.createdAt)).toBe(DEFAULT_TTL_DAYS * DAY_SECONDS * 1000)

          const secretPart = key.slice(info.displayPrefix.length)
          const one = yield* call(`/admin/keys/${info.id}`)
          expect(one.status).toBe(200)
          expect(one.json).toEqual(info)
          const list = yield* call("/admin/keys")
          expect((list.json as Array<Json>).find((k) => k.id === info.id)).toEqual(info)
          const status = yield* call("/admin/keys/status")
          for (const answer of [one, list, status]) {
            expect(answer.text).not.toContain(key)
            expect(answer.text).not.toContain(secretPart)
          }
        }))

      it.effect("create makes a key of the requested env, with the requested lifetime", () =>
        Effect.gen(function* () {
          for (const env of ["dev", "staging", "prod"] as const) {
            const { key, info } = yield* createKey({ env, expiresInDays: 30 })
            expect(key.startsWith(`luna_${env}_`), env).toBe(true)
            expect(info.env).toBe(env)
            expect(msOf(info.expiresAt) - msOf(info.createdAt)).toBe(30 * DAY_SECONDS * 1000)
          }
        }))

      it.effect("create cleans markup and invisible characters out of the name", () =>
        Effect.gen(function* () {
          const { info } = yield* createKey({ name: "<b>Billing</b>  <script>alert(1)</script>worker\u200B <img src=x onerror=alert(1)>" })
          expect(info.name).toBe("Billing worker")
          expect((yield* getKey(info.id)).name).toBe("Billing worker")
        }))

      it.effect("create refuses bad input with 400 naming the field", () =>
        Effect.gen(function* () {
          const valid = { name: "ok", env: "dev", scopes: ["events:read"] }
          for (const [label, body, field] of [
            ["unknown scope", { ...valid, scopes: ["root"] }, "scopes.0"],
            ["empty scopes", { ...valid, scopes: [] }, "scopes"],
            ["repeated scope", { ...valid, scopes: ["events:read", "events:read"] }, "scopes"],
            ["name too long", { ...valid, name: "n".repeat(101) }, "name"],
            ["name empty once cleaned", { ...valid, name: "<b></b>  " }, "name"],
            ["no name", { env: "dev", scopes: ["events:read"] }, "name"],
            ["bad env", { ...valid, env: "test" }, "env"],
            ["expiresInDays 0", { ...valid, expiresInDays: 0 }, "expiresInDays"],
            ["expiresInDays too large", { ...valid, expiresInDays: 3651 }, "expiresInDays"],
            ["expiresInDays not an integer", { ...valid, expiresInDays: 1.5 }, "expiresInDays"]
          ] as const) {
            const answer = yield* post("/admin/keys", body)
            expectInvalid(answer, field, label)
            expect(String(errorOf(answer).message), label).toContain(field)
          }
        }))

      it.effect("create, rotate and schedule-rotation refuse a body that is not JSON with 400 naming body", () =>
        Effect.gen(function* () {
          for (const path of ["/admin/keys", "/admin/keys/rotate", "/admin/keys/schedule-rotation"]) {
            const answer = yield* call(path, { method: "POST", headers: { "content-type": "application/json" }, body: "{" })
            expectInvalid(answer, "body", `${path}, not JSON`)
          }
        }))

      it.effect("list answers every key, oldest first, the bootstrap admin key among them", () =>
        Effect.gen(function* () {
          const first = yield* createKey()
          const second = yield* createKey()
          const keys = yield* listKeys
          const ids = keys.map((k) => k.id)
          expect(ids).toContain(first.info.id)
          expect(ids.indexOf(first.info.id)).toBeLessThan(ids.indexOf(second.info.id))
          expect(keys[0]).toMatchObject({ name: "bootstrap admin", scopes: ["admin"], status: "active" })
          expect(new Set(ids).size).toBe(ids.length)
        }))

      it.effect("get answers 404 KeyNotFound for an unknown id and 400 for an id that is not a UUID", () =>
        Effect.gen(function* () {
          const unknown = randomUUID()
          expectError(yield* call(`/admin/keys/${unknown}`), 404, "KeyNotFound", { keyId: unknown })
          expectInvalid(yield* call("/admin/keys/not-a-uuid"), "keyId", "not a uuid")
          expectInvalid(yield* call("/admin/keys/not-a-uuid/audit"), "keyId", "audit, not a uuid")
          expectInvalid(yield* post("/admin/keys/not-a-uuid/revoke", undefined), "keyId", "revoke, not a uuid")
        }))

      it.effect("status lists a new key; one that stops within the warning window is expiringSoon, with its seconds to expiry", () =>
        Effect.gen(function* () {
          const soon = yield* createKey({ expiresInDays: 7 })
          const later = yield* createKey()
          const report = yield* statusReport
          expect(report.warningWindowDays).toBe(WARNING_DAYS)
          expect(Math.abs(msOf(report.asOf) - Date.now())).toBeLessThan(60_000)
          const soonEntry = report.keys.find((k: Json) => k.id === soon.info.id)
          const laterEntry = report.keys.find((k: Json) => k.id === later.info.id)
          expect(soonEntry).toMatchObject({ ...soon.info, expiringSoon: true, schedule: null })
          expect(soonEntry.secondsToExpiry).toBeGreaterThan(7 * DAY_SECONDS - 120)
          expect(soonEntry.secondsToExpiry).toBeLessThanOrEqual(7 * DAY_SECONDS)
          expect(laterEntry).toMatchObject({ id: later.info.id, expiringSoon: false, status: "active" })
          expect(laterEntry.secondsToExpiry).toBeGreaterThan(DEFAULT_TTL_DAYS * DAY_SECONDS - 120)
          expect(laterEntry.secondsToExpiry).toBeLessThanOrEqual(DEFAULT_TTL_DAYS * DAY_SECONDS)
          const soonIds = report.expiringSoon.map((k: Json) => k.id)
          expect(soonIds).toContain(soon.info.id)
          expect(soonIds).not.toContain(later.info.id)
          expect(report.expiringSoon.every((k: Json) => k.expiringSoon === true)).toBe(true)
        }))

      it.effect("status reports a stopped key with 0 seconds to expiry and not expiring soon", () =>
        Effect.gen(function* () {
          const { info } = yield* createKey({ expiresInDays: 1 })
          expect((yield* revoke(info.id)).status).toBe(200)
          const entry = (yield* statusReport).keys.find((k: Json) => k.id === info.id)
          expect(entry).toMatchObject({ status: "revoked", secondsToExpiry: 0, expiringSoon: false })
        }))

      it.effect("rotate issues a successor with the same name, env and scopes; both keys work during the overlap", () =>
        Effect.gen(function* () {
          const old = yield* createKey({ scopes: ["admin"], env: "staging" })
          expect((yield* callAs(old.key, "/admin/keys")).status).toBe(200)
          const before = Date.now()
          const answer = yield* rotate(old.info.id)
          expect(answer.status, answer.text).toBe(200)
          const { current, previous } = answer.json as { current: Created; previous: Json }
          expect(current.key).toMatch(/^luna_staging_[0-9A-Za-z]{38}$/)
          expect(current.key).not.toBe(old.key)
          expect(current.info).toMatchObject({
            name: old.info.name,
            env: "staging",
            scopes: ["admin"],
            status: "active",
            rotatedFrom: old.info.id,
            replacedBy: null
          })
          expect(current.info.id).not.toBe(old.info.id)
          expect(previous).toMatchObject({ id: old.info.id, status: "rotating", replacedBy: current.info.id })
          const overlapEndsAtMs = msOf(previous.overlapEndsAt)
          expect(overlapEndsAtMs).toBeGreaterThanOrEqual(before + DEFAULT_OVERLAP_SECONDS * 1000 - 1000)
          expect(overlapEndsAtMs).toBeLessThanOrEqual(Date.now() + DEFAULT_OVERLAP_SECONDS * 1000 + 1000)
          // The successor keeps the lifetime, from its own creation.
          expect(msOf(current.info.expiresAt) - msOf(current.info.createdAt)).toBe(DEFAULT_TTL_DAYS * DAY_SECONDS * 1000)

          expect((yield* callAs(old.key, "/admin/keys")).status).toBe(200)
          expect((yield* callAs(current.key, "/admin/keys")).status).toBe(200)
          expect(yield* getKey(old.info.id)).toMatchObject({ status: "rotating", replacedBy: current.info.id })
          expect((yield* call(`/admin/keys/${current.info.id}`)).text).not.toContain(current.key)
          const entry = (yield* statusReport).keys.find((k: Json) => k.id === old.info.id)
          // A rotating key stops at the end of its overlap (24 h), within the warning window.
          expect(entry).toMatchObject({ status: "rotating", expiringSoon: true })
          expect(entry.secondsToExpiry).toBeLessThanOrEqual(DEFAULT_OVERLAP_SECONDS)
        }))

      it.effect("rotate with no overlap stops the old key at once: 401 expired", () =>
        Effect.gen(function* () {
          const old = yield* createKey({ scopes: ["admin"] })
          expect((yield* callAs(old.key, "/admin/keys")).status).toBe(200)
          const answer = yield* rotate(old.info.id, { overlapSeconds: 0 })
          expect(answer.status, answer.text).toBe(200)
          const { current, previous } = answer.json as { current: Created; previous: Json }
          expect(previous.status).toBe("expired")
          const refused = yield* callAs(old.key, "/admin/keys")
          expectError(refused, 401, "Unauthorized", { reason: "expired" })
          expect((yield* callAs(current.key, "/admin/keys")).status).toBe(200)
        }))

      it.effect("rotate answers 409 KeyNotRotatable for a rotating or revoked key, 404 for an unknown one, 400 for bad input", () =>
        Effect.gen(function* () {
          const rotating = yield* createKey()
          expect((yield* rotate(rotating.info.id)).status).toBe(200)
          expectError(yield* rotate(rotating.info.id), 409, "KeyNotRotatable", { keyId: rotating.info.id, status: "rotating" })

          const revoked = yield* createKey()
          expect((yield* revoke(revoked.info.id)).status).toBe(200)
          expectError(yield* rotate(revoked.info.id), 409, "KeyNotRotatable", { keyId: revoked.info.id, status: "revoked" })

          const unknown = randomUUID()
          expectError(yield* rotate(unknown), 404, "KeyNotFound", { keyId: unknown })

          expectInvalid(yield* rotate("not-a-uuid"), "keyId", "keyId not a uuid")
          expectInvalid(yield* post("/admin/keys/rotate", {}), "keyId", "no keyId")
          const fresh = yield* createKey()
          expectInvalid(yield* rotate(fresh.info.id, { overlapSeconds: -1 }), "overlapSeconds", "negative overlap")
          expectInvalid(yield* rotate(fresh.info.id, { overlapSeconds: 30 * DAY_SECONDS + 1 }), "overlapSeconds", "overlap over 30 days")
          // Refused input changed nothing.
          expect((yield* getKey(fresh.info.id)).status).toBe("active")
        }))

      it.effect("10 concurrent rotations of one key: exactly one 200, nine 409, one successor", () =>
        Effect.gen(function* () {
          const { info } = yield* createKey()
          const answers = yield* Effect.all(Array.from({ length: 10 }, () => rotate(info.id)), { concurrency: "unbounded" })
          const statuses = answers.map((a) => a.status).sort()
          expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409])
          for (const refused of answers.filter((a) => a.status === 409)) {
            expect(errorOf(refused)).toMatchObject({ tag: "KeyNotRotatable", keyId: info.id, status: "rotating" })
          }
          const winner = answers.find((a) => a.status === 200)!.json as { current: Created }
          const successors = (yield* listKeys).filter((k) => k.rotatedFrom === info.id)
          expect(successors.map((k) => k.id)).toEqual([winner.current.info.id])
          expect(yield* getKey(info.id)).toMatchObject({ status: "rotating", replacedBy: winner.current.info.id })
          expect((yield* auditOf(info.id)).filter((e) => e.type === "ApiKeyRotated")).toHaveLength(1)
        }))

      it.effect("schedule-rotation answers the schedule (nextRunAt), which status shows", () =>
        Effect.gen(function* () {
          const every = yield* createKey()
          const before = Date.now()
          const answer = yield* post("/admin/keys/schedule-rotation", { keyId: every.info.id, everySeconds: 7200 })
          expect(answer.status, answer.text).toBe(200)
          const schedule = answer.json as Json
          expect(schedule).toMatchObject({ keyId: every.info.id, everySeconds: 7200, overlapSeconds: DEFAULT_OVERLAP_SECONDS })
          expect(msOf(schedule.nextRunAt)).toBeGreaterThanOrEqual(before + 7200_000 - 1000)
          expect(msOf(schedule.nextRunAt)).toBeLessThanOrEqual(Date.now() + 7200_000 + 1000)

          const once = yield* createKey()
          const at = new Date(Date.now() + 3 * DAY_SECONDS * 1000).toISOString()
          const onceAnswer = yield* post("/admin/keys/schedule-rotation", { keyId: once.info.id, at, overlapSeconds: 600 })
          expect(onceAnswer.status, onceAnswer.text).toBe(200)
          expect(onceAnswer.json).toMatchObject({ keyId: once.info.id, everySeconds: null, overlapSeconds: 600 })
          expect(msOf((onceAnswer.json as Json).nextRunAt)).toBe(msOf(at))

          const report = yield* statusReport
          expect(report.keys.find((k: Json) => k.id === every.info.id).schedule).toEqual(schedule)
          expect(report.keys.find((k: Json) => k.id === once.info.id).schedule).toEqual(onceAnswer.json)
          // Scheduling again replaces the schedule.
          const again = yield* post("/admin/keys/schedule-rotation", { keyId: every.info.id, everySeconds: 3600 })
          expect(again.json).toMatchObject({ keyId: every.info.id, everySeconds: 3600 })
          expect((yield* statusReport).keys.find((k: Json) => k.id === every.info.id).schedule).toEqual(again.json)
        }))

      it.effect("a manual rotation moves the key's schedule to its successor", () =>
        Effect.gen(function* () {
          const { info } = yield* createKey()
          const scheduled = (yield* post("/admin/keys/schedule-rotation", { keyId: info.id, everySeconds: 7200 })).json as Json
          const rotated = (yield* rotate(info.id)).json as { current: Created }
          const report = yield* statusReport
          expect(report.keys.find((k: Json) => k.id === info.id).schedule).toBeNull()
          expect(report.keys.find((k: Json) => k.id === rotated.current.info.id).schedule).toMatchObject({
            keyId: rotated.current.info.id,
            nextRunAt: scheduled.nextRunAt,
            everySeconds: 7200
          })
        }))

      it.effect("schedule-rotation refuses bad input with 400, an unknown key with 404, a revoked or rotating key with 409", () =>
        Effect.gen(function* () {
          const { info } = yield* createKey()
          const neither = yield* post("/admin/keys/schedule-rotation", { keyId: info.id })
          expect(neither.status, neither.text).toBe(400)
          expect(errorOf(neither)).toMatchObject({ tag: "InvalidRequest" })
          expect(String(errorOf(neither).message)).toContain("give at, everySeconds, or both")
          expectInvalid(yield* post("/admin/keys/schedule-rotation", { keyId: info.id, everySeconds: 60 }), "everySeconds", "everySeconds below an hour")
          expectInvalid(yield* post("/admin/keys/schedule-rotation", { keyId: info.id, at: "tomorrow" }), "at", "at not a date")
          expectInvalid(yield* post("/admin/keys/schedule-rotation", { keyId: "nope", everySeconds: 3600 }), "keyId", "keyId not a uuid")
          expect((yield* statusReport).keys.find((k: Json) => k.id === info.id).schedule).toBeNull()

          const unknown = randomUUID()
          expectError(yield* post("/admin/keys/schedule-rotation", { keyId: unknown, everySeconds: 3600 }), 404, "KeyNotFound", { keyId: unknown })

          expect((yield* revoke(info.id)).status).toBe(200)
          expectError(yield* post("/admin/keys/schedule-rotation", { keyId: info.id, everySeconds: 3600 }), 409, "KeyNotRotatable", { status: "revoked" })
          const rotating = yield* createKey()
          expect((yield* rotate(rotating.info.id)).status).toBe(200)
          expectError(yield* post("/admin/keys/schedule-rotation", { keyId: rotating.info.id, everySeconds: 3600 }), 409, "KeyNotRotatable", {
            status: "rotating"
          })
        }))

      it.effect("revoke is idempotent: twice 200, the key revoked once, its schedule dropped; unknown 404", () =>
        Effect.gen(function* () {
          const { key, info } = yield* createKey({ scopes: ["admin"] })
          expect((yield* post("/admin/keys/schedule-rotation", { keyId: info.id, everySeconds: 3600 })).status).toBe(200)
          const first = yield* revoke(info.id)
          expect(first.status, first.text).toBe(200)
          expect(first.json).toMatchObject({ id: info.id, status: "revoked" })
          expect((first.json as Json).revokedAt).not.toBeNull()
          const second = yield* revoke(info.id)
          expect(second.status, second.text).toBe(200)
          expect(second.json).toEqual(first.json)
          expect(yield* getKey(info.id)).toEqual(first.json)
          expect((yield* statusReport).keys.find((k: Json) => k.id === info.id)).toMatchObject({ status: "revoked", schedule: null })
          expect((yield* auditOf(info.id)).filter((e) => e.type === "ApiKeyRevoked")).toHaveLength(1)
          expectError(yield* callAs(key, "/admin/keys"), 401, "Unauthorized", { reason: "revoked" })
          const unknown = randomUUID()
          expectError(yield* revoke(unknown), 404, "KeyNotFound", { keyId: unknown })
        }))

      it.effect("audit answers the key's events in order, by whom; a revoked key's use adds ApiKeyUseRefused; unknown 404", () =>
        Effect.gen(function* () {
          const admin = yield* bootstrapId
          const { key, info } = yield* createKey({ scopes: ["admin"] })
          expect((yield* post("/admin/keys/schedule-rotation", { keyId: info.id, everySeconds: 3600 })).status).toBe(200)
          const rotated = (yield* rotate(info.id)).json as { current: Created }
          expect((yield* revoke(info.id)).status).toBe(200)

          const trail = yield* auditOf(info.id)
          expect(trail.map((e) => e.type)).toEqual(["ApiKeyCreated", "ApiKeyRotationScheduled", "ApiKeyRotated", "ApiKeyRevoked"])
          expect(trail.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4])
          for (const event of trail) {
            expect(event.streamId).toBe(`apikey:${info.id}`)
            expect(event.metadata).toMatchObject({ actor: `key:${admin}` })
          }
          expect(trail[0]!.data).toMatchObject({ name: info.name, env: "dev", scopes: ["admin"], rotatedFrom: null, trigger: "manual" })
          expect(trail[1]!.data).toMatchObject({ everySeconds: 3600 })
          expect(trail[2]!.data).toMatchObject({ replacedBy: rotated.current.info.id, trigger: "manual" })
          const successorTrail = yield* auditOf(rotated.current.info.id)
          expect(successorTrail.map((e) => e.type)).toEqual(["ApiKeyCreated"])
          expect(successorTrail[0]!.data).toMatchObject({ rotatedFrom: info.id, trigger: "manual" })
          // The trail never holds a key.
          for (const secret of [key, rotated.current.key]) {
            expect(JSON.stringify([trail, successorTrail])).not.toContain(secret)
            expect(JSON.stringify([trail, successorTrail])).not.toContain(secret.slice(info.displayPrefix.length))
          }

          expectError(yield* callAs(key, "/admin/keys"), 401, "Unauthorized", { reason: "revoked" })
          const withRefusal = yield* eventually(auditOf(info.id), (events) => events.length === 5, "20 seconds")
          expect(withRefusal.map((e) => e.type)).toEqual([
            "ApiKeyCreated",
            "ApiKeyRotationScheduled",
            "ApiKeyRotated",
            "ApiKeyRevoked",
            "ApiKeyUseRefused"
          ])
          expect(withRefusal[4]).toMatchObject({ data: { status: "revoked" }, metadata: { actor: "request" } })

          const unknown = randomUUID()
          expectError(yield* call(`/admin/keys/${unknown}/audit`), 404, "KeyNotFound", { keyId: unknown })
        }))

      it.effect("a key's use is recorded as lastUsedAt", () =>
        Effect.gen(function* () {
          const { key, info } = yield* createKey({ scopes: ["admin"] })
          const before = Date.now()
          expect((yield* callAs(key, "/admin/keys/status")).status).toBe(200)
          const used = yield* eventually(getKey(info.id), (k) => k.lastUsedAt !== null, "20 seconds")
          expect(msOf(used.lastUsedAt)).toBeGreaterThanOrEqual(before - 1000)
        }))
    })

    layer(testHubLayer(backend.name, { env: { HTTP_MAX_BODY_BYTES: String(SMALL_BODY_LIMIT_BYTES) } }), {
      timeout: 60_000,
      excludeTestServices: true
    })((it) => {
      it.effect("create refuses an oversized body with 413, announced or streamed", () =>
        Effect.gen(function* () {
          const body = JSON.stringify({ name: "x".repeat(2 * SMALL_BODY_LIMIT_BYTES), env: "dev", scopes: ["events:read"] })
          const announced = yield* call("/admin/keys", { method: "POST", headers: { "content-type": "application/json" }, body })
          expect(announced.status, announced.text).toBe(413)
          expect(errorOf(announced)).toMatchObject({ tag: "PayloadTooLarge", limitBytes: SMALL_BODY_LIMIT_BYTES })
          const hub = yield* TestHub
          const streamed = yield* postChunked(`${hub.url}/admin/keys`, 8, 1024)
          // The platform may also cut the connection as soon as the limit is crossed.
          expect("reset" in streamed || streamed.status === 413, JSON.stringify(streamed)).toBe(true)
        }))
    })
  })
}
