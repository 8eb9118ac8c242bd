/**
 * The GDPR export through both doors: everything held about a user in one document (account,
 * every transaction and event over several pages, events decrypted though stored sealed, consents,
 * data keys, rate-limit state), the download headers, who may export whom, the same content over
 * RPC, an unknown user's empty document, the contract, and failures: 503 before the answer starts,
 * a cut connection (never a clean end) after, each logged once without the user id.
 */
import { HttpLayerRouter, HttpServerRequest } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, Option, Schema, Stream } from "effect"
import { exportResponse } from "../../src/http/gdpr-handlers.js"
import { ServiceUnavailable } from "../../src/services/common/errors.js"
import { Energy } from "../../src/services/energy/Energy.js"
import { Consent } from "../../src/services/gdpr/consent/Consent.js"
import { GdprExport } from "../../src/services/gdpr/export/Export.js"
import { collectExport, ExportDocument } from "../../src/services/gdpr/export/schema.js"
import type { UserId } from "../../src/services/guardian/schema.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { userIds } from "../support/energy.js"
import { call, callAs, errorOf, type Json, ok, TestHub, testHubLayer } from "../support/hub.js"
import { RPC_TRANSPORTS, withClient } from "../support/rpc.js"

const backends = await backendsUnderTest()

const decodeDocument = Schema.decodeUnknownSync(ExportDocument)
const encodeDocument = Schema.encodeSync(ExportDocument)

const CONSUMES = 125
/** Free text a client attached: it must be readable in the export and nowhere in plain in the events table. */
const NOTE = "Talked about leaving Acme Corp with Jeanne Dupont"

/** A route answering like the export endpoint whose service fails once the answer has started. */
const CutExportRoute = HttpLayerRouter.add(
  "GET",
  "/test/export-cut",
  Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
    exportResponse(
      request,
      "u-cut",
      Stream.make(`{"schemaVersion":1,"transactions":[`).pipe(
        // Fails once the status and the first chunk are on the wire.
        Stream.concat(Stream.execute(Effect.sleep("100 millis"))),
        Stream.concat(Stream.fail(new ServiceUnavailable({ dependency: "database", reason: "cut for the test", retryAfterSeconds: 1 })))
      )
    ))
)

