import { describe, expect, layer } from "@effect/vitest"
import { Cause, Chunk, Effect, Either, Exit, Layer, Option, Stream } from "effect"
import { HubClient, type HubClientOptions } from "../../src/rpc/client.js"
import { NotReady } from "../../src/services/monitoring/schema.js"
import { TEST_ADMIN_KEY } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const transports = [
  { name: "HTTP", layer: HubClient.layer },
  { name: "WebSocket", layer: HubClient.layerWebSocket }
] as const

/** The exported client, pointed at the test Hub. */
const withClient = <A, E>(make: (options: HubClientOptions) => Layer.Layer<HubClient>, use: (hub: HubClient["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(TestHub, (testHub) =>
    Effect.scoped(Effect.flatMap(Layer.build(make({ url: testHub.url, credential: TEST_ADMIN_KEY })), (context) => use(context.unsafeMap.get(HubClient.key) as HubClient["Type"])))
  )

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Monitoring RPC through the exported client (${backend.name})`, () => {
    layer(testHubLayer(backend.name, { databaseProxy: true }), { timeout: 60_000, excludeTestServices: true })((it) => {
      for (const transport of transports) {
        it.effect(`${transport.name}: a value (Version) round-trips, decoded`, () =>
          withClient(transport.layer, (hub) =>
            Effect.gen(function* () {
              const version = yield* hub.Monitoring.Version()
              expect(version.name).toBe("luna-hub")
              expect(version.mode).toBe(backend.name === "real" ? "production" : "embedded")
              const health = yield* hub.Monitoring.Health()
              expect(health.dependencies.database.status).toBe("up")
            })
          ))

        it.effect(`${transport.name}: a stream (WatchHealth) delivers exactly \`limit\` reports`, () =>
          withClient(transport.layer, (hub) =>
            Effect.gen(function* () {
              const reports = yield* Stream.runCollect(hub.Monitoring.WatchHealth({ intervalMs: 100, limit: 3 }))
              expect(Chunk.size(reports)).toBe(3)
              for (const report of reports) expect(report.dependencies.redis.status).toBe("up")
            })
          ))

        it.effect(`${transport.name}: the client refuses a payload outside the schema before sending it`, () =>
          withClient(transport.layer, (hub) =>
            Effect.gen(function* () {
              // The generated client validates the payload when the call is made, and throws.
              const exit = yield* Effect.exit(Effect.suspend(() => Stream.runCollect(hub.Monitoring.WatchHealth({ intervalMs: 1, limit: 3 }))))
              expect(Exit.isFailure(exit) && String(Cause.squash(exit.cause))).toContain("between 100 and 60000")
            })
          ))
      }

      it.effect("the server refuses a malformed payload sent on the wire, naming the field", () =>
        Effect.gen(function* () {
          const testHub = yield* TestHub
          const body = JSON.stringify({
            _tag: "Request", id: "7", tag: "Monitoring.WatchHealth", payload: { intervalMs: 1, limit: 3 }, headers: []
          }) + "\n"
          const answer = yield* Effect.promise(() =>
            fetch(`${testHub.url}/rpc`, { method: "POST", body, headers: { "content-type": "application/ndjson" } }).then((r) => r.text())
          )
          const messages = answer.trim().split("\n").map((l) => JSON.parse(l))
          const exit = messages.find((m) => m._tag === "Exit")
          expect(exit.exit._tag).toBe("Failure")
          expect(JSON.stringify(exit.exit.cause)).toContain("intervalMs")
        }))

      it.effect("a typed error (NotReady) arrives as its class over both transports while the database is cut", () =>
        Effect.gen(function* () {
          const testHub = yield* TestHub
          const proxy = Option.getOrThrow(testHub.databaseProxy)
          yield* withClient(HubClient.layer, (hub) => eventually(Effect.either(hub.Monitoring.Ready()), Either.isRight, "20 seconds"))
          yield* proxy.cut
          for (const transport of transports) {
            const result = yield* withClient(transport.layer, (hub) =>
              eventually(Effect.either(hub.Monitoring.Ready()), Either.isLeft, "20 seconds")
            )
            if (Either.isRight(result)) throw new Error("expected NotReady")
            expect(result.left).toBeInstanceOf(NotReady)
            const error = result.left as NotReady
            expect(error.reasons.some((r) => r.startsWith("database"))).toBe(true)
            expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1)
          }
          yield* proxy.restore
          yield* withClient(HubClient.layer, (hub) => eventually(Effect.either(hub.Monitoring.Ready()), Either.isRight, "30 seconds"))
        }), { timeout: 60_000 })
    })
  })
}
