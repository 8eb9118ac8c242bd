/**
 * Erasure through both doors, and the canary test: a user whose every personal field holds a unique
 * canary string goes through every concern, is exported (every canary is in the export), is erased,
 * and then no table (every column, as text),
 * no Redis key or value, and no read through the doors holds a canary or the user's id, while
 * another user's data is untouched. Also: every table has an erasure rule.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { EventStore } from "../../src/services/events/EventStore.js"
import type { StreamId } from "../../src/services/events/schema.js"
import type { UserId } from "../../src/services/guardian/schema.js"
import { ERASURE_RULES } from "../../src/services/gdpr/erasure/rules.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { call, callAs, errorOf, type Json, ok, testHubLayer } from "../support/hub.js"
import { asAdmin, RPC_TRANSPORTS, withClient } from "../support/rpc.js"
import { dumpStore, dumpTables, holding } from "../support/stored.js"

const backends = await backendsUnderTest()

const send = (method: string, path: string, body?: unknown, credential: string = TEST_ADMIN_KEY) =>
  callAs(credential, path, body === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
const post = (path: string, body: unknown, credential?: string) => send("POST", path, body, credential)

for (const backend of backends) {
  describe.skipIf(backend.skip)(`GDPR erasure (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 120_000, excludeTestServices: true })((it) => {
      it.effect("every table has an erasure rule; a rule handled by another names a table with its own", () =>
        Effect.gen(function* () {
          const { tables } = yield* dumpTables
          expect(tables.length).toBeGreaterThan(10)
          expect(tables.filter((table) => ERASURE_RULES[table] === undefined), "tables without an erasure rule").toEqual([])
          for (const rule of Object.values(ERASURE_RULES)) {
            if (rule.action === "with") expect("run" in ERASURE_RULES[rule.table]!).toBe(true)
          }
        }))

      it.effect("the canary: after erasure no table, key or read holds the user's canaries or id; another user is untouched", () =>
        Effect.gen(function* () {
          const token = runToken()
          const canary = (n: number) => `CANARY${token}X${n}`
          const u = `canary-user-${token}`
          const other = `bystander-${token}`
          const asUser = yield* Effect.promise(() => userToken(u))
          const canaries = Array.from({ length: 15 }, (_, i) => canary(i))

          // Every concern, with personal data wherever a field can hold it.
          ok(yield* post(`/energy/${u}/account`, { plan: "free" }))
          ok(yield* post(`/gdpr/consent`, { userId: u, consentType: "behavioral", granted: true, source: "web", ipAddress: "198.51.100.23", userAgent: `agent ${canary(0)}` }), 201)
          const consumed = ok(yield* post(`/energy/${u}/consume`, {
            action: "cv_generation",
            idempotencyKey: `k-${canary(1)}`,
            metadata: { note: `letter for ${canary(2)}`, email: `${canary(3)}@example.org`, ip: "203.0.113.9" }
          }, asUser))
          ok(yield* post(`/energy/${u}/purchase`, { amount: 40, paymentReference: `pay-${canary(4)}`, metadata: { payer: canary(5) } }))
          ok(yield* post(`/energy/${u}/credit`, { amount: 5, idempotencyKey: `credit-${canary(6)}`, reason: `goodwill for ${canary(7)}` }))
          ok(yield* post(`/energy/${u}/refund`, { transactionId: consumed.transaction.transactionId, amount: 5, idempotencyKey: `refund-${canary(8)}`, reason: canary(9) }))
          const reserved = ok(yield* post(`/energy/${u}/reservations`, { action: "cv_analysis", idempotencyKey: `hold-${canary(10)}`, metadata: { job: canary(11) } }))
          ok(yield* post(`/energy/${u}/reservations/${reserved.transaction.transactionId}/commit`, { idempotencyKey: `commit-${canary(1)}x` }))
          // A narrative analysis of their journal, stored for their insights.
          ok(yield* post(`/gdpr/consent`, { userId: u, consentType: "narrative_analysis", granted: true, source: "web" }), 201)
          ok(yield* post(`/narrative/${u}/analyze`, { text: `Je suis épuisée, mon manager ${canary(13)} ne m'écoute pas.`, kind: "journal", idempotencyKey: `j-${canary(14)}` }, asUser))
          // An event of another kind in a stream of theirs (as the old system's import writes them).
          const events = yield* EventStore
          yield* events.append(`legacy:${u}` as StreamId, [{ eventId: randomUUID(), type: "LegacyJournalEntry", data: { text: `dear diary ${canary(12)}` } }], "any")
          // Reads that fill caches and rate-limit state under the user's id.
          ok(yield* callAs(asUser, `/energy/${u}/balance`))
          ok(yield* callAs(asUser, `/energy/${u}/transactions?limit=5`))
          ok(yield* call(`/energy/${u}/stats`))
          const board = ok(yield* call(`/energy/leaderboard?period=all&limit=50`))
          expect(board.entries.map((entry: Json) => entry.userId)).toContain(u)

          const spent = (status: Json) => status.scopes.filter((scope: Json) => scope.remaining < scope.limit).map((scope: Json) => scope.scope)
          expect(spent(ok(yield* call(`/admin/rate-limiting/status/${u}`)))).toContain("API_CV_GENERATION")

          // Reading the ledger's stream decrypts its personal fields; storing it does not hold them.
          const stream = ok(yield* call(`/admin/events/streams/energy:${u}`))
          expect(JSON.stringify(stream)).toContain(canary(2))
          const stored = (yield* dumpTables).rows.filter((row) => row.startsWith("events:") && row.includes(u))
          expect(stored.length).toBeGreaterThan(0)
          expect(holding(stored, [canary(2), canary(3), canary(5), canary(7), canary(9), canary(11)])).toEqual([])

          // A bystander, with their own account, consent and history.
          ok(yield* post(`/energy/${other}/account`, { plan: "free" }))
          ok(yield* post(`/gdpr/consent`, { userId: other, consentType: "marketing", granted: true, source: "api" }), 201)
          ok(yield* post(`/energy/${other}/consume`, { action: "coach_message", idempotencyKey: `other-${token}`, metadata: { note: "kept" } }))
          const otherBalance = ok(yield* call(`/energy/${other}/balance`))
          const otherTransactions = ok(yield* call(`/energy/${other}/transactions`))
          const otherStream = ok(yield* call(`/admin/events/streams/energy:${other}`))

          // The export holds every canary that was stored. The user agent (canary 0) is kept only as a
          // keyed hash; the journal text (canary 13) is not kept, only its analysis, which may quote it.
          const exported = yield* call(`/gdpr/export/${u}`)
          expect(exported.status).toBe(200)
          const notExported = canaries.filter((c) => !exported.text.includes(c))
          expect(notExported).toContain(canary(0))
          expect(notExported.filter((c) => c !== canary(0) && c !== canary(13))).toEqual([])
          expect(JSON.parse(exported.text).analyses).toHaveLength(1)

          const needles = [...canaries, u]
          expect(holding((yield* dumpTables).rows, needles).length).toBeGreaterThan(0)

          // Erasure.
          const erased = ok(yield* send("DELETE", `/gdpr/delete/${u}`), 202)
          expect(erased.status).toBe("completed")
          expect(erased.certificate.userHash).toMatch(/^[0-9a-f]{64}$/)
          expect(erased.certificate.counts).toMatchObject({ narrative_analyses: 1, energy_accounts: 1, energy_transactions: 8, streams: 2, events: 10, gdpr_consent_records: 2, gdpr_data_keys: 1 })
          expect(JSON.stringify(erased)).not.toContain(u)

          // Nothing left anywhere: every table, every key and value.
          const after = yield* dumpTables
          expect(holding(after.rows, needles), "rows still holding a canary or the user id").toEqual([])
          expect(holding(yield* dumpStore, needles), "keys or values still holding a canary or the user id").toEqual([])

          // The ledger keeps the amounts under a pseudonym; the books still balance.
          const pseudonymised = after.rows.filter((row) => row.startsWith("energy_accounts:") && row.includes("@erased."))
          expect(pseudonymised).toHaveLength(1)
          const legacy = after.rows.filter((row) => row.startsWith("events:") && row.includes("LegacyJournalEntry"))
          expect(legacy).toHaveLength(1)
          expect(legacy[0]).toContain("$erased")

          // Reads find nothing (no actor memory, no cached answer, no rate-limit state).
          expect(errorOf(yield* callAs(asUser, `/energy/${u}/balance`)).tag).toBe("UserNotFound")
          expect(errorOf(yield* callAs(asUser, `/energy/${u}/transactions?limit=5`)).tag).toBe("UserNotFound")
          expect(errorOf(yield* call(`/energy/${u}/transactions`)).tag).toBe("UserNotFound")
          expect((yield* call(`/admin/events/streams/energy:${u}`)).status).toBe(404)
          expect(ok(yield* call(`/energy/leaderboard?period=all&limit=50`)).entries.map((entry: Json) => entry.userId)).not.toContain(u)
          expect(ok(yield* call(`/gdpr/consent/${u}`)).history).toEqual([])
          expect(spent(ok(yield* call(`/admin/rate-limiting/status/${u}`)))).not.toContain("API_CV_GENERATION")

          // The bystander is untouched.
          expect(ok(yield* call(`/energy/${other}/balance`))).toEqual(otherBalance)
          expect(ok(yield* call(`/energy/${other}/transactions`))).toEqual(otherTransactions)
          expect(ok(yield* call(`/admin/events/streams/energy:${other}`))).toEqual(otherStream)
          expect(JSON.stringify(otherStream)).toContain("kept")
          expect(ok(yield* call(`/gdpr/check-consent/${other}?data_category=marketing`)).granted).toBe(true)

          // Idempotent: again finds nothing to erase, and the status endpoint keeps the certificate.
          const again = ok(yield* send("DELETE", `/gdpr/delete/${u}`), 202)
          expect(again.status).toBe("completed")
          expect(again.certificate.userHash).toBe(erased.certificate.userHash)
          const tableCounts = Object.entries(again.certificate.counts).filter(([table]) => table in ERASURE_RULES)
          expect(tableCounts.length).toBeGreaterThan(0)
          expect(tableCounts.filter(([, n]) => n !== 0)).toEqual([])
          const status = ok(yield* call(erased.statusUrl))
          expect(status).toEqual(erased)
        }))

      it.effect("erasing while the user writes: every write either lands before (and is erased) or finds no account", () =>
        Effect.gen(function* () {
          const u = `racing-${runToken()}`
          ok(yield* post(`/energy/${u}/account`, { plan: "pack" }))
          ok(yield* post(`/energy/${u}/purchase`, { amount: 1000, paymentReference: `p-${u}` }))
          const writes = Effect.forEach(Array.from({ length: 30 }, (_, i) => i), (i) =>
            post(`/energy/${u}/consume`, { action: "coach_message", idempotencyKey: `w-${i}`, metadata: { n: i } }), { concurrency: 4 })
          const [answers, erased] = yield* Effect.all([writes, Effect.delay(send("DELETE", `/gdpr/delete/${u}`), "30 millis")], { concurrency: 2 })
          expect(ok(erased, 202).status).toBe("completed")
          for (const answer of answers) {
            expect([200, 404], answer.text).toContain(answer.status)
            if (answer.status === 404) expect(errorOf(answer).tag).toBe("UserNotFound")
          }
          expect(holding((yield* dumpTables).rows, [u])).toEqual([])
        }))

      it.effect("who may erase: a service or admin key; a user token, even their own, is refused; unknown request 404", () =>
        Effect.gen(function* () {
          const u = `who-${runToken()}`
          const own = yield* Effect.promise(() => userToken(u))
          expect((yield* send("DELETE", `/gdpr/delete/${u}`, undefined, own)).status).toBe(403)
          const unknown = yield* call(`/gdpr/requests/00000000-0000-4000-8000-000000000000`)
          expect(unknown.status).toBe(404)
          expect(errorOf(unknown).tag).toBe("GdprRequestNotFound")
          expect((yield* call(`/gdpr/requests/not-a-uuid`)).status).toBe(400)
          expect((yield* send("DELETE", `/gdpr/delete/${encodeURIComponent("bad id!")}`)).status).toBe(400)
        }))

      for (const transport of RPC_TRANSPORTS) {
        it.effect(`Gdpr.Erase and Gdpr.ErasureStatus over RPC (${transport.name})`, () =>
          Effect.gen(function* () {
            const u = `rpc-erase-${runToken()}`
            ok(yield* post(`/energy/${u}/account`, { plan: "free" }))
            const own = yield* Effect.promise(() => userToken(u))
            const erased = yield* asAdmin(transport.layer, (rpc) =>
              Effect.gen(function* () {
                const done = yield* rpc.Gdpr.Erase({ userId: u as UserId })
                const status = yield* rpc.Gdpr.ErasureStatus({ requestId: done.requestId })
                const missing = yield* Effect.flip(rpc.Gdpr.ErasureStatus({ requestId: "00000000-0000-4000-8000-000000000000" }))
                const refused = yield* Effect.flip(withClient(transport.layer, own, (mine) => mine.Gdpr.Erase({ userId: u as UserId })))
                return { done, status, missing, refused }
              }))
            expect(erased.done.status).toBe("completed")
            expect(erased.done.certificate?.counts).toMatchObject({ energy_accounts: 1 })
            expect(erased.status).toEqual(erased.done)
            expect(erased.missing._tag).toBe("GdprRequestNotFound")
            expect(erased.refused._tag).toBe("Forbidden")
            expect(errorOf(yield* call(`/energy/${u}/balance`)).tag).toBe("UserNotFound")
          }))
      }
    })
  })
}
