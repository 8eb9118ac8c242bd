/**
 * A client span per Redis command (`redis GET`, `redis EVALSHA <script>`, …), with the database
 * conventions' attributes and never a key or a value (keys name users). Applied by the live store
 * only when the runtime's tracer is on: with tracing off even a no-op span costs a few µs per call,
 * so the commands are left bare instead. Subscriptions are not traced: they last as long as their
 * subscriber, which makes no useful span.
 */
import { Effect, FiberRef, Option, Redacted, Stream, type Tracer } from "effect"
import type { HubSettings } from "../../config.js"
import type { RedisStoreService } from "./memory.js"
import type { RedisScript } from "./script.js"

/** What every span of the store says about where it went: no credentials. */
const connectionAttributes = (settings: HubSettings["redis"]): Record<string, unknown> => {
  const attributes: Record<string, unknown> = { "db.system.name": "redis", "db.system": "redis", "db.namespace": String(settings.db) }
  if (Option.isSome(settings.url)) {
    try {
      const url = new URL(Redacted.value(settings.url.value))
      attributes["server.address"] = url.hostname
      attributes["server.port"] = url.port === "" ? 6379 : Number(url.port)
    } catch {
      // The store fails on a URL it cannot read; the spans just go without an address.
    }
  }
  return attributes
}

type Traced = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/** The store with a span around each command; span options made once per command, not per call. */
export const tracedRedisStore = (store: RedisStoreService, settings: HubSettings["redis"]): RedisStoreService => {
  const connection = connectionAttributes(settings)
  const optionsFor = (operation: string, extra: Record<string, unknown> = {}): Tracer.SpanOptions => ({
    kind: "client",
    captureStackTrace: false,
    attributes: { ...connection, "db.operation.name": operation, ...extra }
  })
  const span = (operation: string): Traced => {
    const name = `redis ${operation}`
    const options = optionsFor(operation)
    return (effect) => Effect.withSpan(effect, name, options)
  }
  const scriptSpans = new WeakMap<RedisScript<unknown>, Traced>()
  const scriptSpan = (script: RedisScript<unknown>): Traced => {
    let found = scriptSpans.get(script)
    if (found === undefined) {
      const name = `redis EVALSHA ${script.name}`
      const options = optionsFor("EVALSHA", { "db.stored_procedure.name": script.name })
      found = (effect) => Effect.withSpan(effect, name, options)
      scriptSpans.set(script, found)
    }
    return found
  }
  const get = span("GET")
  const mget = span("MGET")
  const set = span("SET")
  const del = span("DEL")
  const incrBy = span("INCRBY")
  const pttl = span("PTTL")
  const publish = span("PUBLISH")
  const scanOptions = optionsFor("SCAN")
  return {
    ...store,
    get: (key) => get(store.get(key)),
    mget: (keys) => mget(store.mget(keys)),
    set: (key, value, options) => set(store.set(key, value, options)),
    del: (keys) => del(store.del(keys)),
    incrBy: (key, by) => incrBy(store.incrBy(key, by)),
    pttl: (key) => pttl(store.pttl(key)),
    // One span for the whole iteration: its pages are one logical command.
    scan: (pattern) => Stream.withSpan(store.scan(pattern), "redis SCAN", scanOptions),
    runScript: (script, keys, args) => scriptSpan(script)(store.runScript(script, keys, args)),
    publish: (channel, message) => publish(store.publish(channel, message)),
    ping: span("PING")(store.ping)
  }
}

/** `store`, traced if the runtime's tracer is on when the store is built (TracingLive sets it). */
export const tracedWhenEnabled = (store: RedisStoreService, settings: HubSettings["redis"]): Effect.Effect<RedisStoreService> =>
  Effect.map(FiberRef.get(FiberRef.currentTracerEnabled), (enabled) => (enabled ? tracedRedisStore(store, settings) : store))
