/**
 * Completes the generated OpenAPI document with the errors the HTTP edge writes itself, so the
 * document shows every body a client can receive: HttpApi's own decode error is replaced by the
 * envelope the edge actually sends, 413 is declared where a body is read, 429 (GLOBAL_DDOS)
 * everywhere but on the probes, and 500 everywhere; the 404 of unknown routes is listed among the
 * components.
 */
import { EDGE_ERRORS, EDGE_SCHEMA_DEFINITIONS } from "./edge-errors.js"

type Json = Record<string, unknown>

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

const response = (description: string, schemaName: string) => ({
  description,
  content: { "application/json": { schema: ref(schemaName) } }
})

const replaceRefs = (node: unknown, from: string, to: string): unknown => {
  if (Array.isArray(node)) return node.map((n) => replaceRefs(n, from, to))
  if (node === null || typeof node !== "object") return node
  const out: Json = {}
  for (const [k, v] of Object.entries(node as Json)) out[k] = k === "$ref" && v === from ? to : replaceRefs(v, from, to)
  return out
}

/** The liveness and readiness probes, which no limit ever refuses (see the edge). */
const isProbe = (path: string): boolean => path.startsWith("/monitoring/health") || path === "/monitoring/ready"

export const documentErrorEnvelope = (spec: Json): Json => {
  const withEnvelope = replaceRefs(
    spec,
    "#/components/schemas/HttpApiDecodeError",
    `#/components/schemas/${EDGE_ERRORS.InvalidRequest.schemaName}`
  ) as Json
  const components = (withEnvelope.components ?? {}) as Json
  const schemas = { ...((components.schemas ?? {}) as Json) }
  delete schemas.HttpApiDecodeError
  for (const [name, definition] of Object.entries(EDGE_SCHEMA_DEFINITIONS)) schemas[name] ??= definition
  // Endpoints declaring RateLimited already generated its schema, from the same envelope.
  for (const e of Object.values(EDGE_ERRORS)) schemas[e.schemaName] ??= e.jsonSchema
  const paths = (withEnvelope.paths ?? {}) as Record<string, Record<string, Json>>
  for (const [path, operations] of Object.entries(paths)) {
    for (const operation of Object.values(operations)) {
      const responses = (operation.responses ?? {}) as Json
      if (operation.requestBody !== undefined) {
        responses["413"] ??= response(EDGE_ERRORS.PayloadTooLarge.description, EDGE_ERRORS.PayloadTooLarge.schemaName)
      }
      if (!isProbe(path)) responses["429"] ??= response(EDGE_ERRORS.RateLimited.description, EDGE_ERRORS.RateLimited.schemaName)
      responses["500"] ??= response(EDGE_ERRORS.InternalError.description, EDGE_ERRORS.InternalError.schemaName)
      operation.responses = responses
    }
  }
  return { ...withEnvelope, components: { ...components, schemas } }
}
