/**
 * `RedisStore` over ioredis.
 *
 * - Prefixing: done here, not with ioredis's `keyPrefix` option — that one prefixes command keys and
 *   script KEYS but neither SCAN MATCH patterns (nor the keys SCAN returns) nor pub/sub channels.
 *   Keys, script KEYS, SCAN patterns (prefix glob-escaped) and channels all get `keyPrefix` here, and
 *   SCAN results are stripped of it.
 * - Every call goes through: a hard timeout (`timeoutMs`: ioredis's `commandTimeout` for commands,
 *   an Effect timeout for the waits that are not commands), the circuit breaker, and error mapping
 *   (see errors.ts): cannot-answer → `ServiceUnavailable` (fixed reasons, never the URL or a
 *   password); wrong-command replies → a `RedisCommandError` defect that does not count against the
 *   breaker.
 * - Connection: auto-pipelining (commands issued in the same tick share one socket write);
 *   `enableOfflineQueue: false` so calls fail fast while disconnected; a capped backoff
 *   `retryStrategy` that never gives up; `socketTimeout` (2 × timeout) so a hung socket is replaced; `lazyConnect` and one connect attempt at layer build that may
 *   fail (logged) without failing the layer. Unfulfilled commands are not resent after a reconnect:
 *   the caller has already been told they failed.
 * - URL vs settings: what the URL carries (host, port, user, password, `/db`) wins; `REDIS_DB` and
 *   `REDIS_PASSWORD` fill in what it leaves out (ioredis's own precedence).
 * - Pub/sub: one dedicated subscriber connection, created on the first subscribe and shared. One
 *   sliding `PubSub` per channel fans messages out to local subscribers; SUBSCRIBE is sent (and its
 *   confirmation awaited) when a channel's first local subscriber arrives, UNSUBSCRIBE when its last
 *   one leaves. ioredis resubscribes after a reconnect; messages published while disconnected are lost
 *   (Redis pub/sub is at most once).
 * - Tracing: a span per command when the tracer is on (traced.ts); none at all when it is off.
 */
import { createHash } from "node:crypto"
import { Redis, type RedisOptions } from "ioredis"
import { Chunk, Data, Duration, Effect, Either, identity, Layer, Option, PubSub, Redacted, Runtime, type Scope, Stream } from "effect"
import { HubConfig, type HubSettings } from "../../config.js"
import { type BreakerOptions, type CircuitOpen, makeCircuitBreaker, type PromiseSettle, started, type TimeoutExceeded, withTimeout } from "../../resilience/index.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { RedisCommandError, unavailable } from "./errors.js"
import { escapeGlob } from "./glob.js"
import type { RedisStoreService } from "./memory.js"
import { RedisStore } from "./RedisStore.js"
import { scriptCallProblem, type RedisScript, type ScriptReply } from "./script.js"
import { tracedWhenEnabled } from "./traced.js"
import {
  DEPENDENCY,
  QUIT_TIMEOUT,
  RECONNECT_BASE_MS,
  RECONNECT_MAX_MS,
  REDIS_BREAKER,
  SCAN_COUNT,
  SOCKET_TIMEOUT_FACTOR,
  SUBSCRIBER_BUFFER
} from "./settings.js"

/** Engineering knobs tests may shorten; production uses the constants of settings.ts. */
export interface LiveTuning {
  readonly breaker?: Partial<BreakerOptions>
  readonly reconnectMaxMs?: number
}

// ---------------------------------------------------------------------------------------------
// Error classification

/** Redis could not answer; `reason` is a fixed phrase, safe for clients and logs. */
class RedisDown extends Data.TaggedError("RedisDown")<{ readonly reason: string }> {}

/** Server replies that mean "not now" rather than "wrong command". */
const UNAVAILABLE_REPLIES = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOAUTH", "WRONGPASS", "NOPERM", "OOM", "MISCONF"]

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const isReplyError = (error: unknown): boolean => error instanceof Error && error.name === "ReplyError"

