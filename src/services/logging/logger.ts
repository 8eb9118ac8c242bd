/**
 * Structured logs: one JSON object per line (`timestamp`, `level`, `logger`, `message`, then the
 * annotations), as in the seed, or a readable line with LOG_FORMAT=pretty. Every line passes
 * through the redactor, so a secret in an annotation, a message or a cause never reaches the sink,
 * and its free text (message, cause) through the anonymiser (personal-data.ts). A line written
 * inside a span carries `trace_id` and `span_id`, to find it from its trace and back.
 */
import { Cause, FiberRefs, HashMap, Inspectable, Layer, List, Logger, type LogLevel } from "effect"
import type { LogFormat } from "../../config.js"
import { currentTraceIds } from "../telemetry/trace-ids.js"
import { anonymiseLogText } from "./personal-data.js"
import { isSensitiveKey, REDACTED, redactValue, scrub } from "./redact.js"
import { currentRequest } from "./request-context.js"

/** Where finished lines go: stdout in the Hub, an array in tests. */
export type LogSink = (line: string) => void

export const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + "\n")
}

const LEVEL_NAMES: Record<LogLevel.LogLevel["_tag"], string> = {
  All: "ALL",
  Trace: "TRACE",
  Debug: "DEBUG",
  Info: "INFO",
  Warning: "WARNING",
  Error: "ERROR",
  Fatal: "CRITICAL",
  None: "NONE"
}

const DEFAULT_LOGGER_NAME = "luna_hub"

const messageText = (message: unknown): string => {
  const parts = Array.isArray(message) ? message : [message]
  return parts.map((p) => (typeof p === "string" ? p : Inspectable.format(p))).join(" ")
}

interface LogRecord {
  readonly timestamp: string
  readonly level: string
  readonly logger: string
  readonly message: string
  readonly fields: Record<string, unknown>
  readonly error: string | undefined
}

const toRecord = (options: Logger.Logger.Options<unknown>): LogRecord => {
  const fields: Record<string, unknown> = {}
  let logger = DEFAULT_LOGGER_NAME
  for (const [key, value] of HashMap.toEntries(options.annotations)) {
    if (key === "logger" && typeof value === "string") logger = value
    else fields[key] = isSensitiveKey(key) ? REDACTED : redactValue(value)
  }
  const request = FiberRefs.getOrDefault(options.context, currentRequest)
  if (request !== undefined) fields.request_id = request.requestId
  const trace = currentTraceIds(options.context)
  if (trace !== undefined) {
    fields.trace_id = trace.traceId
    fields.span_id = trace.spanId
  }
  for (const span of List.toArray(options.spans)) {
    fields[`${span.label}_ms`] = options.date.getTime() - span.startTime
  }
  return {
    timestamp: options.date.toISOString(),
    level: LEVEL_NAMES[options.logLevel._tag],
    logger,
    message: anonymiseLogText(scrub(messageText(options.message))),
    fields,
    error: Cause.isEmpty(options.cause) ? undefined : anonymiseLogText(scrub(Cause.pretty(options.cause, { renderErrorCause: true })))
  }
}

export const jsonLogger = (sink: LogSink): Logger.Logger<unknown, void> =>
  Logger.make((options) => {
    const r = toRecord(options)
    const line: Record<string, unknown> = { timestamp: r.timestamp, level: r.level, logger: r.logger, message: r.message, ...r.fields }
    if (r.error !== undefined) line.error = r.error
    sink(JSON.stringify(line))
  })

export const prettyLogger = (sink: LogSink): Logger.Logger<unknown, void> =>
  Logger.make((options) => {
    const r = toRecord(options)
    const fields = Object.entries(r.fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    const head = `${r.timestamp.slice(11, 23)} ${r.level.padEnd(8)} [${r.logger}] ${r.message}`
    sink([head, ...fields].join(" ") + (r.error !== undefined ? `\n${r.error}` : ""))
  })

/**
 * Replaces Effect's default logger and sets the minimum level, for the whole runtime. Also removes
 * Effect's tracer logger, which copies every line written inside a span into the span as an event,
 * unredacted: with tracing on, lines reach the trace through `trace_id`, not as copies.
 */
export const loggerLayer = (options: {
  readonly format: LogFormat
  readonly level: LogLevel.LogLevel
  readonly sink?: LogSink
}): Layer.Layer<never> => {
  const sink = options.sink ?? stdoutSink
  const logger = options.format === "pretty" ? prettyLogger(sink) : jsonLogger(sink)
  return Layer.mergeAll(Logger.replace(Logger.defaultLogger, logger), Logger.remove(Logger.tracerLogger), Logger.minimumLogLevel(options.level))
}
