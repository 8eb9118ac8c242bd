/**
 * The cache: memory tier (L1) in front of the Redis tier (L2), kept coherent by tag generations
 * and the bus. How each promise is kept:
 *
 * - **Invalidation reaches every instance.** Locally at once (memory entries and in-flight loads);
 *   in Redis by moving the tags' generations (an entry recorded the generations it was loaded
 *   under, so moving one invalidates all its entries without finding them); on the other
 *   instances by a bus message. Every entry also carries an implicit tag for its own key, so a
 *   `delete` is as race-free as a tag.
 * - **A lost bus message** is bounded by the memory tier's TTL (`l1TtlMs`, with Redis only): past
 *   it an instance asks Redis again, where the generations decide.
 * - **A load that raced an invalidation** never stores what it read: an invalidation marks the
 *   in-flight loads it concerns (not kept in memory, not written to Redis), and generations are
 *   read before the loader runs, so a value loaded before a move is already invalid in Redis.
 *   Invalidations not yet in Redis are "pending": Redis entries under a pending tag are not trusted.
 * - **Stampedes**: concurrent misses of a key share one load per process (`inflight`: the first
 *   caller loads, in its own fiber, the others wait for it); across instances the loader runs under
 *   a short Redis lock (SET NX PX) while the others poll Redis for the value it writes.
 * - **Redis down**: every Redis call has a hard timeout (the store's, which `CacheLive` sets to the
 *   cache's); three failures in a row switch to memory only (one log line), invalidations made
 *   meanwhile are kept (bounded) and replayed when a probe finds Redis again (one log line), then
 *   memory is cleared, since bus messages may have been missed.
 * - **Stale on error**: an entry is kept for `graceMs` past its TTL and answers when the loader fails.
 * - Invalidations are group-committed: callers that invalidate while a flush is in flight share the
 *   next one (one script and one publish for all of them).
 */
import { randomUUID } from "node:crypto"
import { Cause, Chunk, Deferred, Duration, Effect, Either, type Exit, FiberId, Layer, Option, Runtime, Schedule, Schema, Scope, Stream } from "effect"
import type { ParseError } from "effect/ParseResult"
import { HubConfig, type HubSettings } from "../../config.js"
import { onRealTime } from "../cluster/real-time.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { globMatcher } from "../redis/glob.js"
import type { RedisStoreService } from "../redis/memory.js"
import { makeLiveRedisStore } from "../redis/live.js"
import { type BusMessage, busMessage, parseBusMessage } from "./bus.js"
import { Cache, type CacheEntryOptions, type InvalidationOutcome, userTag } from "./Cache.js"
import { MemoryTier } from "./memory-tier.js"
import * as metrics from "./metrics.js"
import { BUS_CHANNEL, type Envelope, envelopeJson, generationsMatch, makeRedisTier, type RedisTier } from "./redis-tier.js"
import type { CacheHealth, CacheKind } from "./schema.js"
import { CacheCounters, L1_TIMING_SAMPLE } from "./stats.js"

export interface CacheTuning {
  readonly ttlMs: Readonly<Record<CacheKind, number>>
  readonly maxEntries: number
  readonly maxBytes: number
  /**
   * How long memory trusts an entry without asking Redis (the bound on a lost bus message); without
   * Redis, the bound on another instance's change being seen, unless this instance is alone.
   */
  readonly l1TtlMs: number
  /** No other instance can change the data (embedded mode): memory alone keeps entries for their kind's TTL. */
  readonly soleInstance: boolean
  /** How long past its TTL an entry may answer when the loader fails. */
  readonly graceMs: number
  /** Life of a stampede lock, and the longest another instance waits for its value. */
  readonly lockMs: number
  /** While Redis is down, how often it is probed. */
  readonly probeIntervalMs: number
  readonly instanceId?: string
}

type CacheService = Cache["Type"]

/** Waiters poll Redis for the lock holder's value: first after this, doubling up to the max. */
const POLL_MIN_MS = 5
const POLL_MAX_MS = 50
/** Invalidations kept while Redis is down; past this, recovery clears every cached entry instead. */
const MISSED_LIMIT = 10_000
/** Tags per bump script call. */
const BUMP_CHUNK = 100
/** Keys per DEL. */
const DELETE_CHUNK = 500
/** Redis failures in a row that switch the cache to memory only. */
const DEGRADE_AFTER_FAILURES = 3
const METRICS_INTERVAL = Duration.seconds(5)
/** Generation keys outlive the longest-lived entry by this much. */
const TAG_TTL_MARGIN_MS = 60_000