/** Either a command error (a caller bug: Redis answered) or the reason Redis could not answer. */
const classify = (command: string, error: unknown): Either.Either<RedisDown, RedisCommandError> => {
  const message = messageOf(error)
  if (isReplyError(error)) {
    const code = message.split(" ", 1)[0] ?? ""
    return UNAVAILABLE_REPLIES.includes(code)
      ? Either.right(new RedisDown({ reason: `server replied ${code}` }))
      : Either.left(new RedisCommandError({ command, message }))
  }
  if (message.includes("enableOfflineQueue")) return Either.right(new RedisDown({ reason: "not connected" }))
  if (message.includes("timed out")) return Either.right(new RedisDown({ reason: "command timed out" }))
  if (message.includes("Connection is closed")) return Either.right(new RedisDown({ reason: "connection closed" }))
  if (error instanceof Error && error.name === "MaxRetriesPerRequestError") {
    return Either.right(new RedisDown({ reason: "connection lost" }))
  }
  return Either.right(new RedisDown({ reason: "connection error" }))
}

const isNoScript = (error: unknown): boolean => isReplyError(error) && messageOf(error).startsWith("NOSCRIPT")

/** A reply from EVAL as ioredis decodes it (strings, integers, null, nested arrays). */
const toScriptReply = (value: unknown): ScriptReply => {
  if (value === null || typeof value === "number" || typeof value === "string") return value
  // An array of integers (a rate-limit decision) is already a reply: no copy.
  if (Array.isArray(value)) return value.every((item) => typeof item === "number") ? value : value.map(toScriptReply)
  if (Buffer.isBuffer(value)) return value.toString("utf8")
  throw new Error(`unexpected script reply ${typeof value}`)
}

const shas = new WeakMap<RedisScript<unknown>, string>()
const shaOf = (script: RedisScript<unknown>): string => {
  let sha = shas.get(script)
  if (sha === undefined) {
    sha = createHash("sha1").update(script.lua).digest("hex")
    shas.set(script, sha)
  }
  return sha
}

const toUnavailable = (failure: RedisDown | TimeoutExceeded | CircuitOpen): Effect.Effect<never, ServiceUnavailable> => {
  switch (failure._tag) {
    case "RedisDown":
      return Effect.fail(unavailable(failure.reason))
    case "TimeoutExceeded":
      return Effect.fail(unavailable(`timed out after ${failure.timeoutMs} ms`))
    case "CircuitOpen":
      return Effect.fail(unavailable("circuit open", failure.retryAfterMs / 1000))
  }
}

const answerOrDie = <A>(result: Either.Either<A, RedisCommandError>): Effect.Effect<A> =>
  Either.isLeft(result) ? Effect.die(result.left) : Effect.succeed(result.right)

// ---------------------------------------------------------------------------------------------
// Connections

const connectionOptions = (settings: HubSettings["redis"], tuning: LiveTuning): RedisOptions => {
  const reconnectMaxMs = tuning.reconnectMaxMs ?? RECONNECT_MAX_MS
  return {
    db: settings.db,
    ...(Option.isSome(settings.password) ? { password: Redacted.value(settings.password.value) } : {}),
    connectTimeout: settings.timeoutMs,
    commandTimeout: settings.timeoutMs,
    // A socket that answers nothing while commands wait (a hung server, a silently dead peer) is
    // destroyed after this and reconnected, instead of timing every later call out forever.
    socketTimeout: settings.timeoutMs * SOCKET_TIMEOUT_FACTOR,
    maxRetriesPerRequest: settings.retryAttempts,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    lazyConnect: true,
    connectionName: "luna-hub",
    // Commands issued in the same tick leave in one socket write (a write per command costs more than the command).
    enableAutoPipelining: true,
    // `times` starts at 1; never returns a non-number, so ioredis never gives up.
    retryStrategy: (times) => Math.min(RECONNECT_BASE_MS * 2 ** Math.min(times - 1, 16), reconnectMaxMs)
  }
}

/** Statuses in which a first connect is still under way (worth waiting for, within the timeout). */
const CONNECTING = new Set(["wait", "connecting", "connect"])

