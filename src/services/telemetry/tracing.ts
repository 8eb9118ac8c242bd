/**
 * Tracing. With OTEL_EXPORTER_OTLP_ENDPOINT set, the spans Effect opens (HTTP requests, RPC calls,
 * SQL statements, Redis commands, actor messages) are recorded by the OpenTelemetry SDK, made
 * private (span-privacy.ts) and sent in batches (exporter.ts); the stop flushes what is queued.
 * Without it tracing is off for the whole runtime: the spans the libraries open anyway are no-ops,
 * and the ones the Hub decides on (the per-request span, RPC and Redis spans) are not opened at all,
 * since even a no-op span costs a few microseconds (`tracingEnabled`, read where they are built).
 */
import { NodeSdk, Resource, Tracer } from "@effect/opentelemetry"
import { Effect, Layer, Option, Tracer as EffectTracer } from "effect"
import { HubConfig, type HubSettings } from "../../config.js"
import { PACKAGE } from "../../package-info.js"
import { makeIdentifierHasher } from "../auth/identifier-hash.js"
import { batchSpanProcessor, otlpTraceExporter } from "./exporter.js"
import { PrivateSpanExporter } from "./span-privacy.js"

/** How long the stop waits for the last batch to be sent. */
const SHUTDOWN_FLUSH_TIMEOUT = "3 seconds"

/** Whether spans go anywhere: the one switch for everything that opens spans of its own. */
export const tracingEnabled = (settings: HubSettings): boolean => Option.isSome(settings.telemetry.otlpEndpoint)

/**
 * Effect's tracer from @effect/opentelemetry, minus its `context` hook. That hook runs around every
 * step of every fiber to expose the current span to OpenTelemetry's context API, for instrumentation
 * outside Effect; the Hub has none and registers no context manager, so the hook would only allocate
 * (measured under bench:http's load: ~500 µs of one core per traced request with it, ~290 without).
 * Spans still nest: Effect tracks the parent itself.
 */
const spansOnlyTracer: Layer.Layer<never, never, Tracer.OtelTracer> = Layer.unwrapEffect(
  Effect.map(Tracer.make, (otel) => Layer.setTracer(EffectTracer.make({ span: otel.span.bind(otel), context: (execution) => execution() })))
)

/** Effect's tracer backed by an SDK tracer provider that exports to `endpoint`. */
const exportingTracer = (settings: HubSettings, endpoint: string): Layer.Layer<never> => {
  const exporter = new PrivateSpanExporter(otlpTraceExporter(endpoint), makeIdentifierHasher(settings.gdpr.anonymizationSalt))
  return spansOnlyTracer.pipe(
    Layer.provide(Tracer.layerTracer),
    Layer.provide(NodeSdk.layerTracerProvider(batchSpanProcessor(exporter), { shutdownTimeout: SHUTDOWN_FLUSH_TIMEOUT })),
    // From the settings, not OTEL_* variables read behind HubConfig's back.
    Layer.provide(Resource.layer({ serviceName: settings.telemetry.serviceName, serviceVersion: PACKAGE.version }))
  )
}

/**
 * Provided under the whole Hub (embedded.ts, production.ts), so every layer and fiber it starts
 * sees the tracer, or the tracer switched off.
 */
export const TracingLive: Layer.Layer<never, never, HubConfig> = Layer.unwrapEffect(
  Effect.map(HubConfig, (settings) =>
    Option.match(settings.telemetry.otlpEndpoint, {
      onNone: () => Layer.setTracerEnabled(false),
      onSome: (endpoint) => exportingTracer(settings, endpoint)
    })
  )
)
