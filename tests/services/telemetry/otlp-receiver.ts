/**
 * A local OTLP/HTTP trace receiver for tests: a node:http server on 127.0.0.1 (a free port) that
 * keeps every JSON body POSTed to `/v1/traces` and answers as a collector does. Spans are read back
 * flattened, with their attributes as a plain record and their resource's service name.
 */
import { Effect, type Scope } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** OTLP span kinds (the JSON encoding's numbers). */
export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const
/** OTLP status codes. */
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const

export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly name: string
  readonly kind: number
  readonly attributes: Readonly<Record<string, unknown>>
  readonly statusCode: number
  readonly service: Readonly<Record<string, unknown>>
}

export interface OtlpReceiver {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  readonly endpoint: string
  /** Every request received, whatever its path. */
  readonly requests: () => ReadonlyArray<{ readonly path: string; readonly body: string }>
  readonly spans: () => ReadonlyArray<ReceivedSpan>
}

interface KeyValue {
  readonly key: string
  readonly value: AnyValue
}
interface AnyValue {
  readonly stringValue?: string
  readonly intValue?: number | string
  readonly doubleValue?: number
  readonly boolValue?: boolean
  readonly arrayValue?: { readonly values?: ReadonlyArray<AnyValue> }
}
interface ExportRequest {
  readonly resourceSpans?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: ReadonlyArray<KeyValue> }
    readonly scopeSpans?: ReadonlyArray<{
      readonly spans?: ReadonlyArray<{
        readonly traceId: string
        readonly spanId: string
        readonly parentSpanId?: string
        readonly name: string
        readonly kind: number
        readonly attributes?: ReadonlyArray<KeyValue>
        readonly status?: { readonly code?: number }
      }>
    }>
  }>
}

const valueOf = (value: AnyValue): unknown => {
  if (value.stringValue !== undefined) return value.stringValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf)
  return undefined
}

const recordOf = (attributes: ReadonlyArray<KeyValue> | undefined): Record<string, unknown> =>
  Object.fromEntries((attributes ?? []).map((kv) => [kv.key, valueOf(kv.value)]))

const spansOf = (body: string): Array<ReceivedSpan> => {
  const request = JSON.parse(body) as ExportRequest
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = recordOf(resourceSpans.resource?.attributes)
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId === undefined || span.parentSpanId === "" ? undefined : span.parentSpanId,
        name: span.name,
        kind: span.kind,
        attributes: recordOf(span.attributes),
        statusCode: span.status?.code ?? STATUS_CODE.unset,
        service
      }))
    )
  })
}

export const otlpReceiver: Effect.Effect<OtlpReceiver, never, Scope.Scope> = Effect.acquireRelease(
  Effect.async<{ readonly server: http.Server; readonly receiver: OtlpReceiver }>((resume) => {
    const received: Array<{ path: string; body: string }> = []
    const server = http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        received.push({ path: request.url ?? "", body: Buffer.concat(chunks).toString("utf8") })
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed({
        server,
        receiver: {
          endpoint: `http://127.0.0.1:${port}`,
          requests: () => received,
          spans: () => received.filter((r) => r.path === "/v1/traces").flatMap((r) => spansOf(r.body))
        }
      }))
    })
  }),
  ({ server }) => Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })
).pipe(Effect.map(({ receiver }) => receiver))