/** The implicit tag of every entry's own key (callers' tags never start with `#`, see `CacheEntryOptions`). */
const keyTag = (key: string): string => `#${key}`

interface Flight {
  /** Made when a second caller arrives: the first one's outcome, for the others. */
  deferred: Deferred.Deferred<unknown, unknown> | undefined
  readonly tags: ReadonlyArray<string>
  /** An invalidation touched the key while loading: do not keep what was loaded. */
  dirty: boolean
}

interface Changes {
  readonly tags: Set<string>
  readonly keys: Set<string>
  readonly patterns: Set<string>
  all: boolean
}

const noChanges = (): Changes => ({ tags: new Set(), keys: new Set(), patterns: new Set(), all: false })

interface Batch {
  readonly changes: Changes
  /** How many callers each tag was invalidated for (pending counts to give back). */
  readonly tagCalls: Map<string, number>
  readonly done: Deferred.Deferred<boolean>
}

export const makeCache = (
  tuning: CacheTuning,
  store: Option.Option<RedisStoreService>
): Effect.Effect<CacheService, never, Scope.Scope> =>
  Effect.gen(function*() {
    const clock = yield* Effect.clock
    const scope = yield* Effect.scope
    const instanceId = tuning.instanceId ?? randomUUID()
    const redis: RedisTier | undefined = Option.isSome(store) ? makeRedisTier(store.value) : undefined
    const l1 = new MemoryTier({ maxEntries: tuning.maxEntries, maxBytes: tuning.maxBytes })
    const memoryAlone = redis === undefined && tuning.soleInstance
    const l1TtlMs = memoryAlone ? Number.POSITIVE_INFINITY : tuning.l1TtlMs
    const tagTtlMs = Math.max(...Object.values(tuning.ttlMs)) + tuning.graceMs + TAG_TTL_MARGIN_MS
    const counters = new CacheCounters()
    const inflight = new Map<string, Flight>()
    /** Tag → invalidations not yet in Redis. */
    const pending = new Map<string, number>()
    /** What was invalidated while Redis was down, replayed at recovery. */
    let missed = noChanges()
    let degraded = false
    let busConnected = false
    let lockCounter = 0
    let lookups = 0

    const now = () => clock.unsafeCurrentTimeMillis()
    // Log lines go through the logger the cache was built with, whichever fiber noticed the event.
    const runtime = yield* Effect.runtime<never>()
    const log = (line: Effect.Effect<void>): Effect.Effect<void> =>
      Effect.sync(() => void Runtime.runFork(runtime)(Effect.annotateLogs(line, "logger", "cache")))

    // --- Redis calls --------------------------------------------------------------------------

    const markDegraded = Effect.suspend(() => {
      if (degraded) return Effect.void
      degraded = true
      busConnected = false
      return log(Effect.logWarning("Redis unavailable, using fallback cache"))
    })

    let failuresInARow = 0

    /**
     * A Redis call (bounded by the store's timeout, which `CacheLive` sets to the cache's); a
     * failure answers None, and `DEGRADE_AFTER_FAILURES` in a row switch to memory only (one slow
     * call on a busy process is a miss, not an outage).
     */
    const l2Call = <A>(call: (tier: RedisTier) => Effect.Effect<A, ServiceUnavailable>) =>
      Effect.suspend((): Effect.Effect<Option.Option<A>> => {
        if (redis === undefined) return Effect.succeedNone
        const started = performance.now()
        // (Handlers as arguments, not in an options object: the runtime names each function an
        // object literal holds, per call, which showed on this path.)
        return Effect.flatMap(Effect.either(call(redis)), (result) => {
          if (Either.isLeft(result)) {
            counters.l2Errors++
            return ++failuresInARow >= DEGRADE_AFTER_FAILURES ? Effect.as(markDegraded, Option.none()) : Effect.succeedNone
          }
          failuresInARow = 0
          counters.l2Latency.add(performance.now() - started)
          return Effect.succeed(Option.some(result.right))
        })
      })

    /** As `l2Call`, but skipped (None) while degraded: memory only until the probe finds Redis. */
    const l2 = <A>(call: (tier: RedisTier) => Effect.Effect<A, ServiceUnavailable>) =>
      degraded ? Effect.succeedNone : l2Call(call)

    const anyPending = (tags: ReadonlyArray<string>) => pending.size > 0 && tags.some((tag) => pending.has(tag))

    // --- local invalidation -------------------------------------------------------------------

    const dirtyFlights = (touches: (key: string, flight: Flight) => boolean) => {
      for (const [key, flight] of inflight) if (touches(key, flight)) flight.dirty = true
    }

    const dropLocally = (changes: Changes): number => {
      if (changes.all) {
        dirtyFlights(() => true)
        return l1.clear()
      }
      let removed = 0
      for (const key of changes.keys) removed += l1.delete(key)
      for (const tag of changes.tags) removed += l1.deleteTag(tag)
      for (const pattern of changes.patterns) removed += l1.deletePattern(pattern)
      if (inflight.size > 0) {
        const matchers = Array.from(changes.patterns, (pattern) => (key: string) => globMatchCached(pattern)(key))
        dirtyFlights((key, flight) =>
          changes.keys.has(key) || flight.tags.some((tag) => changes.tags.has(tag)) || matchers.some((m) => m(key))
        )
      }
      return removed
    }

    const remember = (changes: Changes) => {
      if (changes.all) missed.all = true
      changes.tags.forEach((tag) => missed.tags.add(tag))
      changes.keys.forEach((key) => missed.keys.add(key))
      changes.patterns.forEach((pattern) => missed.patterns.add(pattern))
      if (missed.tags.size + missed.keys.size + missed.patterns.size > MISSED_LIMIT) missed = { ...noChanges(), all: true }
    }

    // --- propagation (Redis generations + bus), group-committed ---------------------------------

    /** Deletes matching entries in Redis, moving each one's key generation first. */
    const dropPatternInRedis = (pattern: string) =>
      l2Call((tier) =>
        tier.scanKeys(pattern).pipe(
          Stream.grouped(DELETE_CHUNK),
          Stream.mapEffect((chunk) => {
            const keys = Chunk.toReadonlyArray(chunk)
            return Effect.zipRight(tier.bump(keys.map(keyTag), tagTtlMs), tier.remove(keys))
          }),
          Stream.runSum
        ))

    const inChunks = <A>(items: ReadonlyArray<A>, size: number) =>
      Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))

    /** Writes the changes to Redis and announces them; false if Redis failed on the way. */
    const pushToRedis = (changes: Changes): Effect.Effect<boolean> =>
      Effect.gen(function*() {
        const message: { -readonly [K in keyof BusMessage]: BusMessage[K] } = { s: instanceId }
        if (changes.all) {
          if (Option.isNone(yield* dropPatternInRedis("*"))) return false
          message.a = 1
        } else {
          const keys = Array.from(changes.keys)
          const generationTags = [...changes.tags, ...keys.map(keyTag)]
          for (const tags of inChunks(generationTags, BUMP_CHUNK)) {
            if (Option.isNone(yield* l2Call((tier) => tier.bump(tags, tagTtlMs)))) return false
          }
          for (const chunk of inChunks(keys, DELETE_CHUNK)) {
            if (Option.isNone(yield* l2Call((tier) => tier.remove(chunk)))) return false
          }
          for (const pattern of changes.patterns) {
            if (Option.isNone(yield* dropPatternInRedis(pattern))) return false
          }
          if (changes.tags.size > 0) message.t = Array.from(changes.tags)
          if (keys.length > 0) message.k = keys
          if (changes.patterns.size > 0) message.p = Array.from(changes.patterns)
        }
        return Option.isSome(yield* l2Call((tier) => tier.publish(busMessage(message))))
      })

    let queued: Batch | undefined
    let flushing = false

    const flushLoop: Effect.Effect<void> = Effect.gen(function*() {
      while (queued !== undefined) {
        const batch = queued
        queued = undefined
        const ok = degraded ? false : yield* pushToRedis(batch.changes)
        if (!ok) remember(batch.changes)
        for (const [tag, calls] of batch.tagCalls) {
          const left = (pending.get(tag) ?? 0) - calls
          if (left > 0) pending.set(tag, left)
          else pending.delete(tag)
        }
        yield* Deferred.succeed(batch.done, ok)
      }
      flushing = false
    }).pipe(
      Effect.onInterrupt(() =>
        Effect.suspend(() => {
          flushing = false
          const left = queued
          queued = undefined
          return left === undefined ? Effect.void : Deferred.succeed(left.done, false)
        })
      )
    )

    /** Drops locally, then has Redis and the other instances drop too; answers whether they have. */
    const invalidate = (changes: Changes): Effect.Effect<InvalidationOutcome> =>
      Effect.suspend(() => {
        counters.invalidations++
        const removed = dropLocally(changes)
        if (redis === undefined) return Effect.succeed({ l1EntriesRemoved: removed, propagated: true })
        if (degraded) {
          remember(changes)
          return Effect.succeed({ l1EntriesRemoved: removed, propagated: false })
        }
        let batch = queued
        if (batch === undefined) {
          batch = { changes: noChanges(), tagCalls: new Map(), done: Deferred.unsafeMake<boolean>(FiberId.none) }
          queued = batch
        }
        if (changes.all) batch.changes.all = true
        for (const tag of changes.tags) {
          batch.changes.tags.add(tag)
          batch.tagCalls.set(tag, (batch.tagCalls.get(tag) ?? 0) + 1)
          pending.set(tag, (pending.get(tag) ?? 0) + 1)
        }
        changes.keys.forEach((key) => batch.changes.keys.add(key))
        changes.patterns.forEach((pattern) => batch.changes.patterns.add(pattern))
        const done = batch.done
        const start = flushing ? Effect.void : Effect.asVoid(Effect.forkIn(flushLoop, scope))
        flushing = true
        return Effect.zipRight(start, Effect.map(Deferred.await(done), (propagated) => ({ l1EntriesRemoved: removed, propagated })))
      })

    // --- reads ------------------------------------------------------------------------------------

    type Usable<A> = { readonly fresh: boolean; readonly value: A; readonly envelope: Envelope }

    /** The Redis entry's value if its generations are current and it is within its stale time. */
    const usable = <A, I>(envelope: Envelope, tags: ReadonlyArray<string>, generations: ReadonlyArray<string>, schema: Schema.Schema<A, I>, at: number): Usable<A> | undefined => {
      if (at >= envelope.s || !generationsMatch(envelope, tags, generations)) return undefined
      const decoded = decoderOf(schema)(envelope.v)
      if (Either.isLeft(decoded)) return undefined // another version's shape: a miss, not an error
      return { fresh: at < envelope.f, value: decoded.right, envelope }
    }

    const keepInMemory = (key: string, value: unknown, encoded: unknown, bytes: number, tags: ReadonlyArray<string>, freshUntil: number, staleUntil: number, at: number) =>
      l1.put({
        key,
        value,
        encoded,
        bytes,
        freshUntil: Math.min(freshUntil, at + l1TtlMs),
        staleUntil,
        tags
      })

    /**
     * Redis, then the loader: a fresh, current Redis entry answers; otherwise the key's lock decides
     * who loads, and the others poll Redis for the value (until the lock's life has passed). Written
     * as a chain rather than a generator: this is the path of every Redis hit.
     */
    const fill = <A, I, E, R>(key: string, loader: Effect.Effect<A, E, R>, options: CacheEntryOptions<A, I>, flight: Flight): Effect.Effect<A, E, R> => {
      if (redis === undefined || degraded || anyPending(flight.tags)) return loadMissing(key, loader, options, flight, undefined, undefined, undefined)
      counters.l2Lookups++
      // Polling runs on real time (Redis time), whatever clock the cache reads entries' ages on.
      return readRedis(key, loader, options, flight, [...flight.tags, keyTag(key)], performance.now() + tuning.lockMs, POLL_MIN_MS, undefined)
    }

    // (A function of the cache rather than a closure per call: the runtime names every closure it
    // creates, which showed in profiles of this path.)
    const readRedis = <A, I, E, R>(
      key: string,
      loader: Effect.Effect<A, E, R>,
      options: CacheEntryOptions<A, I>,
      flight: Flight,
      generationTags: ReadonlyArray<string>,
      deadline: number,
      pollMs: number,
      staleBefore: Usable<A> | undefined
    ): Effect.Effect<A, E, R> =>
      Effect.flatMap(l2((tier) => tier.read(key, generationTags)), (read) => {
        if (Option.isNone(read)) return loadMissing(key, loader, options, flight, undefined, staleBefore, undefined)
        const generations = read.value.generations
        const at = now()
        const found = Option.isSome(read.value.envelope)
          ? usable(read.value.envelope.value, generationTags, generations, options.schema, at)
          : undefined
        if (found?.fresh === true) {
          if (!flight.dirty && !anyPending(flight.tags)) {
            keepInMemory(key, found.value, found.envelope.v, found.envelope.bytes, flight.tags, found.envelope.f, found.envelope.s, at)
          }
          counters.l2Hit(options.kind)
          return Effect.succeed(found.value)
        }
        const stale = found ?? staleBefore
        // Absent or outdated: load it under the key's lock, or wait for whoever holds the lock.
        const token = `${instanceId}:${++lockCounter}`
        return Effect.flatMap(l2((tier) => tier.tryLock(key, token, tuning.lockMs)), (locked) => {
          if (Option.isNone(locked)) return loadMissing(key, loader, options, flight, generations, stale, undefined) // Redis went away
          if (locked.value) return loadMissing(key, loader, options, flight, generations, stale, token)
          if (performance.now() >= deadline) return loadMissing(key, loader, options, flight, generations, stale, undefined) // too slow: load here too
          return Effect.zipRight(
            onRealTime(Effect.sleep(Duration.millis(pollMs))),
            readRedis(key, loader, options, flight, generationTags, deadline, Math.min(pollMs * 2, POLL_MAX_MS), stale)
          )
        })
      })

    const loadMissing = <A, I, E, R>(
      key: string,
      loader: Effect.Effect<A, E, R>,
      options: CacheEntryOptions<A, I>,
      flight: Flight,
      generations: ReadonlyArray<string> | undefined,
      staleInRedis: Usable<A> | undefined,
      lockToken: string | undefined
    ): Effect.Effect<A, E, R> => {
      counters.miss(options.kind)
      const loaded = loadAndKeep(key, loader, options, flight, generations, staleInRedis)
      if (lockToken === undefined) return loaded
      // Released however the load ends (the caller interrupted too), and even when Redis just went
      // away: a lock left behind makes the other instances wait it out.
      return Effect.ensuring(loaded, Effect.ignore(l2Call((tier) => tier.unlock(key, lockToken))))
    }

    /** Runs the loader and keeps its value (memory, and Redis when `generations` were read before it). */
    const loadAndKeep = <A, I, E, R>(
      key: string,
      loader: Effect.Effect<A, E, R>,
      options: CacheEntryOptions<A, I>,
      flight: Flight,
      generations: ReadonlyArray<string> | undefined,
      staleInRedis: Usable<A> | undefined
    ) =>
      Effect.gen(function*() {
        const tags = flight.tags
        const kind = options.kind
        counters.loaderCalls++
        const started = performance.now()
        const result = yield* Effect.either(loader)
        counters.loaderLatency.add(performance.now() - started)

        if (Either.isLeft(result)) {
          counters.loaderFailures++
          const inMemory = l1.lookup(key, now())
          const stale = inMemory !== undefined ? (inMemory.value as A) : staleInRedis?.value
          if (stale === undefined) return yield* Effect.fail(result.left)
          counters.stale()
          return stale
        }

        const value = result.right
        const encoded = Schema.encodeEither(options.schema)(value)
        if (Either.isLeft(encoded)) {
          yield* log(Effect.logWarning("A loaded value does not encode with its schema; not cached").pipe(
            Effect.annotateLogs({ kind, error: encoded.left.message })
          ))
          return value
        }
        const valueJson = JSON.stringify(encoded.right)
        const at = now()
        const freshUntil = at + tuning.ttlMs[kind]
        const staleUntil = freshUntil + tuning.graceMs
        if (!flight.dirty) {
          keepInMemory(key, value, encoded.right, valueJson.length, tags, freshUntil, staleUntil, at)
          if (generations !== undefined && !anyPending(tags)) {
            const envelope = envelopeJson(valueJson, kind, [...tags, keyTag(key)], generations, freshUntil, staleUntil)
            yield* l2((tier) => tier.write(key, envelope, staleUntil - at))
          }
        }
        return value
      })

    /**
     * The first caller of a missing key loads it in its own fiber (a fork per miss cost more than a
     * Redis hit); callers arriving meanwhile wait for its outcome. If the first caller is interrupted,
     * they start over, one of them loading.
     */
    const load = <A, I, E, R>(key: string, loader: Effect.Effect<A, E, R>, options: CacheEntryOptions<A, I>): Effect.Effect<A, E, R> =>
      Effect.suspend(() => {
        const running = inflight.get(key)
        if (running !== undefined) {
          running.deferred ??= Deferred.unsafeMake(FiberId.none)
          return Effect.catchAllCause(Deferred.await(running.deferred as Deferred.Deferred<A, E>), (cause) =>
            Cause.isInterruptedOnly(cause) ? getOrSet(key, loader, options) : Effect.failCause(cause))
        }
        const flight: Flight = { deferred: undefined, tags: options.tags ?? [], dirty: false }
        inflight.set(key, flight)
        return Effect.onExit(fill(key, loader, options, flight), (exit) =>
          Effect.suspend(() => {
            inflight.delete(key)
            return flight.deferred === undefined ? Effect.void : Deferred.done(flight.deferred, exit as Exit.Exit<unknown, unknown>)
          }))
      })

    const getOrSet = <A, I, E, R>(key: string, loader: Effect.Effect<A, E, R>, options: CacheEntryOptions<A, I>): Effect.Effect<A, E, R> =>
      Effect.suspend(() => {
        const timed = ++lookups % L1_TIMING_SAMPLE === 0
        const started = timed ? performance.now() : 0
        const entry = l1.lookup(key, now())
        if (entry !== undefined && now() < entry.freshUntil) {
          counters.l1Hit(options.kind)
          if (timed) counters.l1Latency.add(performance.now() - started)
          return Effect.succeed(entry.value as A)
        }
        return load(key, loader, options)
      })

    const get = <A, I>(key: string, schema: Schema.Schema<A, I>): Effect.Effect<Option.Option<A>> =>
      Effect.gen(function*() {
        const entry = l1.lookup(key, now())
        if (entry !== undefined && now() < entry.freshUntil) {
          // The memory tier keeps decoded values: the caller's schema decodes from the encoded form.
          const decoded = decoderOf(schema)(entry.encoded)
          return Either.getRight(decoded)
        }
        if (redis === undefined || anyPending(entry?.tags ?? [])) return Option.none()
        const first = yield* l2((tier) => tier.read(key, [keyTag(key)]))
        if (Option.isNone(first) || Option.isNone(first.value.envelope)) return Option.none()
        const envelope = first.value.envelope.value
        const generationTags = Object.keys(envelope.g)
        const tags = generationTags.filter((tag) => tag !== keyTag(key))
        if (anyPending(tags)) return Option.none()
        const current = tags.length === 0 ? first : yield* l2((tier) => tier.read(key, generationTags))
        if (Option.isNone(current) || Option.isNone(current.value.envelope)) return Option.none()
        const found = usable(current.value.envelope.value, generationTags, current.value.generations, schema, now())
        if (found === undefined || !found.fresh) return Option.none()
        return Option.some(found.value)
      })

    const set = <A, I>(key: string, value: A, options: CacheEntryOptions<A, I>): Effect.Effect<void> =>
      Effect.gen(function*() {
        const tags = options.tags ?? []
        const encoded = Schema.encodeSync(options.schema)(value)
        const valueJson = JSON.stringify(encoded)
        const at = now()
        const freshUntil = at + tuning.ttlMs[options.kind]
        const staleUntil = freshUntil + tuning.graceMs
        // A load of this key already under way read older data: it must not overwrite this.
        dirtyFlights((k) => k === key)
        keepInMemory(key, value, encoded, valueJson.length, tags, freshUntil, staleUntil, at)
        if (redis === undefined || degraded || anyPending(tags)) return
        const generationTags = [...tags, keyTag(key)]
        const read = yield* l2((tier) => tier.read(key, generationTags))
        if (Option.isNone(read)) return
        const envelope = envelopeJson(valueJson, options.kind, generationTags, read.value.generations, freshUntil, staleUntil)
        yield* l2((tier) => tier.write(key, envelope, staleUntil - at))
        // Other instances drop their copy and read this one from Redis.
        yield* l2((tier) => tier.publish(busMessage({ s: instanceId, k: [key] })))
      })

    const changesOf = (part: Partial<Pick<Changes, "tags" | "keys" | "patterns">>): Changes => ({ ...noChanges(), ...part })

    // --- background: bus, recovery probe, metrics -------------------------------------------------

    const onBusMessage = (text: string) => {
      const message = parseBusMessage(text)
      if (message === undefined || message.s === instanceId) return
      dropLocally({
        tags: new Set(message.t ?? []),
        keys: new Set(message.k ?? []),
        patterns: new Set(message.p ?? []),
        all: message.a === 1
      })
    }

    if (Option.isSome(store)) {
      const subscriber = store.value
      const subscribe = subscriber.subscribeScoped(BUS_CHANNEL).pipe(
        Effect.tap(() => Effect.sync(() => (busConnected = !degraded)))
      )
      const listen = (stream: Stream.Stream<string>) =>
        Stream.runForEach(stream, (text) => Effect.sync(() => onBusMessage(text))).pipe(
          Effect.ensuring(Effect.sync(() => (busConnected = false)))
        )
      // Subscribed before the cache is handed out when Redis answers; otherwise retried in the background.
      const first = yield* Effect.option(Scope.extend(subscribe, scope))
      const resubscribe = Effect.scoped(Effect.flatMap(subscribe, listen)).pipe(
        Effect.ignore,
        Effect.repeat(Schedule.spaced(Duration.millis(tuning.probeIntervalMs)))
      )
      yield* (Option.isSome(first) ? Effect.zipRight(listen(first.value), resubscribe) : resubscribe).pipe(onRealTime, Effect.forkIn(scope))

      const recover = Effect.gen(function*() {
        const alive = yield* l2Call(() => subscriber.ping)
        if (Option.isNone(alive)) return
        const replay = missed
        missed = noChanges()
        const replayed = yield* pushToRedis(replay)
        if (!replayed) {
          remember(replay)
          return
        }
        const cleared = l1.clear()
        dirtyFlights(() => true)
        degraded = false
        busConnected = true
        yield* log(Effect.logInfo("Redis recovered").pipe(
          Effect.annotateLogs({ replayedInvalidations: replay.tags.size + replay.keys.size + replay.patterns.size, memoryEntriesCleared: cleared })
        ))
      })
      yield* Effect.suspend(() => (degraded ? recover : Effect.void)).pipe(
        Effect.repeat(Schedule.spaced(Duration.millis(tuning.probeIntervalMs))),
        onRealTime,
        Effect.forkIn(scope)
      )
    }

    const publishGauges = Effect.sync(() => {
      counters.syncEvictions(l1.evictions)
      const rate = counters.hitRatePct()
      if (rate !== null) metrics.hitRatePct.unsafeUpdate(rate, [])
      const p95 = counters.l2Latency.percentiles().p95
      if (p95 !== null) metrics.redisLatencyMs.unsafeUpdate(p95, [])
      metrics.l1Entries.unsafeUpdate(l1.size, [])
      metrics.l1Bytes.unsafeUpdate(l1.bytes, [])
    })
    yield* publishGauges.pipe(Effect.repeat(Schedule.spaced(METRICS_INTERVAL)), onRealTime, Effect.forkIn(scope))

    const health: Effect.Effect<CacheHealth> = Effect.gen(function*() {
      const ping = redis === undefined || degraded || Option.isNone(store)
        ? Option.none<{ readonly latencyMs: number }>()
        : yield* l2Call(() => store.value.ping)
      const breaker = Option.isSome(store) ? yield* store.value.breaker : null
      return {
        status: degraded ? "degraded" : "healthy",
        tiers: {
          l1: { status: "up", entries: l1.size, bytes: l1.bytes, maxEntries: tuning.maxEntries, maxBytes: tuning.maxBytes },
          l2: {
            status: redis === undefined ? "disabled" : degraded ? "down" : "up",
            latencyMs: Option.isSome(ping) ? Math.round(ping.value.latencyMs * 1000) / 1000 : null
          }
        },
        breaker,
        bus: { connected: redis !== undefined && busConnected && !degraded, instanceId },
        pendingInvalidations: missed.all ? MISSED_LIMIT : missed.tags.size + missed.keys.size + missed.patterns.size,
        staleBoundSeconds: memoryAlone ? 0 : tuning.l1TtlMs / 1000
      } satisfies CacheHealth
    })

    const service: CacheService = {
      getOrSet,
      get,
      set,
      delete: (key) => Effect.asVoid(invalidate(changesOf({ keys: new Set([key]) }))),
      invalidateTags: (tags) => invalidate(changesOf({ tags: new Set(tags) })),
      invalidateTag: (tag) => invalidate(changesOf({ tags: new Set([tag]) })),
      invalidateUser: (userId) =>
        Effect.map(invalidate(changesOf({ tags: new Set([userTag(userId)]) })), (outcome) => ({
          userId,
          tag: userTag(userId),
          ...outcome
        })),
      invalidatePattern: (pattern) => invalidate(changesOf({ patterns: new Set([pattern]) })),
      purgeUser: (userId, keyPatterns) =>
        Effect.flatMap(invalidate(changesOf({ tags: new Set([userTag(userId)]), patterns: new Set(keyPatterns) })), (outcome) =>
          // The invalidation moved generation keys that name the user; with their entries gone they guard nothing.
          Effect.map(
            Effect.forEach([userTag(userId), ...keyPatterns.map(keyTag)], (tagPattern) => l2Call((tier) => tier.removeTags(tagPattern))),
            (removed) => ({ ...outcome, generationKeysRemoved: removed.reduce((sum, n) => sum + Option.getOrElse(n, () => 0), 0) })
          )),
      health,
      stats: Effect.zipRight(publishGauges, Effect.sync(() => counters.snapshot(l1.evictions)))
    }
    return service
  })