/** The body read to its end, or how reading it failed. */
const download = (path: string, credential = TEST_ADMIN_KEY) =>
  Effect.flatMap(TestHub, (hub) =>
    Effect.promise(async () => {
      const response = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${credential}` } })
      const body = await response.text().then((text) => ({ text }), (error: unknown) => ({ failure: String(error) }))
      return { status: response.status, headers: response.headers, ...body }
    }))

/** A user with an account, 1 credit and CONSUMES consumes carrying free text, consents, and a few calls of their own. */
const seedUser = (userId: UserId) =>
  Effect.gen(function* () {
    const energy = yield* Energy
    const consent = yield* Consent
    yield* energy.open(userId, "pack", "test")
    yield* energy.credit(userId, { amount: 10_000, idempotencyKey: "seed-credit", reason: "Welcome gift for Jeanne Dupont" }, "test")
    for (let i = 0; i < CONSUMES; i++) {
      yield* energy.consume(userId, { action: "coach_message", idempotencyKey: `seed-${i}`, metadata: { note: NOTE, n: i } }, "test")
    }
    yield* consent.record({ userId, consentType: "behavioral", granted: true, source: "web" })
    yield* consent.record({ userId, consentType: "narrative_analysis", granted: true, source: "api" })
    yield* consent.record({ userId, consentType: "narrative_analysis", granted: false, source: "mobile" })
    const token = yield* Effect.promise(() => userToken(userId))
    for (let i = 0; i < 3; i++) ok(yield* callAs(token, `/energy/${userId}/balance`))
    // A CV generation also spends the user's API_CV_GENERATION allowance (a fixed window: it stays spent).
    ok(yield* call(`/energy/${userId}/consume`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "cv_generation", idempotencyKey: "seed-cv", metadata: { note: NOTE } })
    }))
    return token
  })

const rowsOf = (userId: string) =>
  Effect.flatMap(PgClient.PgClient, (sql) =>
    Effect.all({
      transactions: Effect.map(sql<{ readonly n: string }>`SELECT count(*)::text AS n FROM energy_transactions WHERE user_id = ${userId}`, ([row]) => Number(row?.n)),
      events: sql<{ readonly data: string }>`SELECT data::text AS data FROM events WHERE stream_id = ${`energy:${userId}`}`
    }))

/** The document minus what moves between two exports (the time, the token buckets refilling). */
const stable = (document: ExportDocument) => {
  const { generatedAt: _at, rateLimits, ...rest } = encodeDocument(document)
  return { ...rest, rateLimits: { identifier: rateLimits.identifier, scopes: rateLimits.scopes.map((s) => s.scope) } }
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`GDPR export (${backend.name})`, () => {
    layer(testHubLayer(backend.name, { routes: CutExportRoute }), { timeout: 120_000, excludeTestServices: true })((it) => {
      const user = userIds()

      it.effect("holds everything about the user over several pages, events decrypted though stored sealed, as a download", () =>
        Effect.gen(function* () {
          const u = user()
          yield* seedUser(u)
          const answer = yield* download(`/gdpr/export/${u}`)
          expect(answer.status).toBe(200)
          expect(answer.headers.get("content-type")).toContain("application/json")
          expect(answer.headers.get("content-disposition")).toBe(`attachment; filename="luna-export-${u}.json"`)
          expect("text" in answer).toBe(true)
          const document = decodeDocument(JSON.parse("text" in answer ? answer.text : ""))

          const energy = yield* Energy
          const balance = yield* energy.balance(u)
          expect(document).toMatchObject({ schemaVersion: 1, userId: u, analyses: [] })
          expect(document.account).toMatchObject({ userId: u, plan: "pack", balance: balance.balance })

          const rows = yield* rowsOf(u)
          expect(rows.transactions).toBeGreaterThan(100 + 1)
          expect(document.transactions).toHaveLength(rows.transactions)
          expect(new Set(document.transactions.map((t) => t.transactionId)).size).toBe(rows.transactions)
          const seqs = document.transactions.map((t) => t.seq)
          expect(seqs).toEqual([...seqs].sort((a, b) => b - a)) // newest first
          expect(document.transactions.filter((t) => t.metadata["note"] === NOTE)).toHaveLength(CONSUMES + 1)

          // Every event of the ledger stream, in version order, with the sealed metadata opened.
          expect(document.events).toHaveLength(rows.events.length)
          expect(rows.events.length).toBeGreaterThan(100)
          expect(document.events.map((e) => e.streamVersion)).toEqual(rows.events.map((_, i) => i + 1))
          const consumed = document.events.filter((e) => e.type === "EnergyConsumed")
          expect(consumed).toHaveLength(CONSUMES + 1)
          for (const event of consumed) expect((event.data as Json).metadata).toMatchObject({ note: NOTE })
          // …while the stored rows hold none of it in plain.
          for (const { data } of rows.events) {
            expect(data).not.toContain("Acme")
            expect(data).not.toContain("Jeanne")
          }

          expect(document.consents.history.map((r) => [r.consentType, r.granted])).toEqual([
            ["behavioral", true],
            ["narrative_analysis", true],
            ["narrative_analysis", false]
          ])
          expect(document.dataKeys).toHaveLength(1)
          expect(document.dataKeys[0]).toMatchObject({ algorithm: "AES-256-GCM" })
          expect(JSON.stringify(encodeDocument(document).dataKeys)).not.toMatch(/wrapped|"key"/)
          // The rate-limit state counted by the user's id: the CV generation spent one of their allowance.
          expect(document.rateLimits.identifier).toBe(u)
          const generations = document.rateLimits.scopes.find((s) => s.scope === "API_CV_GENERATION")
          expect(generations!.remaining).toBe(generations!.limit - 1)

          // One log line, with the counts, naming the user only by a keyed hash.
          const hub = yield* TestHub
          const line = yield* eventually(
            Effect.sync(() => hub.logs.filter((l) => l.includes("GDPR export completed") && l.includes(`"transactions":${rows.transactions}`))),
            (lines) => lines.length === 1,
            "5 seconds"
          )
          const logged = JSON.parse(line[0]!) as Json
          expect(logged).toMatchObject({ logger: "gdpr", transactions: rows.transactions, events: rows.events.length, streams: 1, consentRecords: 3, dataKeys: 1 })
          expect(typeof logged["user"]).toBe("string")
          expect(line[0]).not.toContain(u)
        }))

      it.effect("the same content over RPC, streamed in parts, over both transports", () =>
        Effect.gen(function* () {
          const u = user()
          yield* seedUser(u)
          const overHttp = decodeDocument(ok(yield* call(`/gdpr/export/${u}`)))
          for (const transport of RPC_TRANSPORTS) {
            const parts = yield* withClient(transport.layer, TEST_ADMIN_KEY, (hub) => Stream.runCollect(hub.Gdpr.Export({ userId: u })))
            const tags = [...parts].map((p) => p._tag)
            expect(tags[0], transport.name).toBe("Head")
            expect(tags.filter((t) => t === "Transactions").length, transport.name).toBeGreaterThan(1)
            expect(tags.filter((t) => t === "Events").length, transport.name).toBeGreaterThan(1)
            const overRpc = yield* collectExport(Stream.fromIterable(parts))
            expect(stable(overRpc), transport.name).toEqual(stable(overHttp))
          }
        }))

      it.effect("a user's own token exports themselves only; a gdpr:manage key exports anyone", () =>
        Effect.gen(function* () {
          const self = user()
          const token = yield* Effect.promise(() => userToken(self))
          expect(decodeDocument(ok(yield* callAs(token, `/gdpr/export/${self}`))).userId).toBe(self)
          const other = yield* callAs(token, `/gdpr/export/${user()}`)
          expect(other.status).toBe(403)
          expect(errorOf(other).tag).toBe("Forbidden")
          expect((yield* callAs(undefined, `/gdpr/export/${self}`)).status).toBe(401)
          const created = ok(yield* call("/admin/keys", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: "gdpr export", env: "dev", scopes: ["gdpr:manage"] })
          }), 201)
          expect((yield* callAs(created.key, `/gdpr/export/${user()}`)).status).toBe(200)
          const parts = yield* withClient(RPC_TRANSPORTS[0].layer, token, (hub) => collectExport(hub.Gdpr.Export({ userId: self })))
          expect(parts.userId).toBe(self)
          const refused = yield* withClient(RPC_TRANSPORTS[0].layer, token, (hub) => Effect.flip(collectExport(hub.Gdpr.Export({ userId: user() }))))
          expect(refused._tag).toBe("Forbidden")
        }))

      it.effect("an unknown user gets a valid, empty document; a bad user id is 400", () =>
        Effect.gen(function* () {
          const u = user("nobody")
          const answer = yield* download(`/gdpr/export/${u}`)
          expect(answer.status).toBe(200)
          const document = decodeDocument(JSON.parse("text" in answer ? answer.text : ""))
          expect(document).toMatchObject({ userId: u, account: null, transactions: [], events: [], analyses: [], dataKeys: [] })
          expect(document.consents.history).toEqual([])
          expect(document.rateLimits.scopes.length).toBeGreaterThan(0)
          const bad = yield* call("/gdpr/export/-bad!")
          expect(bad.status).toBe(400)
        }))

      it.effect("a failure once the answer has started cuts the connection: no clean end, no document", () =>
        Effect.gen(function* () {
          const answer = yield* download("/test/export-cut")
          expect(answer.status).toBe(200)
          expect(answer.headers.get("content-disposition")).toContain("luna-export-u-cut.json")
          expect("failure" in answer ? answer.failure : "read to a clean end").toMatch(/terminated|socket|closed/i)
        }))

      it.effect("/openapi.json documents the endpoint: the document as its 200, 503, and who may call", () =>
        Effect.gen(function* () {
          const spec = ok(yield* call("/openapi.json"))
          const operation = spec.paths["/gdpr/export/{userId}"]?.get as Json
          expect(operation).toBeDefined()
          expect(JSON.stringify(operation.responses["200"])).toContain("#/components/schemas/GdprExport")
          expect(JSON.stringify(operation.responses["503"])).toContain("ServiceUnavailable")
          expect(operation.responses["401"]).toBeDefined()
          expect(operation.responses["403"]).toBeDefined()
          expect(operation.description).toContain("gdpr:manage")
          const schema = spec.components.schemas.GdprExport as Json
          expect(schema.required).toEqual(expect.arrayContaining([
            "schemaVersion", "generatedAt", "userId", "account", "transactions", "events", "consents", "analyses", "dataKeys", "rateLimits"
          ]))
          expect(schema.properties.analyses.description).toContain("narrative")
          expect(schema.properties.transactions.description).toContain("newest first")
        }))
    })

    layer(testHubLayer(backend.name, { databaseProxy: true }), { timeout: 120_000, excludeTestServices: true })((it) => {
      const user = userIds()

      it.effect("the database down: 503 before the answer starts; mid-export, the stream fails and is logged once", () =>
        Effect.gen(function* () {
          const hub = yield* TestHub
          const proxy = Option.getOrThrow(hub.databaseProxy)
          const u = user()
          yield* Effect.flatMap(Energy, (energy) => energy.open(u, "pack", "test"))
          // Warms the admin key's cache, so the refusal below comes from the export, not from authentication.
          ok(yield* call(`/gdpr/export/${user()}`))
          const gdprExport = yield* GdprExport
          const started = yield* gdprExport.jsonText(u) // the head is read

          yield* proxy.cut
          const failure = yield* Effect.flip(Stream.runDrain(started))
          expect(failure).toMatchObject({ _tag: "ServiceUnavailable", dependency: "database" })
          const refused = yield* call(`/gdpr/export/${user()}`)
          expect(refused.status).toBe(503)
          expect(errorOf(refused)).toMatchObject({ tag: "ServiceUnavailable" })
          yield* proxy.restore

          const failed = hub.logs.filter((l) => l.includes("GDPR export failed"))
          expect(failed).toHaveLength(1)
          expect(JSON.parse(failed[0]!)).toMatchObject({ level: "ERROR", logger: "gdpr", transactions: 0 })
          expect(failed[0]).not.toContain(u)
          expect(hub.logs.filter((l) => l.includes("GDPR export refused"))).toHaveLength(1)
        }))
    })
  })
}
