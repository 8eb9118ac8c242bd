/**
 * The trace and span a log line was written in, read from the logging fiber's context (where
 * `Effect.withSpan` puts the current span), so logs and traces join on `trace_id`.
 */
import { Context, FiberRef, FiberRefs, Option, Tracer } from "effect"

export interface TraceIds {
  readonly traceId: string
  readonly spanId: string
}

/**
 * The innermost span that is not marked `DisablePropagation`, as Effect itself picks a parent. With
 * tracing off every span is such a no-op (with placeholder ids), so nothing is reported.
 */
const propagated = (span: Tracer.AnySpan): Tracer.AnySpan | undefined => {
  let current: Tracer.AnySpan | undefined = span
  while (current !== undefined && Context.get(current.context, Tracer.DisablePropagation)) {
    current = current._tag === "Span" ? Option.getOrUndefined(current.parent) : undefined
  }
  return current
}

/** The current span's ids, if the line was written inside one. */
export const currentTraceIds = (fiberRefs: FiberRefs.FiberRefs): TraceIds | undefined => {
  const current = Context.getOption(FiberRefs.getOrDefault(fiberRefs, FiberRef.currentContext), Tracer.ParentSpan)
  if (Option.isNone(current)) return undefined
  const span = propagated(current.value)
  return span === undefined ? undefined : { traceId: span.traceId, spanId: span.spanId }
}