/** One decoder per schema (building it per call showed in profiles). */
const decoders = new WeakMap<object, (input: unknown) => Either.Either<unknown, ParseError>>()
const decoderOf = <A, I>(schema: Schema.Schema<A, I>) => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) {
    decoder = Schema.decodeUnknownEither(schema)
    decoders.set(schema, decoder)
  }
  return decoder as (input: unknown) => Either.Either<A, ParseError>
}

const matchers = new Map<string, (key: string) => boolean>()
const globMatchCached = (pattern: string) => {
  let matcher = matchers.get(pattern)
  if (matcher === undefined) {
    matcher = globMatcher(pattern)
    if (matchers.size < 1_000) matchers.set(pattern, matcher)
  }
  return matcher
}

/** The Hub's tuning, from its settings. */
export const cacheTuning = (settings: HubSettings): CacheTuning => ({
  ttlMs: {
    user_energy: settings.cache.ttlUserEnergySeconds * 1000,
    transactions: settings.cache.ttlTransactionsSeconds * 1000,
    user_stats: settings.cache.ttlUserStatsSeconds * 1000,
    leaderboard: settings.cache.ttlLeaderboardSeconds * 1000,
    narrative: settings.cache.ttlNarrativeSeconds * 1000
  },
  maxEntries: settings.cache.l1MaxEntries,
  maxBytes: settings.cache.l1MaxBytes,
  l1TtlMs: settings.cache.l1TtlSeconds * 1000,
  graceMs: settings.cache.graceSeconds * 1000,
  lockMs: CACHE_LOCK_MS,
  probeIntervalMs: CACHE_PROBE_INTERVAL_MS,
  // PGlite is one process's database; over Postgres other Hubs may change what is cached.
  soleInstance: settings.mode === "embedded"
})

/** Stampede lock life: longer than any loader we cache should take. */
export const CACHE_LOCK_MS = 5_000
export const CACHE_PROBE_INTERVAL_MS = 1_000

/**
 * Memory in front of Redis when `REDIS_URL` is set, memory only otherwise. The cache has its own
 * Redis connections, whose command timeout is the cache's (`CACHE_REDIS_TIMEOUT_MS`, far shorter
 * than other Redis users') and whose breaker is its own.
 */
export const CacheLive: Layer.Layer<Cache, never, HubConfig> = Layer.scoped(
  Cache,
  Effect.gen(function*() {
    const settings = yield* HubConfig
    if (Option.isNone(settings.redis.url)) return yield* makeCache(cacheTuning(settings), Option.none())
    const store = yield* makeLiveRedisStore(cacheRedisSettings(settings), { breaker: { name: "redis-cache" } })
    return yield* makeCache(cacheTuning(settings), Option.some(store))
  })
)

/** The Redis settings of the cache's own connections. */
export const cacheRedisSettings = (settings: HubSettings): HubSettings["redis"] => ({
  ...settings.redis,
  timeoutMs: settings.cache.l2TimeoutMs
})
