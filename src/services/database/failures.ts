/**
 * Which database failures mean "the database is unreachable" (retry, count against the breaker,
 * answer 503) and which are the caller's business (constraint violations, syntax errors: bugs when
 * unhandled). Reasons are built from error codes only, never from driver messages, so they can
 * never carry a connection string, a host or a password.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Predicate } from "effect"

export type FailureClass =
  /** The connection could not be made or was lost: retried, counted, 503. */
  | "connection"
  /** The server cancelled a statement that ran too long (57014): counted and 503, not retried. */
  | "timeout"
  /** Anything else (constraint violation, syntax error, …): the caller's business. */
  | "other"

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"])

const CONNECTION_SQLSTATES: Record<string, string> = {
  "57P01": "server terminated the connection (admin shutdown)",
  "57P02": "server crashed",
  "57P03": "server is not accepting connections",
  "53300": "server has too many connections"
}

const CONNECTION_MESSAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/timeout exceeded when trying to connect/i, "connection timed out"],
  [/connection terminated due to connection timeout/i, "connection timed out"],
  [/connection terminated/i, "connection lost"],
  [/connection error/i, "connection lost"],
  [/is not queryable/i, "connection lost"],
  [/cannot use a pool after calling end/i, "connection pool closed"],
  [/failed to acquire connection/i, "could not acquire a connection"]
]

const SYSTEM_CODE_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection lost",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host lookup failed"
}

interface Verdict {
  readonly kind: FailureClass
  readonly reason: string
}

const OTHER: Verdict = { kind: "other", reason: "query failed" }

const codeOf = (u: object): string | undefined => {
  const code = (u as { readonly code?: unknown }).code
  return typeof code === "string" ? code : undefined
}

const messageOf = (u: object): string => {
  const message = (u as { readonly message?: unknown }).message
  return typeof message === "string" ? message : ""
}

const isSqlState = (code: string): boolean => /^[0-9A-Z]{5}$/.test(code)

/** Walks an error, its `cause` and an AggregateError's `errors`, looking for the first recognisable sign. */
const inspect = (u: unknown, depth: number): Verdict | undefined => {
  if (depth > 6 || !Predicate.isObject(u)) return undefined
  const code = codeOf(u)
  if (code !== undefined) {
    if (CONNECTION_CODES.has(code)) return { kind: "connection", reason: SYSTEM_CODE_REASONS[code] ?? "connection failed" }
    if (isSqlState(code)) {
      if (code.startsWith("08")) return { kind: "connection", reason: `connection failure (SQLSTATE ${code})` }
      const known = CONNECTION_SQLSTATES[code]
      if (known !== undefined) return { kind: "connection", reason: `${known} (SQLSTATE ${code})` }
      if (code === "57014") return { kind: "timeout", reason: "statement timed out (SQLSTATE 57014)" }
      // A server-side error with a SQLSTATE is an answer, not an outage.
      return { kind: "other", reason: `query failed (SQLSTATE ${code})` }
    }
  }
  const errors = (u as { readonly errors?: unknown }).errors
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const verdict = inspect(inner, depth + 1)
      if (verdict !== undefined && verdict.kind !== "other") return verdict
    }
  }
  const message = messageOf(u)
  for (const [pattern, reason] of CONNECTION_MESSAGES) {
    if (pattern.test(message)) {
      // SqlError's own messages ("Failed to acquire connection") are less precise than their cause.
      const deeper = inspect((u as { readonly cause?: unknown }).cause, depth + 1)
      return deeper !== undefined && deeper.kind !== "other" ? deeper : { kind: "connection", reason }
    }
  }
  return inspect((u as { readonly cause?: unknown }).cause, depth + 1)
}

/** Classifies any error the SQL layer can produce; unknown shapes are "other". */
export const classifyFailure = (error: unknown): Verdict => inspect(error, 0) ?? OTHER

/** Connection-class: ECONNREFUSED & co., "Connection terminated", pool acquisition, SQLSTATE 08xxx / 57P01-03 / 53300. */
export const isConnectionFailure = (error: unknown): boolean => classifyFailure(error).kind === "connection"

/** What counts against the database breaker: connection-class failures and server-side statement timeouts. */
export const isOutage = (error: unknown): boolean => {
  const kind = classifyFailure(error).kind
  return kind === "connection" || kind === "timeout"
}

export const isSqlError = (u: unknown): u is SqlError => u instanceof SqlError

/** A safe, short description: codes and fixed phrases only. */
export const describeFailure = (error: unknown): string => classifyFailure(error).reason

/**
 * The server's own words for a query error (e.g. `syntax error at or near "TABLEE"`), with its
 * SQLSTATE, for migration failures. Only used for errors that carry a SQLSTATE: those messages
 * come from the server and never contain connection parameters.
 */
export const describeServerError = (error: unknown): string => {
  let u: unknown = error
  for (let depth = 0; depth < 6 && Predicate.isObject(u); depth++) {
    const code = codeOf(u)
    if (code !== undefined && isSqlState(code)) return `${messageOf(u)} (SQLSTATE ${code})`
    u = (u as { readonly cause?: unknown }).cause
  }
  return describeFailure(error)
}

/** The SQLSTATE of a server error carried by a SqlError (e.g. "23505"), if any. */
export const sqlStateOf = (error: unknown): string | undefined => {
  let u: unknown = error
  for (let depth = 0; depth < 6 && Predicate.isObject(u); depth++) {
    const code = codeOf(u)
    if (code !== undefined && isSqlState(code)) return code
    u = (u as { readonly cause?: unknown }).cause
  }
  return undefined
}

/** 23505: for callers that expect duplicates and catch them inside `guard`. */
export const isUniqueViolation = (error: unknown): boolean => sqlStateOf(error) === "23505"
