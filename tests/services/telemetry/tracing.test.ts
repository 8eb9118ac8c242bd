/**
 * Tracing through a whole embedded Hub (the layer set `npm start` runs), exporting to a local OTLP
 * receiver: a request's HTTP, SQL and actor spans arrive in one trace with the service's name, an
 * RPC call has its span, log lines written inside a request carry its trace id, nothing personal
 * leaves in a span, and with no endpoint nothing is exported and no line has a trace id.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, LogLevel } from "effect"
import { EmbeddedHub } from "../../../src/layers/embedded.js"
import { testSettings } from "../../../src/layers/test.js"
import { ListeningAddress } from "../../../src/http/server.js"
import { PACKAGE } from "../../../src/package-info.js"
import { HubClient } from "../../../src/rpc/client.js"
import { awaitMigrated } from "../../../src/services/database/live.js"
import { ApiKeys } from "../../../src/services/keys/ApiKeys.js"
import { loggerLayer } from "../../../src/services/logging/logger.js"
import { Redis } from "ioredis"
import { TEST_ADMIN_KEY } from "../../support/auth.js"
import { realServicesAvailable, runToken, TEST_REDIS_URL } from "../../support/backends.js"
import { eventually } from "../../support/database.js"
import { key, userIds } from "../../support/energy.js"
import { deleteKeysWithPrefix } from "../../support/redis.js"
import { otlpReceiver, type ReceivedSpan, SPAN_KIND, STATUS_CODE } from "./otlp-receiver.js"

const SERVICE_NAME = "luna-hub-tracing-test"

const real = await realServicesAvailable()

type LogLine = Record<string, unknown>

/** An embedded Hub on `env`, its log lines kept, ready once the bootstrap admin key exists. */
const startHub = (env: Readonly<Record<string, string>>, lines: Array<LogLine>) =>
  Effect.gen(function* () {
    const hub = EmbeddedHub.pipe(
      Layer.provide(testSettings({ HUB_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY, OTEL_SERVICE_NAME: SERVICE_NAME, ...env })),
      Layer.provide(loggerLayer({ format: "json", level: LogLevel.Info, sink: (line) => lines.push(JSON.parse(line) as LogLine) }))
    )
    const context = yield* Layer.build(hub)
    yield* awaitMigrated.pipe(Effect.provide(context))
    yield* eventually(Effect.orDie(Effect.provide(ApiKeys.pipe(Effect.flatMap((keys) => keys.list)), context)), (list) => list.length > 0, "30 seconds")
    return Context.get(context, ListeningAddress).url
  })

const post = (url: string, body: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    return { status: response.status, text: await response.text() }
  })

/** Opens an account and spends from it over HTTP: a request through the edge, the actor and SQL. */
const consumeOnce = (url: string, userId: string) =>
  Effect.gen(function* () {
    const opened = yield* post(`${url}/energy/${userId}/account`, {})
    expect(opened.status, opened.text).toBe(200)
    const consumed = yield* post(`${url}/energy/${userId}/consume`, { action: "coach_message", idempotencyKey: key() })
    expect(consumed.status, consumed.text).toBe(200)
  })

const byName = (spans: ReadonlyArray<ReceivedSpan>, name: string) => spans.filter((span) => span.name === name)

/** Whether `ancestor` is `span`'s parent, or its parent's, and so on. */
const descendsFrom = (spans: ReadonlyArray<ReceivedSpan>, span: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
  let parent = span.parentSpanId
  while (parent !== undefined) {
    if (parent === ancestor.spanId) return true
    parent = spans.find((candidate) => candidate.spanId === parent)?.parentSpanId
  }
  return false
}

