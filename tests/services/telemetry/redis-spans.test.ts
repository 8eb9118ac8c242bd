/**
 * Redis spans, against the real Redis (TEST_REDIS_URL): the live store opens a client span per
 * command when the tracer is on, with the database conventions' attributes and no key, and is left
 * bare when it is built with the tracer off. Spans are caught in memory (no exporter, no network).
 */
import { NodeSdk, Resource, Tracer } from "@effect/opentelemetry"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { SpanKind } from "@opentelemetry/api"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { defineScript, replyInteger } from "../../../src/services/redis/script.js"
import { realServicesAvailable } from "../../support/backends.js"
import { makeTestRedis } from "../../support/redis.js"

const real = await realServicesAvailable()

/** An OpenTelemetry tracer for Effect whose finished spans land in `exporter`. */
const inMemoryTracer = (exporter: InMemorySpanExporter) =>
  Tracer.layerWithoutOtelTracer.pipe(
    Layer.provide(Tracer.layerTracer),
    Layer.provide(NodeSdk.layerTracerProvider(new SimpleSpanProcessor(exporter))),
    Layer.provide(Resource.layer({ serviceName: "redis-spans-test" }))
  )

const echo = defineScript({
  name: "telemetry_test_incr",
  numberOfKeys: 1,
  lua: "return redis.call('INCRBY', KEYS[1], ARGV[1])",
  memory: (ctx, keys, args) => ctx.incrBy(keys[0]!, Number(args[0])),
  decode: replyInteger
})

const redisSpans = (exporter: InMemorySpanExporter): Array<ReadableSpan> =>
  exporter.getFinishedSpans().filter((span) => span.name.startsWith("redis "))

describe.skipIf(!real)("Redis spans (real Redis)", () => {
  it.scopedLive("a client span per command, named by the command, with db.system=redis and no key", () => {
    const exporter = new InMemorySpanExporter()
    return Effect.gen(function* () {
      const { store, settings } = yield* makeTestRedis("real")
      yield* store.set("traced-key", "v", { ttlMs: 60_000 })
      expect(yield* store.get("traced-key")).toMatchObject({ _tag: "Some", value: "v" })
      expect(yield* store.runScript(echo, ["traced-counter"], ["2"])).toBe(2)
      yield* store.del(["traced-key", "traced-counter"])

      const spans = redisSpans(exporter)
      expect(spans.map((span) => span.name)).toEqual(["redis SET", "redis GET", "redis EVALSHA telemetry_test_incr", "redis DEL"])
      for (const span of spans) {
        expect(span.kind).toBe(SpanKind.CLIENT)
        expect(span.attributes).toMatchObject({
          "db.system": "redis",
          "db.system.name": "redis",
          "db.namespace": String(settings.redis.db),
          "server.address": "127.0.0.1",
          "server.port": 6379
        })
        expect(JSON.stringify(span.attributes)).not.toContain("traced-")
      }
      expect(spans[2]!.attributes).toMatchObject({ "db.operation.name": "EVALSHA", "db.stored_procedure.name": "telemetry_test_incr" })
    }).pipe(Effect.provide(inMemoryTracer(exporter)))
  }, 30_000)

  it.scopedLive("a store built with the tracer off opens no span, even once a tracer runs", () => {
    const exporter = new InMemorySpanExporter()
    return Effect.gen(function* () {
      const { store } = yield* makeTestRedis("real").pipe(Effect.withTracerEnabled(false))
      yield* store.set("untraced-key", "v")
      yield* store.get("untraced-key")
      expect(redisSpans(exporter)).toEqual([])
      // The tracer itself works here: a span of this test's own is recorded.
      yield* Effect.withSpan(Effect.void, "redis control")
      expect(redisSpans(exporter).map((span) => span.name)).toEqual(["redis control"])
    }).pipe(Effect.provide(inMemoryTracer(exporter)))
  }, 30_000)
})
