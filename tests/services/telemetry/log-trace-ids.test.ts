/**
 * Trace ids in log lines: a line written inside a span carries `trace_id` and `span_id` (JSON and
 * pretty), the innermost span's; outside a span, or with the tracer off, it carries neither.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel } from "effect"
import type { LogFormat } from "../../../src/config.js"
import { loggerLayer } from "../../../src/services/logging/logger.js"

const logged = <A, E>(format: LogFormat, program: Effect.Effect<A, E>) => {
  const lines: Array<string> = []
  return Effect.map(
    program.pipe(Effect.provide(loggerLayer({ format, level: LogLevel.Info, sink: (line) => lines.push(line) }))),
    (result) => ({ result, lines })
  )
}

const spanIds = Effect.map(Effect.currentSpan, (span) => ({ traceId: span.traceId, spanId: span.spanId }))

describe("Trace ids in log lines", () => {
  it.effect("JSON: a line inside a span carries the innermost span's ids", () =>
    Effect.gen(function* () {
      const { result, lines } = yield* logged(
        "json",
        Effect.zipLeft(spanIds, Effect.logInfo("inside")).pipe(Effect.withSpan("inner"), Effect.withSpan("outer"), Effect.orDie)
      )
      expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ message: "inside", trace_id: result.traceId, span_id: result.spanId })])
    }))

  it.effect("pretty: the same ids as fields", () =>
    Effect.gen(function* () {
      const { result, lines } = yield* logged("pretty", Effect.zipLeft(spanIds, Effect.logInfo("inside")).pipe(Effect.withSpan("request"), Effect.orDie))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(`trace_id=${result.traceId}`)
      expect(lines[0]).toContain(`span_id=${result.spanId}`)
    }))

  it.effect("outside any span: no ids", () =>
    Effect.gen(function* () {
      const { lines } = yield* logged("json", Effect.logInfo("outside"))
      expect(lines).toHaveLength(1)
      expect(JSON.parse(lines[0]!)).not.toHaveProperty("trace_id")
      expect(JSON.parse(lines[0]!)).not.toHaveProperty("span_id")
    }))

  it.effect("the tracer off (no OTLP endpoint): spans are no-ops, and lines inside them carry no ids", () =>
    Effect.gen(function* () {
      const { lines } = yield* logged("json", Effect.logInfo("inside").pipe(Effect.withSpan("request"), Effect.withTracerEnabled(false)))
      expect(lines).toHaveLength(1)
      expect(JSON.parse(lines[0]!)).not.toHaveProperty("trace_id")
      expect(JSON.parse(lines[0]!)).not.toHaveProperty("span_id")
    }))
})
