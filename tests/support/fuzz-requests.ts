/**
 * Requests the fuzzer sends, as plain JSON (so a failing one can be saved and replayed), and the
 * arbitraries that generate them from the API itself: `HttpApi.reflect` gives each endpoint's path,
 * query and payload schemas, `Arbitrary.make` turns each into values the schema accepts, and
 * encoding them gives what a client puts on the wire. Invalid requests are valid ones with one part
 * broken. Fast-check is Effect's own (`FastCheck`), the one `Arbitrary.make` builds on: mixing it
 * with another major version of fast-check would mix two random generators.
 */
import { HttpApi } from "@effect/platform"
import { Arbitrary, Either, FastCheck as fc, Option, Schema } from "effect"
import { routeKey } from "../../src/http/authentication.js"
import { TEST_ADMIN_KEY, userToken } from "./auth.js"
import type { Answer } from "./fuzz-openapi.js"

export type Credential =
  | { readonly kind: "admin" }
  | { readonly kind: "none" }
  | { readonly kind: "user"; readonly userId: string }

export type CaseBody = { readonly json: unknown } | { readonly text: string }

/** One request, as data: what a regression fixture stores. */
export interface RequestCase {
  /** The route key, e.g. `POST /energy/:userId/consume`. */
  readonly endpoint: string
  /** `valid`, or which part was broken and how (e.g. `path:userId`, `path.raw:userId`, `body:amount`, `body.notJson`). */
  readonly mutation: string
  readonly credential: Credential
  /** Path parameters, not yet URL-encoded. */
  readonly path: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body?: CaseBody
  /** The body's Content-Type when not `application/json` ("" sends none). */
  readonly contentType?: string
  /** Path parameters sent as written, not URL-encoded (to send malformed percent-encoding). */
  readonly rawPath?: ReadonlyArray<string>
}

/** A schema as `HttpApi.reflect` hands it over (its decoded type erased). */
type ReflectedSchema = Schema.Schema<never, unknown, never>

export interface ReflectedEndpoint {
  readonly key: string
  readonly method: string
  readonly path: string
  readonly pathSchema: Option.Option<ReflectedSchema>
  readonly urlParamsSchema: Option.Option<ReflectedSchema>
  readonly payloadSchema: Option.Option<ReflectedSchema>
}

export const reflectEndpoints = (api: HttpApi.HttpApi.Any): ReadonlyArray<ReflectedEndpoint> => {
  const found: Array<ReflectedEndpoint> = []
  HttpApi.reflect(api as HttpApi.HttpApi.AnyWithProps, {
    onGroup: () => undefined,
    onEndpoint: ({ endpoint }) => {
      found.push({
        key: routeKey(endpoint.method, endpoint.path),
        method: endpoint.method,
        path: endpoint.path,
        pathSchema: endpoint.pathSchema,
        urlParamsSchema: endpoint.urlParamsSchema,
        payloadSchema: endpoint.payloadSchema
      })
    }
  })
  return found
}

// ---------------------------------------------------------------------------------------------
// Sending

/** How long one answer may take: a hung request is a failure too. */
const ANSWER_TIMEOUT_MS = 20_000

export const credentialHeader = async (credential: Credential): Promise<string | undefined> => {
  switch (credential.kind) {
    case "admin":
      return `Bearer ${TEST_ADMIN_KEY}`
    case "none":
      return undefined
    case "user":
      return `Bearer ${await userToken(credential.userId)}`
  }
}

export const urlOf = (endpointPath: string, c: RequestCase): string => {
  const path = endpointPath.replace(/:(\w+)/g, (_, name: string) => {
    const value = c.path[name] ?? ""
    return c.rawPath?.includes(name) ? value : encodeURIComponent(value)
  })
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(c.query)) {
    for (const one of typeof value === "string" ? [value] : value) query.append(name, one)
  }
  const search = query.toString()
  return search === "" ? path : `${path}?${search}`
}

/** Streams (ndjson) are not read to their end: the status and media type are what is checked. */
const isStream = (contentType: string | null) => contentType?.startsWith("application/x-ndjson") === true

