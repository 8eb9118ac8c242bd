/**
 * What the Hub's logs say about credentials after a run of everything that touches them: keys
 * created, used, rotated and revoked, refused keys, valid and invalid user tokens, over both doors.
 * No line holds a key or a token (whole or its first characters) nor a user id in clear; keys are
 * named by a keyed hash, the same one on every line about the same key.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import { HubClient } from "../../src/rpc/client.js"
import { signUserToken } from "../../src/services/auth/tokens.js"
import { generateApiKey } from "../../src/services/keys/format.js"
import { TEST_ADMIN_KEY, TEST_JWT, userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { call, callAs, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

type Json = Record<string, any>

const SECRET_USER = "u-secret-user-123"
/** How many leading characters of a credential must not appear either. */
const PREFIX_LENGTH = 20

const post = (path: string, body: unknown, credential: string = TEST_ADMIN_KEY) =>
  callAs(credential, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const createKey = (scopes: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const answer = yield* post("/admin/keys", { name: `logs ${runToken()}`, env: "dev", scopes })
    expect(answer.status, answer.text).toBe(201)
    return answer.json as { readonly key: string; readonly info: Json }
  })

const withBadChecksum = (key: string): string => key.slice(0, -1) + (key.endsWith("A") ? "B" : "A")

/** One RPC call through the exported client with `credential`; its outcome does not matter here. */
const rpcListAs = (credential: string) =>
  Effect.flatMap(TestHub, (hub) =>
    Effect.scoped(
      Effect.flatMap(Layer.build(HubClient.layer({ url: hub.url, credential })), (context) =>
        Effect.either(Context.get(context, HubClient).Keys.List())
      )
    )
  )

const parse = (line: string): Json => JSON.parse(line) as Json

for (const backend of backends) {
  describe.skipIf(backend.skip)(`security logs (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("no log line holds a key, a token, their first 20 characters or a user id; keys are named by a stable keyed hash", () =>
        Effect.gen(function* () {
          const admin = yield* createKey(["admin"])
          const service = yield* createKey(["service"])
          expect((yield* callAs(admin.key, "/admin/keys")).status).toBe(200)
          expect((yield* callAs(service.key, "/admin/keys")).status).toBe(403)

          const rotation = yield* post("/admin/keys/rotate", { keyId: admin.info.id })
          expect(rotation.status, rotation.text).toBe(200)
          const successor = (rotation.json as { current: { key: string; info: Json } }).current
          expect((yield* callAs(successor.key, "/admin/keys/status")).status).toBe(200)
          expect((yield* callAs(admin.key, "/admin/keys/status")).status).toBe(200)

          expect((yield* post(`/admin/keys/${service.info.id}/revoke`, undefined)).status).toBe(200)
          expect((yield* callAs(service.key, "/admin/keys")).status).toBe(401)

          const badChecksum = withBadChecksum(generateApiKey("prod"))
          const unknown = generateApiKey("staging")
          expect((yield* callAs(badChecksum, "/admin/keys")).status).toBe(401)
          expect((yield* callAs(unknown, "/admin/keys")).status).toBe(401)

          const validToken = yield* Effect.promise(() => userToken(SECRET_USER))
          const expiredToken = yield* Effect.promise(() => userToken(SECRET_USER, { nowMs: Date.now() - 7200_000, ttlSeconds: 3600 }))
          const forgedToken = yield* Effect.promise(() =>
            signUserToken({ secret: Redacted.make("not-the-hub-secret-0123456789abcdef"), ...TEST_JWT }, SECRET_USER, {
              nowMs: Date.now(),
              ttlSeconds: 3600
            })
          )
          expect((yield* callAs(validToken, "/admin/keys")).status).toBe(403)
          expect((yield* callAs(expiredToken, "/admin/keys")).status).toBe(401)
          expect((yield* callAs(forgedToken, "/admin/keys")).status).toBe(401)
          // A credential in the query string, where a careless client might put one.
          expect((yield* callAs(undefined, `/admin/keys?api_key=${successor.key}&token=${validToken}`)).status).toBe(401)

          // The same credentials through the RPC door.
          for (const credential of [successor.key, service.key, badChecksum, unknown, validToken, expiredToken]) {
            yield* rpcListAs(credential)
          }

          // The refused use of the revoked key is audited (and logged) in the background.
          yield* eventually(
            call(`/admin/keys/${service.info.id}/audit`),
            (answer) => (answer.json as Array<Json>).some((e) => e.type === "ApiKeyUseRefused"),
            "20 seconds"
          )

          const logs = (yield* TestHub).logs
          const lines = logs.map(parse)
          const secrets: Record<string, string> = {
            "the bootstrap admin key": TEST_ADMIN_KEY,
            "an admin key": admin.key,
            "its successor": successor.key,
            "a revoked service key": service.key,
            "a key with a bad checksum": badChecksum,
            "an unknown key": unknown,
            "a valid user token": validToken,
            "an expired user token": expiredToken,
            "a forged user token": forgedToken
          }
          for (const [label, secret] of Object.entries(secrets)) {
            for (const line of logs) {
              expect(line.includes(secret), `${label} in ${line}`).toBe(false)
              expect(line.includes(secret.slice(0, PREFIX_LENGTH)), `the first ${PREFIX_LENGTH} characters of ${label} in ${line}`).toBe(false)
              // The random part of a key, in case a line cut the prefix off.
              if (secret.startsWith("luna_")) expect(line.includes(secret.slice(-20)), `the end of ${label} in ${line}`).toBe(false)
            }
          }
          for (const line of logs) expect(line.includes(SECRET_USER), `the user id in clear in ${line}`).toBe(false)

          // The run was logged: the key service's lines name keys by a hash, never by their id.
          const keyLines = lines.filter((l) => l.logger === "keys")
          const messages = keyLines.map((l) => l.message)
          for (const message of ["API key created", "API key rotated", "API key revoked", "A stopped API key was presented"]) {
            expect(messages, message).toContain(message)
          }
          for (const line of keyLines) {
            expect(line.key, JSON.stringify(line)).toMatch(/^[A-Za-z0-9_-]{16}$/)
            for (const id of [admin.info.id, service.info.id, successor.info.id]) {
              expect(JSON.stringify(line), "a key id in clear").not.toContain(id)
            }
          }
          // One key, one hash: the rotation line names the rotated key by its creation line's hash.
          const rotated = keyLines.find((l) => l.message === "API key rotated")!
          const revoked = keyLines.find((l) => l.message === "API key revoked")!
          const refused = keyLines.find((l) => l.message === "A stopped API key was presented")!
          expect(refused.key).toBe(revoked.key)
          expect(refused.status).toBe("revoked")
          expect(rotated.successor).toMatch(/^[A-Za-z0-9_-]{16}$/)
          expect(rotated.key).not.toBe(rotated.successor)
          const createdHashes = keyLines.filter((l) => l.message === "API key created").map((l) => l.key)
          expect(createdHashes).toContain(rotated.key)
          expect(createdHashes).toContain(revoked.key)
          // The refusals were served (and access-logged) without the credential.
          const refusedRequests = lines.filter((l) => l.logger === "access" && l.status === 401)
          expect(refusedRequests.length).toBeGreaterThanOrEqual(5)
        }))
    })
  })
}
