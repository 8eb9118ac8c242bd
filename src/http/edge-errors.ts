/**
 * Errors the HTTP edge writes itself (no handler ran, or it died): their bodies as schemas, so
 * the edge and the OpenAPI document share one definition.
 */
import { JSONSchema, Schema } from "effect"
import { RateLimited } from "../services/rate-limit/schema.js"
import { envelope, type ErrorBody, errorBody } from "./envelope.js"

const envelopeOf = <F extends Schema.Struct.Fields>(tag: string, fields: F) =>
  Schema.Struct({
    error: Schema.Struct({ tag: Schema.Literal(tag), message: Schema.String, ...fields })
  })

const Issue = Schema.Struct({ field: Schema.String, message: Schema.String })

/** Schemas the edge bodies refer to (e.g. `Int`), to be merged into the document's components. */
export const EDGE_SCHEMA_DEFINITIONS: Record<string, JSONSchema.JsonSchema7> = {}

const define = <S extends Schema.Schema.AnyNoContext>(schemaName: string, status: number, description: string, schema: S) => ({
  schemaName,
  status,
  description,
  jsonSchema: JSONSchema.fromAST(schema.ast, {
    definitions: EDGE_SCHEMA_DEFINITIONS,
    definitionPath: "#/components/schemas/",
    target: "openApi3.1"
  }) as unknown
})

export const EDGE_ERRORS = {
  InvalidRequest: define("InvalidRequestError", 400, "Bad input; `field` names the first offending field",
    envelopeOf("InvalidRequest", { field: Schema.String, issues: Schema.Array(Issue) })),
  NotFound: define("NotFoundError", 404, "No such route", envelopeOf("NotFound", { path: Schema.String })),
  PayloadTooLarge: define("PayloadTooLargeError", 413, "The request body exceeds the size limit",
    envelopeOf("PayloadTooLarge", { limitBytes: Schema.Int })),
  RateLimited: define("RateLimited", 429, "Too many requests for this scope; retry after `Retry-After` seconds",
    Schema.encodedSchema(envelope(RateLimited))),
  InternalError: define("InternalError", 500, "An unexpected failure; quote the request id to support",
    envelopeOf("InternalError", { requestId: Schema.String }))
} as const

export const invalidRequest = (issues: ReadonlyArray<{ readonly field: string; readonly message: string }>): ErrorBody => {
  const first = issues[0] ?? { field: "request", message: "invalid request" }
  return errorBody("InvalidRequest", `Invalid ${first.field}: ${first.message}`, { field: first.field, issues })
}

export const notFound = (method: string, path: string): ErrorBody =>
  errorBody("NotFound", `No route for ${method} ${path}`, { path })

export const payloadTooLarge = (limitBytes: number): ErrorBody =>
  errorBody("PayloadTooLarge", `Request body exceeds ${limitBytes} bytes`, { limitBytes })

export const internalError = (requestId: string): ErrorBody =>
  errorBody("InternalError", "Internal server error", { requestId })