describe("Tracing", () => {
  it.scopedLive("exports a request's HTTP, SQL and actor spans in one trace, and RPC calls' spans, with the service name", () =>
    Effect.gen(function* () {
      const receiver = yield* otlpReceiver
      const lines: Array<LogLine> = []
      const userId = userIds()("traced")
      // The Hub stops at the end of this scope, which flushes the spans still queued (the test is
      // over before the first scheduled export, so they arrive only through that flush).
      yield* Effect.scoped(
        Effect.gen(function* () {
          const url = yield* startHub({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, lines)
          yield* consumeOnce(url, userId)
          const version = yield* Effect.flatMap(HubClient, (client) => client.Monitoring.Version()).pipe(
            Effect.provide(HubClient.layer({ url, credential: TEST_ADMIN_KEY }))
          )
          expect(version.name).toBe(PACKAGE.name)
        })
      )
      const spans = receiver.spans()

      // Every span names the service and its version.
      expect(spans.length).toBeGreaterThan(0)
      for (const span of spans) {
        expect(span.service).toMatchObject({ "service.name": SERVICE_NAME, "service.version": PACKAGE.version })
      }

      // The HTTP request: named by method and route, with its status.
      const [request, ...others] = byName(spans, "POST /energy/:userId/consume")
      expect(others).toHaveLength(0)
      expect(request).toBeDefined()
      const http = request!
      expect(http.kind).toBe(SPAN_KIND.server)
      expect(http.statusCode).not.toBe(STATUS_CODE.error)
      expect(http.attributes).toMatchObject({
        "http.request.method": "POST",
        "http.route": "/energy/:userId/consume",
        "http.response.status_code": 200
      })
      // The path as the access log shows it: the user as a keyed hash.
      expect(http.attributes["url.path"]).toMatch(/^\/energy\/~[\w-]+\/consume$/)

      const inRequest = spans.filter((span) => span.traceId === http.traceId)
      // SQL statements of the request (the ledger's writes), in the same trace.
      const sql = inRequest.filter((span) => span.name === "sql.execute")
      expect(sql.length).toBeGreaterThan(0)
      for (const statement of sql) {
        expect(statement.kind).toBe(SPAN_KIND.client)
        expect(statement.attributes["db.system.name"]).toBe("postgresql")
        expect(statement.attributes["db.query.text"]).toEqual(expect.any(String))
      }
      // The actor message: sent by the request (client span), handled by the user's entity (server span).
      expect(byName(inRequest, "EnergyAccount.client.Consume")).toHaveLength(1)
      const [handled] = byName(inRequest, "EnergyAccount.Consume")
      expect(handled).toBeDefined()
      expect(handled!.attributes).toMatchObject({ "entity.type": "EnergyAccount", "entity.id": expect.stringMatching(/^~/) })
      expect(descendsFrom(inRequest, handled!, http)).toBe(true)
      // The ledger's write runs inside the actor's handling.
      expect(sql.some((statement) => descendsFrom(inRequest, statement, handled!))).toBe(true)

      // Nothing personal leaves: the user id appears in no span of any trace.
      expect(receiver.requests().map((r) => r.body).join("\n")).not.toContain(userId)

      // The RPC call: its own span, under the HTTP request that carried it.
      const [rpc] = byName(spans, "RpcServer.Monitoring.Version")
      expect(rpc).toBeDefined()
      const [carrier] = spans.filter((span) => span.spanId === rpc!.parentSpanId)
      expect(carrier?.name).toBe("POST /rpc")

      // The access line of the request carries the request span's trace and span ids.
      const access = lines.find((line) => line.logger === "access" && line.route === "/energy/:userId/consume")
      expect(access).toMatchObject({ trace_id: http.traceId, span_id: http.spanId })
    }), 90_000)

  it.scopedLive.skipIf(!real)("with REDIS_URL, the request's Redis commands (rate limits, cache) are spans of its trace", () =>
    Effect.gen(function* () {
      const receiver = yield* otlpReceiver
      const prefix = `luna_t_${runToken()}:`
      // The Hub's keys go with the test (never FLUSHDB: other suites share the server).
      yield* Effect.acquireRelease(Effect.sync(() => new Redis(TEST_REDIS_URL, { lazyConnect: true })), (admin) =>
        Effect.promise(() => deleteKeysWithPrefix(admin, prefix).finally(() => admin.disconnect())))
      yield* Effect.scoped(
        Effect.gen(function* () {
          const url = yield* startHub({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }, [])
          yield* consumeOnce(url, userIds()("redis"))
        })
      )
      const spans = receiver.spans()
      const [http] = byName(spans, "POST /energy/:userId/consume")
      expect(http).toBeDefined()
      const redis = spans.filter((span) => span.traceId === http!.traceId && span.name.startsWith("redis "))
      expect(redis.length).toBeGreaterThan(0)
      for (const command of redis) {
        expect(command.kind).toBe(SPAN_KIND.client)
        expect(command.attributes).toMatchObject({ "db.system": "redis", "server.address": "127.0.0.1", "server.port": 6379 })
        expect(JSON.stringify(command.attributes)).not.toContain(prefix)
      }
    }), 90_000)

  it.scopedLive("without an endpoint, exports nothing and writes no trace id", () =>
    Effect.gen(function* () {
      const receiver = yield* otlpReceiver
      const lines: Array<LogLine> = []
      yield* Effect.scoped(
        Effect.gen(function* () {
          const url = yield* startHub({}, lines)
          yield* consumeOnce(url, userIds()("untraced"))
        })
      )
      expect(lines.some((line) => line.logger === "access" && line.route === "/energy/:userId/consume")).toBe(true)
      expect(lines.filter((line) => "trace_id" in line || "span_id" in line)).toEqual([])
      expect(receiver.requests()).toEqual([])
    }), 90_000)
})