export const sendCase = async (baseUrl: string, endpointPath: string, c: RequestCase): Promise<Answer> => {
  const headers = new Headers()
  const authorization = await credentialHeader(c.credential)
  if (authorization !== undefined) headers.set("authorization", authorization)
  let body: Blob | undefined
  if (c.body !== undefined) {
    const type = c.contentType ?? "application/json"
    // A Blob without a type sends no Content-Type (a string body would be sent as text/plain).
    body = new Blob(["json" in c.body ? JSON.stringify(c.body.json) : c.body.text])
    if (type !== "") headers.set("content-type", type)
  }
  const method = c.endpoint.slice(0, c.endpoint.indexOf(" "))
  const response = await fetch(`${baseUrl}${urlOf(endpointPath, c)}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS)
  })
  const contentType = response.headers.get("content-type")
  if (isStream(contentType)) {
    await response.body?.cancel()
    return { status: response.status, contentType, text: "" }
  }
  return { status: response.status, contentType, text: await response.text() }
}

// ---------------------------------------------------------------------------------------------
// Generating

/**
 * Known values by field name (`userId`, `action`, `keyId`…), picked instead of a generated one
 * now and then: random ids name nobody, so without them valid requests would stop at 404.
 */
export type Hints = Readonly<Record<string, ReadonlyArray<string>>>

type Encoded = Record<string, unknown>

/** Values `schema` accepts, as the client encodes them (values that do not encode are skipped). */
const encodedValues = (schema: ReflectedSchema): fc.Arbitrary<unknown> => {
  const s = schema as unknown as Schema.Schema<unknown, unknown, never>
  const encode = Schema.encodeEither(s)
  return Arbitrary.make(s)
    .map((value) => encode(value))
    .filter(Either.isRight)
    .map((encoded) => encoded.right)
}

const withHints = (arb: fc.Arbitrary<unknown>, hints: Hints): fc.Arbitrary<unknown> =>
  arb.chain((value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return fc.constant(value)
    const hinted = Object.keys(value).filter((k) => typeof (value as Encoded)[k] === "string" && (hints[k]?.length ?? 0) > 0)
    if (hinted.length === 0) return fc.constant(value)
    return fc
      .tuple(...hinted.map((k) => fc.option(fc.constantFrom(...hints[k]!), { freq: 3, nil: undefined })))
      .map((picks) => {
        const out: Encoded = { ...(value as Encoded) }
        picks.forEach((pick, i) => {
          if (pick !== undefined) out[hinted[i]!] = pick
        })
        return out
      })
  })

/** Optional fields encode to `undefined`: left out, as JSON and query strings leave them out. */
const withoutUndefined = (value: unknown): unknown =>
  value === null || typeof value !== "object" || Array.isArray(value)
    ? value
    : Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))

const partOf = (schema: Option.Option<ReflectedSchema>, hints: Hints): fc.Arbitrary<unknown> =>
  Option.isNone(schema) ? fc.constant(undefined) : withHints(encodedValues(schema.value).map(withoutUndefined), hints)

interface Parts {
  readonly path: Record<string, string>
  readonly query: Record<string, string | ReadonlyArray<string>>
  readonly body: CaseBody | undefined
  readonly contentType?: string
  readonly rawPath?: ReadonlyArray<string>
}

const validParts = (endpoint: ReflectedEndpoint, hints: Hints): fc.Arbitrary<Parts> =>
  fc.tuple(partOf(endpoint.pathSchema, hints), partOf(endpoint.urlParamsSchema, hints), partOf(endpoint.payloadSchema, hints)).map(
    ([path, query, payload]) => ({
      path: (path ?? {}) as Record<string, string>,
      query: (query ?? {}) as Record<string, string | ReadonlyArray<string>>,
      body: Option.isSome(endpoint.payloadSchema) ? { json: payload } : undefined
    })
  )

/**
 * Strings no schema should choke on. Never "", "." or "..": those leave the route before the Hub
 * sees them (an empty segment matches another route; the client itself folds dot segments away).
 */
const nastyString: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.fullUnicodeString({ minLength: 1, maxLength: 40 }),
    // Any UTF-16 code units, lone surrogates included.
    fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
    fc.constantFrom(
      "0", "-1", "1.5", "1e309", "9".repeat(30), "NaN", "null", "true", "[]", "{}", " ", "%", "%00", "\u0000", "\u202e",
      "a".repeat(300), "😀", "<script>alert(1)</script>", "' OR 1=1 --", "../x", "/", "?", "#", "u:1", "luna_dev_x"
    )
  )
  .filter((s) => s !== "" && s !== "." && s !== "..")

/**
 * Path segments as a careless or hostile client writes them: broken or overlong percent-encoding,
 * encoded separators. Never an encoded dot segment (`%2e%2e`): the client's URL parser folds it
 * away, and the request goes to another route.
 */
const rawSegment: fc.Arbitrary<string> = fc.constantFrom("%", "%zz", "%c0%ae", "%ED%A0%80", "%FF", "%00", "a%2Fb", "%E2%80%AE")

/** Content types other than the JSON every body is declared as. */
const otherContentType: fc.Arbitrary<string> = fc.constantFrom(
  "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
  "application/json; charset=utf-16", "application/xml", "application/octet-stream"
)

const weirdJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(null, -1, 0, 1.5, 1e21, -1e21, "", "x".repeat(5000), [], {}, true, Number.MAX_SAFE_INTEGER + 2)
)

type Mutation = { readonly label: string; readonly apply: fc.Arbitrary<Parts> }

/** Every way to break one part of a valid request, for this endpoint. */
const mutationsOf = (parts: Parts, queryNames: ReadonlyArray<string>): ReadonlyArray<Mutation> => {
  const mutations: Array<Mutation> = []
  for (const name of Object.keys(parts.path)) {
    mutations.push({ label: `path:${name}`, apply: nastyString.map((v) => ({ ...parts, path: { ...parts.path, [name]: v } })) })
    mutations.push({
      label: `path.raw:${name}`,
      apply: rawSegment.map((v) => ({ ...parts, path: { ...parts.path, [name]: v }, rawPath: [name] }))
    })
  }
  for (const name of new Set([...queryNames, ...Object.keys(parts.query)])) {
    mutations.push({ label: `query:${name}`, apply: nastyString.map((v) => ({ ...parts, query: { ...parts.query, [name]: v } })) })
  }
  if (queryNames.length > 0) {
    mutations.push({ label: "query.repeated", apply: fc.constant({ ...parts, query: Object.fromEntries(queryNames.map((n) => [n, ["1", "2"]])) }) })
  }
  const body = parts.body
  if (body !== undefined && "json" in body) {
    const json = body.json
    if (json !== null && typeof json === "object" && !Array.isArray(json)) {
      for (const field of Object.keys(json)) {
        mutations.push({ label: `body:${field}`, apply: weirdJson.map((v) => ({ ...parts, body: { json: { ...json, [field]: v } } })) })
        const { [field]: _dropped, ...rest } = json as Encoded
        mutations.push({ label: `body.without:${field}`, apply: fc.constant({ ...parts, body: { json: rest } }) })
      }
      mutations.push({ label: "body.extraField", apply: weirdJson.map((v) => ({ ...parts, body: { json: { ...json, extra: v } } })) })
    }
    mutations.push({ label: "body.replaced", apply: weirdJson.map((v) => ({ ...parts, body: { json: v } })) })
    mutations.push({ label: "body.notJson", apply: fc.constantFrom("{", "not json", "{\"a\":", "\u0000", "[1,]").map((text) => ({ ...parts, body: { text } })) })
    mutations.push({ label: "body.none", apply: fc.constant({ ...parts, body: undefined }) })
    mutations.push({ label: "body.contentType", apply: otherContentType.map((contentType) => ({ ...parts, contentType })) })
  }
  return mutations
}

/** The user a request is about (path, then body), whose own token the `owner` credential is. */
const subjectOf = (parts: Parts, fallback: string): string => {
  const fromPath = parts.path["userId"] ?? parts.path["user_id"]
  const json = parts.body !== undefined && "json" in parts.body ? parts.body.json : undefined
  const fromBody = json !== null && typeof json === "object" ? (json as Encoded)["userId"] : undefined
  return fromPath ?? (typeof fromBody === "string" ? fromBody : fallback)
}

/** Mostly the admin key (reaches every handler), often the subject's own token, sometimes nothing. */
const credentialFor = (parts: Parts, fallbackUser: string): fc.Arbitrary<Credential> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<Credential>({ kind: "admin" }) },
    { weight: 3, arbitrary: fc.constant<Credential>({ kind: "user", userId: subjectOf(parts, fallbackUser) }) },
    { weight: 1, arbitrary: fc.constant<Credential>({ kind: "none" }) }
  )

export interface CaseOptions {
  readonly hints: Hints
  /** Query parameters the document lists (broken even when the valid request left them out). */
  readonly queryNames: ReadonlyArray<string>
  /** The user of `owner` tokens when the request names none. */
  readonly fallbackUser: string
}

/** Valid requests and, about as often, requests with one part broken; each with a credential. */
export const requestCases = (endpoint: ReflectedEndpoint, options: CaseOptions): fc.Arbitrary<RequestCase> => {
  const valid = validParts(endpoint, options.hints)
  const labelled: fc.Arbitrary<{ readonly label: string; readonly parts: Parts }> = fc.oneof(
    valid.map((parts) => ({ label: "valid", parts })),
    valid.chain((parts) => {
      const mutations = mutationsOf(parts, options.queryNames)
      return mutations.length === 0
        ? fc.constant({ label: "valid", parts })
        : fc.oneof(...mutations.map((m) => m.apply.map((broken) => ({ label: m.label, parts: broken }))))
    })
  )
  return labelled.chain(({ label, parts }) =>
    credentialFor(parts, options.fallbackUser).map((credential): RequestCase => ({
      endpoint: endpoint.key,
      mutation: label,
      credential,
      path: parts.path,
      query: parts.query,
      ...(parts.body === undefined ? {} : { body: parts.body }),
      ...(parts.contentType === undefined ? {} : { contentType: parts.contentType }),
      ...(parts.rawPath === undefined ? {} : { rawPath: parts.rawPath })
    }))
  )
}
