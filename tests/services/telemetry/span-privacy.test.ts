/**
 * What a span looks like once it may leave the process (span-privacy.ts): HTTP server spans named
 * by route with the path as the access log shows it, actor spans without the entity id, error
 * texts anonymised; everything else untouched. Also where the exporter posts (exporter.ts).
 */
import { SpanKind, SpanStatusCode, type Attributes, type SpanStatus } from "@opentelemetry/api"
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base"
import { describe, expect, it } from "@effect/vitest"
import { tracesUrl } from "../../../src/services/telemetry/exporter.js"
import { privateSpan } from "../../../src/services/telemetry/span-privacy.js"

const hash = (id: string) => `h${id.length}`
const CONTEXT = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }

const span = (name: string, kind: SpanKind, attributes: Attributes, options: { status?: SpanStatus; events?: Array<TimedEvent> } = {}): ReadableSpan => ({
  name,
  kind,
  spanContext: () => CONTEXT,
  startTime: [1, 0],
  endTime: [1, 5],
  status: options.status ?? { code: SpanStatusCode.OK },
  attributes,
  links: [],
  events: options.events ?? [],
  duration: [0, 5],
  ended: true,
  resource: {} as ReadableSpan["resource"],
  instrumentationScope: { name: "test" },
  droppedAttributesCount: 0,
  droppedEventsCount: 0,
  droppedLinksCount: 0
})

const httpSpan = (status: number, extra: Attributes = {}) =>
  span("http.server POST", SpanKind.SERVER, {
    "http.request.method": "POST",
    "http.route": "/energy/:userId/consume",
    "url.path": "/energy/alice-42/consume",
    "url.full": "http://hub.example/energy/alice-42/consume?email=alice@example.com",
    "url.query": "email=alice@example.com",
    "client.address": "203.0.113.77",
    "http.request.header.x-forwarded-for": "203.0.113.77",
    "http.request.header.x-request-id": "r-1",
    "http.response.status_code": status,
    "http.response.header.x-request-id": "r-1",
    "http.response.header.content-security-policy": "default-src 'none'",
    ...extra
  })

describe("privateSpan", () => {
  it("HTTP server span: named by route, path hashed, query anonymised, client address, url.full and forwarding headers gone", () => {
    const out = privateSpan(httpSpan(200), hash)
    expect(out.name).toBe("POST /energy/:userId/consume")
    expect(out.attributes["url.path"]).toBe("/energy/~h8/consume")
    expect(out.attributes).not.toHaveProperty("url.full")
    expect(out.attributes).not.toHaveProperty("http.request.header.x-forwarded-for")
    expect(out.attributes["url.query"]).not.toContain("alice@example.com")
    expect(out.attributes).not.toHaveProperty("client.address")
    expect(out.attributes["http.request.header.x-request-id"]).toBe("r-1")
    expect(out.attributes["http.response.header.x-request-id"]).toBe("r-1")
    expect(out.attributes).not.toHaveProperty("http.response.header.content-security-policy")
    expect(out.status.code).toBe(SpanStatusCode.OK)
    expect(out.spanContext()).toEqual(CONTEXT)
    expect(JSON.stringify(out.attributes)).not.toContain("alice")
  })

  it("HTTP server span: a 5xx answer is an error, a 4xx is not; unmatched routes are named by method", () => {
    expect(privateSpan(httpSpan(503), hash).status.code).toBe(SpanStatusCode.ERROR)
    expect(privateSpan(httpSpan(404), hash).status.code).toBe(SpanStatusCode.OK)
    const unmatched = span("http.server GET", SpanKind.SERVER, { "http.request.method": "GET", "url.path": "/nowhere", "http.response.status_code": 404 })
    expect(privateSpan(unmatched, hash).name).toBe("GET")
  })

  it("actor span: named by entity and message, the entity id hashed", () => {
    const out = privateSpan(
      span("EnergyAccount(alice-42).Consume", SpanKind.INTERNAL, { "entity.type": "EnergyAccount", "entity.id": "alice-42", requestId: "7" }),
      hash
    )
    expect(out.name).toBe("EnergyAccount.Consume")
    expect(out.attributes).toEqual({ "entity.type": "EnergyAccount", "entity.id": "~h8", requestId: "7" })
  })

  it("error texts: status message and events anonymised", () => {
    const out = privateSpan(
      span("sql.execute", SpanKind.CLIENT, { "db.query.text": "SELECT 1" }, {
        status: { code: SpanStatusCode.ERROR, message: "no user alice@example.com" },
        events: [{ name: "exception", time: [1, 1], attributes: { "exception.message": "no user alice@example.com", "exception.type": "UserNotFound" } }]
      }),
      hash
    )
    expect(out.status).toMatchObject({ code: SpanStatusCode.ERROR })
    expect(out.status.message).not.toContain("alice@example.com")
    expect(out.events[0]!.attributes?.["exception.message"]).not.toContain("alice@example.com")
    expect(out.events[0]!.attributes?.["exception.type"]).toBe("UserNotFound")
  })

  it("other spans keep their name and attributes", () => {
    const source = span("redis GET", SpanKind.CLIENT, { "db.system": "redis", "db.operation.name": "GET" })
    const out = privateSpan(source, hash)
    expect(out.name).toBe("redis GET")
    expect(out.attributes).toEqual(source.attributes)
  })
})

describe("tracesUrl", () => {
  it("appends /v1/traces to the base URL, as OTEL_EXPORTER_OTLP_ENDPOINT means", () => {
    expect(tracesUrl("http://collector:4318")).toBe("http://collector:4318/v1/traces")
    expect(tracesUrl("http://collector:4318/")).toBe("http://collector:4318/v1/traces")
    expect(tracesUrl("https://otel.example/prefix")).toBe("https://otel.example/prefix/v1/traces")
  })
})