const whenReady = (connection: Redis): Promise<void> => {
  if (connection.status === "ready") return Promise.resolve()
  if (!CONNECTING.has(connection.status)) return Promise.reject(new Error("enableOfflineQueue: not connected"))
  return new Promise((resolve, reject) => {
    const onReady = () => {
      connection.off("close", onClose)
      resolve()
    }
    const onClose = () => {
      connection.off("ready", onReady)
      reject(new Error("Connection is closed."))
    }
    connection.once("ready", onReady)
    connection.once("close", onClose)
  })
}

// ---------------------------------------------------------------------------------------------

interface Channel {
  readonly pubsub: PubSub.PubSub<string>
  subscribers: number
}

export const makeLiveRedisStore = (
  settings: HubSettings["redis"],
  tuning: LiveTuning = {}
): Effect.Effect<RedisStoreService, never, Scope.Scope> =>
  Effect.gen(function*() {
    if (Option.isNone(settings.url)) return yield* Effect.dieMessage("RedisStoreLive needs settings.redis.url")
    const url = Redacted.value(settings.url.value)
    const prefix = settings.keyPrefix
    const timeout = Duration.millis(settings.timeoutMs)
    const options = connectionOptions(settings, tuning)
    const breaker = yield* makeCircuitBreaker({ ...REDIS_BREAKER, ...tuning.breaker })
    const runtime = yield* Effect.runtime<never>()
    const runLog = (log: Effect.Effect<void>) =>
      Runtime.runFork(runtime)(log.pipe(Effect.annotateLogs("logger", DEPENDENCY)))
    let closing = false

    /** One line per transition (connected ↔ lost) of a connection; the error noise in between is dropped. */
    const watch = (connection: Redis, role: "commands" | "subscriber") => {
      let connected = false
      let lastError = ""
      connection.on("error", (error: unknown) => {
        lastError = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "error"
      })
      connection.on("ready", () => {
        if (connected) return
        connected = true
        runLog(Effect.logInfo("Redis connected").pipe(Effect.annotateLogs({ connection: role })))
      })
      connection.on("close", () => {
        if (!connected || closing) return
        connected = false
        runLog(Effect.logWarning("Redis connection lost").pipe(Effect.annotateLogs({ connection: role, cause: lastError || "closed" })))
      })
    }

    const release = (connection: Redis) =>
      Effect.suspend(() =>
        connection.status === "ready"
          ? Effect.promise(() => connection.quit().then(() => undefined, () => undefined)).pipe(Effect.timeout(QUIT_TIMEOUT), Effect.ignore)
          : Effect.void
      ).pipe(Effect.ensuring(Effect.sync(() => connection.disconnect())))

    const client = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const connection = new Redis(url, options)
        watch(connection, "commands")
        return connection
      }),
      release
    )

    /**
     * Runs one call: hard timeout, breaker, error mapping; command errors become defects. A command
     * is bounded by ioredis's own `commandTimeout` (a timer per command, far cheaper than an Effect
     * timeout, which forks two fibers); only waits that are not commands (`whenReady`) need `ownTimeout`.
     */
    const exec = <A>(command: string, call: () => Promise<A>, ownTimeout = false): Effect.Effect<A, ServiceUnavailable> =>
      ownTimeout ? execWithTimeout(command, call) : breaker.runPromise(call, settleFor(command) as PromiseSettle<unknown, A, ServiceUnavailable>)

    /**
     * How a command's reply or error becomes its answer, `decode` applied to the reply. A command
     * error means Redis answered: it counts as a success for the breaker, then dies; so does a reply
     * `decode` cannot read. Made once per command or script, not per call (DEVELOPERS.md: closures
     * made per call are costly here).
     */
    const makeSettle = <A, B>(command: string, decode: (reply: A) => B): PromiseSettle<A, B, ServiceUnavailable> => ({
      onValue: (reply: A) => {
        try {
          return { failed: false, answer: Effect.succeed(decode(reply)) }
        } catch (defect) {
          return { failed: false, answer: Effect.die(defect) }
        }
      },
      onError: (error: unknown) => {
        const failure = classify(command, error)
        return Either.isLeft(failure)
          ? { failed: false, answer: Effect.die(failure.left) }
          : { failed: true, answer: toUnavailable(failure.right) }
      },
      onOpen: toUnavailable
    })
    const commandSettles = new Map<string, PromiseSettle<unknown, unknown, ServiceUnavailable>>()
    const settleFor = (command: string): PromiseSettle<unknown, unknown, ServiceUnavailable> => {
      let found = commandSettles.get(command)
      if (found === undefined) {
        found = makeSettle(command, identity)
        commandSettles.set(command, found)
      }
      return found
    }
    const scriptSettles = new WeakMap<RedisScript<unknown>, PromiseSettle<unknown, unknown, ServiceUnavailable>>()
    const scriptSettleFor = <A>(script: RedisScript<A>): PromiseSettle<unknown, A, ServiceUnavailable> => {
      let found = scriptSettles.get(script)
      if (found === undefined) {
        found = makeSettle(`script ${script.name}`, (reply: unknown) => script.decode(toScriptReply(reply)))
        scriptSettles.set(script, found)
      }
      return found as PromiseSettle<unknown, A, ServiceUnavailable>
    }

    /** A wait that is not a command (`whenReady`), bounded by an Effect timeout of its own. */
    const execWithTimeout = <A>(command: string, call: () => Promise<A>): Effect.Effect<A, ServiceUnavailable> =>
      // (A callback, not `tryPromise`'s options object: the runtime names each function an object
      // literal holds, on every call.)
      Effect.async<Either.Either<A, RedisCommandError>, RedisDown>((resume) => {
        started(call).then(
          (value) => resume(Effect.succeed(Either.right(value))),
          (error: unknown) => {
            const failure = classify(command, error)
            resume(Either.isLeft(failure) ? Effect.succeed(Either.left(failure.left)) : Effect.fail(failure.right))
          }
        )
      }).pipe(
        withTimeout(`redis.${command}`, timeout),
        breaker.run,
        Effect.matchEffect({ onFailure: toUnavailable, onSuccess: answerOrDie })
      )

    // First connect: bounded, and a failure only logs; ioredis keeps reconnecting in the background.
    yield* Effect.tryPromise(() => client.connect()).pipe(
      Effect.timeout(timeout),
      Effect.catchAll(() =>
        Effect.logWarning("Redis not reachable at start; continuing and reconnecting in the background").pipe(
          Effect.annotateLogs("logger", DEPENDENCY)
        )
      )
    )

    // --- pub/sub --------------------------------------------------------------------------
    const channels = new Map<string, Channel>()
    let subscriber: Redis | undefined = undefined
    const subscriberConnection = (): Redis => {
      if (subscriber === undefined) {
        const connection = client.duplicate({ connectionName: "luna-hub-sub" })
        watch(connection, "subscriber")
        connection.on("message", (channel: string, message: string) => {
          const found = channels.get(channel)
          // Sliding PubSub: publishing never suspends, so running it synchronously is safe.
          if (found !== undefined) Effect.runSync(PubSub.publish(found.pubsub, message))
        })
        connection.connect().catch(() => undefined)
        subscriber = connection
      }
      return subscriber
    }
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        const pubsubs = Array.from(channels.values(), (c) => c.pubsub)
        channels.clear()
        return Effect.forEach(pubsubs, PubSub.shutdown, { discard: true }).pipe(
          Effect.zipRight(subscriber === undefined ? Effect.void : release(subscriber))
        )
      })
    )
    const lock = yield* Effect.makeSemaphore(1)

    const subscribeScoped = (channel: string) =>
      Effect.gen(function*() {
        const name = prefix + channel
        const entry = yield* Effect.acquireRelease(
          lock.withPermits(1)(Effect.gen(function*() {
            const existing = channels.get(name)
            if (existing !== undefined) {
              existing.subscribers++
              return existing
            }
            const connection = subscriberConnection()
            yield* exec("subscribe", () => whenReady(connection).then(() => connection.subscribe(name)), true)
            const created: Channel = { pubsub: yield* PubSub.sliding<string>(SUBSCRIBER_BUFFER), subscribers: 1 }
            channels.set(name, created)
            return created
          })),
          (found) =>
            lock.withPermits(1)(Effect.suspend(() => {
              found.subscribers--
              if (found.subscribers > 0 || channels.get(name) !== found) return Effect.void
              channels.delete(name)
              const connection = subscriber
              return PubSub.shutdown(found.pubsub).pipe(
                Effect.zipRight(
                  connection === undefined ? Effect.void : exec("unsubscribe", () => connection.unsubscribe(name))
                ),
                // Disconnected: nothing to undo now; a resubscribed orphan channel is ignored on receipt.
                Effect.ignore
              )
            }))
        )
        const dequeue = yield* PubSub.subscribe(entry.pubsub)
        return Stream.fromQueue(dequeue)
      })

    // Registered last, so it runs first at scope close: the closes that follow are not "lost".
    yield* Effect.addFinalizer(() => Effect.sync(() => (closing = true)))

    // --- commands ---------------------------------------------------------------------------
    const scanPattern = (pattern: string) => escapeGlob(prefix) + pattern

    const service: RedisStoreService = {
      backend: "redis",
      get: (key) => exec("get", () => client.get(prefix + key)).pipe(Effect.map(Option.fromNullable)),
      mget: (keys) => (keys.length === 0 ? Effect.succeed([]) : exec("mget", () => client.mget(keys.map((key) => prefix + key)))),
      set: (key, value, setOptions) => {
        const args: Array<string | number> = [prefix + key, value]
        if (setOptions?.ttlMs !== undefined) args.push("PX", String(setOptions.ttlMs))
        if (setOptions?.onlyIfAbsent === true) args.push("NX")
        return exec("set", () => client.call("SET", ...args)).pipe(Effect.map((reply) => reply === "OK"))
      },
      del: (keys) =>
        keys.length === 0 ? Effect.succeed(0) : exec("del", () => client.del(...keys.map((key) => prefix + key))),
      incrBy: (key, by) => exec("incrby", () => client.incrby(prefix + key, String(by))),
      pttl: (key) =>
        exec("pttl", () => client.pttl(prefix + key)).pipe(Effect.map((ttl) => (ttl === -2 ? Option.none() : Option.some(ttl)))),
      scan: (pattern) =>
        Stream.paginateChunkEffect("0", (cursor: string) =>
          exec("scan", () => client.scan(cursor, "MATCH", scanPattern(pattern), "COUNT", SCAN_COUNT)).pipe(
            Effect.map(([next, keys]) =>
              [
                Chunk.unsafeFromArray(keys.map((key) => key.slice(prefix.length))),
                next === "0" ? Option.none<string>() : Option.some(next)
              ] as const
            )
          )),
      runScript: (script, keys, args) => {
        const problem = scriptCallProblem(script, keys)
        if (problem !== undefined) return Effect.die(new Error(problem))
        // EVALSHA's arguments after the sha, built without spreads (this is every rate-limit check).
        const params: Array<string | number> = [script.numberOfKeys]
        for (const key of keys) params.push(prefix + key)
        for (const arg of args) params.push(arg)
        return breaker.runPromise(
          () =>
            client.call("EVALSHA", shaOf(script), ...params).catch((error: unknown) =>
              isNoScript(error) ? client.call("EVAL", script.lua, ...params) : Promise.reject(error)
            ),
          scriptSettleFor(script)
        )
      },
      publish: (channel, message) => exec("publish", () => client.publish(prefix + channel, message)).pipe(Effect.asVoid),
      subscribe: (channel) => Stream.unwrapScoped(subscribeScoped(channel)),
      subscribeScoped,
      ping: exec("ping", () => client.ping()).pipe(
        Effect.timed,
        Effect.map(([elapsed]) => ({ latencyMs: Duration.toMillis(elapsed) }))
      ),
      breaker: breaker.snapshot
    }
    return yield* tracedWhenEnabled(service, settings)
  })

/** The ioredis store; needs `settings.redis.url`. */
export const RedisStoreLive: Layer.Layer<RedisStore, never, HubConfig> = Layer.scoped(
  RedisStore,
  Effect.flatMap(HubConfig, (settings) => makeLiveRedisStore(settings.redis))
)
