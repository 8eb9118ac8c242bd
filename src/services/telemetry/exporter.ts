/**
 * Where spans go: OTLP over HTTP, JSON-encoded, to `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`, in
 * batches from a bounded queue. A full queue drops spans rather than holding a request, and a
 * collector that is down costs one failed POST per batch, never a request's latency.
 */
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base"

/** Spans waiting to leave; past this, new ones are dropped. */
const MAX_QUEUED_SPANS = 2_048
/** Spans per POST. */
const MAX_SPANS_PER_EXPORT = 512
/** A batch leaves at least this often (and as soon as it is full). */
const EXPORT_INTERVAL_MS = 5_000
/** One POST may take this long before it counts as failed. */
const EXPORT_TIMEOUT_MS = 10_000

/** The OTLP convention: the variable is the base URL, and each signal appends its own path. */
export const tracesUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, "")}/v1/traces`

export const otlpTraceExporter = (endpoint: string): SpanExporter =>
  new OTLPTraceExporter({ url: tracesUrl(endpoint), timeoutMillis: EXPORT_TIMEOUT_MS })

export const batchSpanProcessor = (exporter: SpanExporter): BatchSpanProcessor =>
  new BatchSpanProcessor(exporter, {
    maxQueueSize: MAX_QUEUED_SPANS,
    maxExportBatchSize: MAX_SPANS_PER_EXPORT,
    scheduledDelayMillis: EXPORT_INTERVAL_MS,
    exportTimeoutMillis: EXPORT_TIMEOUT_MS
  })
