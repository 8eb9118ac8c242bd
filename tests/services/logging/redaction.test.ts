import { HttpLayerRouter } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer, Logger, Redacted } from "effect"
import { jsonLogger, prettyLogger } from "../../../src/services/logging/logger.js"
import { call, TestHub, testHubLayer } from "../../support/hub.js"

const PLANTED = "s3cr3t-PLANTED-7f9a2c"
const PLANTED_KEY = `luna_prod_8fJk2LmQ9xZ${PLANTED.replace(/-/g, "")}`

/** A route whose failure message and log annotations carry secrets, as careless code might. */
const LeakyRoutes = HttpLayerRouter.add(
  "GET",
  "/test/leaky",
  Effect.logWarning(`retrying with Authorization: Bearer ${PLANTED} against postgres://hub:${PLANTED}@db:5432/luna`).pipe(
    Effect.annotateLogs({ password: PLANTED, api_key: PLANTED_KEY, nested: { token: PLANTED } }),
    Effect.zipRight(Effect.die(new Error(`connect failed for postgres://hub:${PLANTED}@db/luna (key ${PLANTED_KEY})`)))
  )
)

describe("secrets never reach the logs", () => {
  layer(testHubLayer("embedded", { routes: Layer.mergeAll(LeakyRoutes) }), { timeout: 60_000, excludeTestServices: true })((it) => {
    it.effect("headers, query strings, annotations, messages and causes are scrubbed", () =>
      Effect.gen(function* () {
        const secretHeaders = {
          authorization: `Bearer ${PLANTED}`,
          "x-api-key": PLANTED_KEY,
          cookie: `session=${PLANTED}`
        }
        yield* call(`/monitoring/health?api_key=${PLANTED}&token=${PLANTED}`, { headers: secretHeaders })
        yield* call("/nowhere", { headers: secretHeaders })
        const leaky = yield* call("/test/leaky", { headers: secretHeaders })
        expect(leaky.status).toBe(500)
        expect(leaky.text).not.toContain(PLANTED)
        const hub = yield* TestHub
        const text = hub.logs.join("\n")
        // The lines are there (so the check below means something)…
        expect(text).toContain("/monitoring/health")
        expect(text).toContain("Unhandled failure")
        expect(text).toContain("retrying with Authorization")
        // …and the secret is not.
        expect(text).not.toContain(PLANTED)
        expect(text).not.toContain(PLANTED_KEY)
      }))
  })
})

describe("log formats", () => {
  const capture = (make: (sink: (line: string) => void) => Logger.Logger<unknown, void>) => {
    const lines: Array<string> = []
    return { lines, layer: Logger.replace(Logger.defaultLogger, make((l) => lines.push(l))) }
  }

  it.effect("JSON lines carry timestamp, level, logger, message and annotations", () => {
    const { layer, lines } = capture(jsonLogger)
    return Effect.gen(function* () {
      yield* Effect.logWarning("Rate limit exceeded").pipe(
        Effect.annotateLogs({ logger: "rate_limiter", scope: "api_general", identifier_hash: "abc12345" })
      )
      expect(lines).toHaveLength(1)
      const line = JSON.parse(lines[0]!)
      expect(line).toMatchObject({
        level: "WARNING",
        logger: "rate_limiter",
        message: "Rate limit exceeded",
        scope: "api_general",
        identifier_hash: "abc12345"
      })
      expect(Date.parse(line.timestamp)).not.toBeNaN()
    }).pipe(Effect.provide(layer))
  })

  it.effect("Redacted values print as <redacted> and pretty lines are one readable line", () => {
    const { layer, lines } = capture(prettyLogger)
    return Effect.gen(function* () {
      yield* Effect.logInfo("connecting", Redacted.make(PLANTED)).pipe(Effect.annotateLogs({ logger: "database" }))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/INFO\s+\[database\] connecting/)
      expect(lines[0]).not.toContain(PLANTED)
    }).pipe(Effect.provide(layer))
  })
})
