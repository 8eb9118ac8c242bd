import SwaggerParser from "@apidevtools/swagger-parser"
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { call, testHubLayer } from "../support/hub.js"

type Json = Record<string, any>

describe("OpenAPI document and docs", () => {
  layer(testHubLayer("embedded"), { timeout: 60_000, excludeTestServices: true })((it) => {
    it.effect("is a valid OpenAPI 3.1 document with the Hub's title and version", () =>
      Effect.gen(function* () {
        const answer = yield* call("/openapi.json")
        expect(answer.status).toBe(200)
        const spec = answer.json as Json
        expect(spec.openapi).toBe("3.1.0")
        expect(spec.info.title).toBe("Luna Hub")
        expect(spec.info.version).toMatch(/^\d+\.\d+\.\d+/)
        // The validator dereferences in place: give it a copy.
        yield* Effect.promise(() => SwaggerParser.validate(structuredClone(spec) as never))
      }))

    it.effect("declares every monitoring endpoint, with the error envelope for declared and edge errors", () =>
      Effect.gen(function* () {
        const spec = (yield* call("/openapi.json")).json as Json
        for (const path of [
          "/monitoring/health",
          "/monitoring/health/v2",
          "/monitoring/health/watch",
          "/monitoring/ready",
          "/monitoring/version",
          "/monitoring/metrics/prometheus/v2"
        ]) {
          expect(spec.paths[path]?.get, path).toBeDefined()
          expect(spec.paths[path].get.responses["500"], path).toBeDefined()
        }
        const schemas = spec.components.schemas as Json
        expect(schemas.HttpApiDecodeError).toBeUndefined()
        expect(schemas.InvalidRequestError.properties.error.properties.field).toBeDefined()
        expect(schemas.NotFoundError).toBeDefined()
        expect(schemas.InternalError.properties.error.properties.requestId).toBeDefined()
        // Declared errors are documented in the envelope, with their status.
        const ready = spec.paths["/monitoring/ready"].get.responses
        expect(JSON.stringify(ready["503"])).toContain("#/components/schemas/NotReady")
        expect(schemas.NotReady.properties.error.required).toEqual(expect.arrayContaining(["tag", "message", "reasons", "retryAfterSeconds"]))
        // Bad query parameters answer the InvalidRequest envelope.
        expect(JSON.stringify(spec.paths["/monitoring/health/watch"].get.responses["400"])).toContain("InvalidRequestError")
        // Health v2 documents both the healthy (200) and the unhealthy (503) body.
        const v2 = spec.paths["/monitoring/health/v2"].get.responses
        expect(v2["200"]).toBeDefined()
        expect(v2["503"]).toBeDefined()
      }))

    it.effect("declares 429 RateLimited on every operation but the probes, and on the generation charges", () =>
      Effect.gen(function* () {
        const spec = (yield* call("/openapi.json")).json as Json
        const schemas = spec.components.schemas as Json
        expect(schemas.RateLimited.properties.error.required).toEqual(expect.arrayContaining(["tag", "message", "scope", "retryAfterSeconds"]))
        const probes = ["/monitoring/health", "/monitoring/health/v2", "/monitoring/health/watch", "/monitoring/ready"]
        for (const [path, operations] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
          for (const [method, operation] of Object.entries(operations)) {
            const limited = JSON.stringify(operation.responses["429"] ?? null)
            if (probes.includes(path)) expect(limited, `${method} ${path}`).toBe("null")
            else expect(limited, `${method} ${path}`).toContain('"#/components/schemas/RateLimited"')
          }
        }
        for (const path of ["/energy/{userId}/consume", "/energy/{userId}/reservations"]) {
          expect(spec.paths[path].post.description, path).toContain("API_CV_GENERATION")
        }
      }))

    it.effect("serves interactive docs at /docs with no CDN", () =>
      Effect.gen(function* () {
        const answer = yield* call("/docs")
        expect(answer.status).toBe(200)
        expect(answer.headers.get("content-type")).toContain("text/html")
        expect(answer.text).toContain("Luna Hub")
        expect(answer.text).not.toMatch(/<script[^>]+src=["']https?:\/\//)
        expect(answer.text).not.toMatch(/<link[^>]+href=["']https?:\/\//)
      }))
  })
})
