/**
 * Completes the generated OpenAPI document with the errors the HTTP edge writes itself, so the
 * document shows every body a client can receive: HttpApi's own decode error is replaced by the
 * envelope the edge actually sends, 413 is declared where a body is read, 429 (GLOBAL_DDOS)
 * everywhere but on the probes, 500 everywhere, and the 404 of unknown routes (listed among the
 * components) on every path with parameters, where a request for the operation can get it.
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

/**
 * The router takes a path parameter only up to its length limit (`maxParamLength`, 256, in
 * server.ts) and with valid percent-encoding: past that the request matches no route, and the edge
 * answers its 404 NotFound before any schema sees the parameter. So every operation with path
 * parameters declares it, beside its own 404 if it has one.
 */
const ROUTE_MISS = "NotFound: a path parameter longer than 256 characters or with broken percent-encoding leaves the URL without a route"

const withRouteMiss = (declared: Json | undefined): Json => {
  const content = declared?.content as Record<string, Json> | undefined
  const json = content?.["application/json"]
  const schema = json?.schema as Json | undefined
  if (declared === undefined || schema === undefined) return response(ROUTE_MISS, EDGE_ERRORS.NotFound.schemaName)
  const alternatives = Object.keys(schema).length === 1 && Array.isArray(schema.anyOf) ? (schema.anyOf as Array<unknown>) : [schema]
  return {
    ...declared,
    description: `${String(declared.description ?? "").replace(/\.$/, "")}; or ${ROUTE_MISS}`,
    content: { ...content, "application/json": { ...json, schema: { anyOf: [...alternatives, ref(EDGE_ERRORS.NotFound.schemaName)] } } }
  }
}

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
      if (path.includes("{")) responses["404"] = withRouteMiss(responses["404"] as Json | undefined)
      operation.responses = responses
    }
  }
  return { ...withEnvelope, components: { ...components, schemas } }
}
