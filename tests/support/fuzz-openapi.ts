/**
 * What `/openapi.json` promises about each operation, as the fuzzer checks it: the statuses it
 * declares and, per status, the media types and the JSON schema of the body. Bodies are validated
 * with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) against the document itself, so a
 * `$ref` resolves exactly as a client generator would resolve it.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js"

type Json = Record<string, any>

/** The one format the document uses (ajv knows none without ajv-formats, which is not installed). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const DOCUMENT_ID = "urn:luna-hub:openapi"

/** Effect writes `{"$id": "/schemas/unknown"}` for `Schema.Unknown`: an id reused at many places, which ajv refuses. */
const withoutIds = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(withoutIds)
  if (node === null || typeof node !== "object") return node
  return Object.fromEntries(Object.entries(node as Json).filter(([k]) => k !== "$id").map(([k, v]) => [k, withoutIds(v)]))
}

const pointer = (segments: ReadonlyArray<string>): string =>
  segments.map((s) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/")

export interface DeclaredResponse {
  /** Media types without parameters (`application/json`), empty when no body is declared. */
  readonly mediaTypes: ReadonlyArray<string>
  /** Validates an `application/json` body against the declared schema (absent: no JSON declared). */
  readonly validate?: ValidateFunction
}

export interface DocumentedOperation {
  /** `METHOD /path/:param`, as the Hub's route keys spell it. */
  readonly key: string
  readonly operation: Json
  readonly responses: ReadonlyMap<number, DeclaredResponse>
  /** Names of the query parameters the document lists. */
  readonly queryParameters: ReadonlyArray<string>
}

export interface OpenApiDocument {
  readonly operations: ReadonlyMap<string, DocumentedOperation>
}

const mediaType = (contentType: string): string => contentType.split(";")[0]!.trim().toLowerCase()

/** Compiles every declared response of every operation once (a few hundred validators share the components). */
export const readOpenApiDocument = (spec: Json): OpenApiDocument => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false })
  ajv.addFormat("uuid", UUID)
  ajv.addSchema({ ...(withoutIds(spec) as Json), $id: DOCUMENT_ID })
  const operations = new Map<string, DocumentedOperation>()
  for (const [path, methods] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      const responses = new Map<number, DeclaredResponse>()
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        const content = (response.content ?? {}) as Record<string, Json>
        const validate = content["application/json"]?.schema === undefined
          ? undefined
          : ajv.compile({
              $ref: `${DOCUMENT_ID}#/${pointer(["paths", path, method, "responses", status, "content", "application/json", "schema"])}`
            })
        responses.set(Number(status), {
          mediaTypes: Object.keys(content).map(mediaType),
          ...(validate === undefined ? {} : { validate })
        })
      }
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`
      const queryParameters = ((operation.parameters ?? []) as Array<Json>).filter((p) => p.in === "query").map((p) => String(p.name))
      operations.set(key, { key, operation, responses, queryParameters })
    }
  }
  return { operations }
}

export interface Answer {
  readonly status: number
  readonly contentType: string | null
  readonly text: string
}

export interface ContractProblem {
  readonly kind: "server error" | "undeclared status" | "undeclared media type" | "body breaks schema" | "no answer"
  readonly status: number
  readonly detail: string
}

export const describeProblem = (p: ContractProblem): string => `${p.kind} (${p.status}): ${p.detail}`

/**
 * How an answer breaks the document, if it does: a 500, a status the operation does not declare,
 * a media type it does not declare for that status, or a JSON body outside the declared schema.
 */
export const contractProblems = (operation: DocumentedOperation, answer: Answer): Array<ContractProblem> => {
  const problem = (kind: ContractProblem["kind"], detail: string): Array<ContractProblem> => [
    { kind, status: answer.status, detail: `${detail}: ${answer.text.slice(0, 300)}` }
  ]
  if (answer.status === 500) return problem("server error", "500 Internal error")
  const declared = operation.responses.get(answer.status)
  if (declared === undefined) return problem("undeclared status", `declared: ${[...operation.responses.keys()].join(", ")}`)
  if (declared.mediaTypes.length === 0) return []
  const type = answer.contentType === null ? "(none)" : mediaType(answer.contentType)
  if (!declared.mediaTypes.includes(type)) return problem("undeclared media type", `${type}, declared ${declared.mediaTypes.join(" or ")}`)
  if (type !== "application/json" || declared.validate === undefined) return []
  let body: unknown
  try {
    body = JSON.parse(answer.text)
  } catch {
    return problem("body breaks schema", "not JSON")
  }
  if (declared.validate(body)) return []
  const errors = (declared.validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "(body)"} ${e.message ?? "is invalid"}`)
  return problem("body breaks schema", errors.join("; "))
}
