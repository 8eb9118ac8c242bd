/**
 * Spans leave the process under the rule log lines follow (services/logging): no user id, client
 * address or personal free text in clear. Spans hold raw values (the path `/energy/<user>/consume`,
 * the actor `EnergyAccount(<user>)`, error texts), so each batch is rewritten here just before it
 * is sent, off the request path:
 * - HTTP server spans are named `<METHOD> <route>` (the route is known only once the router has
 *   matched, after the span was named); `url.path` reads as in the access log (personal segments as
 *   keyed hashes); `url.query` goes through the log anonymiser; a 5xx answer marks the span as an
 *   error (OpenTelemetry's HTTP conventions: the edge turned the failure into an answer, so the
 *   span itself succeeded). Should the platform's tracer middleware make them again (http-span.ts
 *   replaces it), what it adds is trimmed too: the client's address (the access log holds none
 *   either; anonymising it cost ~50 µs a span), forwarding headers, `url.full`, and the response
 *   headers that are the same on every answer.
 * - Actor spans are named `<Entity>.<Message>`, the entity id kept as a keyed hash.
 * - Error texts (status messages, exception and other events) go through the log redactor and
 *   anonymiser.
 */
import { type Attributes, type AttributeValue, SpanKind, type SpanStatus, SpanStatusCode } from "@opentelemetry/api"
import type { ReadableSpan, SpanExporter, TimedEvent } from "@opentelemetry/sdk-trace-base"
import { loggedPath } from "../../http/logged-path.js"
import type { IdentifierHasher } from "../auth/identifier-hash.js"
import { anonymiseLogText } from "../logging/personal-data.js"
import { scrub } from "../logging/redact.js"

/** Attributes of the platform's HTTP server span that hold a client address or repeat the path. */
const DROPPED_HTTP_ATTRIBUTES: ReadonlySet<string> = new Set([
  "client.address",
  "url.full",
  "http.request.header.x-forwarded-for",
  "http.request.header.forwarded",
  "http.request.header.x-real-ip"
])

const RESPONSE_HEADER = "http.response.header."

/** Response headers worth a span attribute: the ones that differ from one answer to the next. */
const KEPT_RESPONSE_HEADERS: ReadonlySet<string> = new Set(
  ["content-type", "content-length", "x-request-id", "retry-after", "ratelimit", "ratelimit-policy", "location", "www-authenticate"].map(
    (name) => RESPONSE_HEADER + name
  )
)

const keptHttpAttribute = (key: string): boolean =>
  key.startsWith(RESPONSE_HEADER) ? KEPT_RESPONSE_HEADERS.has(key) : !DROPPED_HTTP_ATTRIBUTES.has(key)

const textOf = (value: AttributeValue | undefined): string | undefined => (typeof value === "string" ? value : undefined)

const freeText = (text: string): string => anonymiseLogText(scrub(text))

interface Rewrite {
  readonly name: string
  readonly attributes: Attributes
  readonly status: SpanStatus
}

const httpServerRewrite = (span: ReadableSpan, method: string, hash: IdentifierHasher): Rewrite => {
  const route = textOf(span.attributes["http.route"])
  const attributes: Attributes = {}
  for (const [key, value] of Object.entries(span.attributes)) {
    if (keptHttpAttribute(key)) attributes[key] = value
  }
  const path = textOf(span.attributes["url.path"])
  if (path !== undefined) attributes["url.path"] = loggedPath(route, path, hash)
  const query = textOf(span.attributes["url.query"])
  if (query !== undefined) attributes["url.query"] = freeText(query)
  const status = span.attributes["http.response.status_code"]
  return {
    name: route === undefined ? method : `${method} ${route}`,
    attributes,
    status: typeof status === "number" && status >= 500 ? { code: SpanStatusCode.ERROR, message: `HTTP ${status}` } : span.status
  }
}

/** `EnergyAccount(<id>).Consume` → `EnergyAccount.Consume`, the id hashed (entity spans of @effect/cluster). */
const entityRewrite = (span: ReadableSpan, type: string, id: string, hash: IdentifierHasher): Rewrite => {
  const prefix = `${type}(${id})`
  return {
    name: span.name.startsWith(prefix) ? type + span.name.slice(prefix.length) : span.name,
    attributes: { ...span.attributes, "entity.id": `~${hash(id)}` },
    status: span.status
  }
}

const errorStatus = (status: SpanStatus): SpanStatus =>
  status.message === undefined ? status : { code: status.code, message: freeText(status.message) }

const privateEvent = (event: TimedEvent): TimedEvent => {
  if (event.attributes === undefined) return { ...event, name: freeText(event.name) }
  const attributes: Attributes = {}
  for (const [key, value] of Object.entries(event.attributes)) {
    attributes[key] = typeof value === "string" ? freeText(value) : value
  }
  return { ...event, name: freeText(event.name), attributes }
}

const rewriteOf = (span: ReadableSpan, hash: IdentifierHasher): Rewrite => {
  const method = textOf(span.attributes["http.request.method"])
  if (span.kind === SpanKind.SERVER && method !== undefined) return httpServerRewrite(span, method, hash)
  const entityType = textOf(span.attributes["entity.type"])
  const entityId = textOf(span.attributes["entity.id"])
  if (entityType !== undefined && entityId !== undefined) return entityRewrite(span, entityType, entityId, hash)
  return { name: span.name, attributes: span.attributes, status: span.status }
}

/** `span` as it may leave the process. */
export const privateSpan = (span: ReadableSpan, hash: IdentifierHasher): ReadableSpan => {
  const rewrite = rewriteOf(span, hash)
  return {
    name: rewrite.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext === undefined ? {} : { parentSpanContext: span.parentSpanContext }),
    startTime: span.startTime,
    endTime: span.endTime,
    status: errorStatus(rewrite.status),
    attributes: rewrite.attributes,
    links: span.links,
    events: span.events.length === 0 ? span.events : span.events.map(privateEvent),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount
  }
}

/** Wraps the exporter that sends: every span passes through `privateSpan` first. */
export class PrivateSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly hash: IdentifierHasher
  ) {}

  export(spans: Array<ReadableSpan>, resultCallback: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans.map((span) => privateSpan(span, this.hash)), resultCallback)
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve()
  }
}
