/**
 * `ApiKeys` on the Hub's database. Each change is one transaction: the key rows, the schedule and
 * the audit events commit together. Two background fibers: scheduled rotations (every
 * API_KEY_ROTATION_CHECK_SECONDS, once per due schedule across instances) and, at first start, the
 * bootstrap admin key.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Cause, Clock, Console, DateTime, Duration, Effect, Layer, Metric, Option, Redacted, Schedule } from "effect"
import { randomUUID } from "node:crypto"
import { HubConfig } from "../../config.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { Database } from "../database/Database.js"
import { awaitMigrated } from "../database/live.js"
import { EventStore } from "../events/EventStore.js"
import { type NewEvent, StreamNotFound } from "../events/schema.js"
import { makeIdentifierHasher } from "../auth/identifier-hash.js"
import { type Actor, ApiKeys } from "./ApiKeys.js"
import { keyEvent, keyStream } from "./audit.js"
import { generateApiKey, hashApiKey, type KeyEnv, parseApiKey } from "./format.js"
import { makeHandoverCipher } from "./handover.js"
import { keyRotations, keysExpiringSoon, securityFailOpen } from "./metrics.js"
import {
  type CreatedKey,
  DEFAULT_OVERLAP_SECONDS,
  KeyNotFound,
  KeyNotRotatable,
  type KeyStatusEntry,
  NoSuccessorPending,
  type RotationResult,
  type Scope,
  SCOPES
} from "./schema.js"
import { effectiveStatus, isWorking, stopsAtMs } from "./status.js"
import { type KeyRow, makeKeyStatements, timesOf, toInfo, toSchedule } from "./store.js"
import { makeVerifier } from "./verifier.js"

const DAY_MS = 86_400_000
/** A key's last use is written at most this often per instance (it is informative, not a guard). */
const LAST_USED_EVERY_MS = 60_000
/** Refused uses of one stopped key are audited at most this often per instance. */
const REFUSED_AUDIT_EVERY_MS = 60_000
const DUE_ROTATIONS_PER_RUN = 20

export interface ApiKeysOptions {
  /** Create the first admin key when the table is empty (default true). */
  readonly bootstrap?: boolean
  /** Where a generated bootstrap key is shown (default: stdout, once). */
  readonly showGeneratedKey?: (key: string) => Effect.Effect<void>
  /** Overrides API_KEY_ROTATION_CHECK_SECONDS (tests). */
  readonly rotationCheckInterval?: Duration.DurationInput
}

const showOnConsole = (key: string) =>
  Console.log(
    [
      "",
      "  No API key existed, so Luna Hub created an admin key. It is shown this once; store it now:",
      "",
      `    ${key}`,
      "",
      "  Use it as `Authorization: Bearer <key>`. Create a key for each app with POST /admin/keys, e.g.",
      `    {"name": "Phoenix CV", "env": "dev", "scopes": ["service"]}`,
      `  (scopes: ${SCOPES.join(", ")}).`,
      ""
    ].join("\n")
  )

/** One line, no stack: a failed-open check is expected during an outage. */
const reasonOf = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

const logKeys = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.annotateLogs(self, { logger: "keys" })

export const makeApiKeysLayer = (options: ApiKeysOptions = {}) =>
  Layer.scoped(
    ApiKeys,
    Effect.gen(function* () {
      const settings = yield* HubConfig
      const auth = settings.auth
      const db = yield* Database
      const sql = yield* PgClient.PgClient
      const events = yield* EventStore
      const statements = makeKeyStatements(sql)
      const hashId = makeIdentifierHasher(settings.gdpr.anonymizationSalt)
      const scope = yield* Effect.scope
      const handover = makeHandoverCipher(auth.jwtSecret)

      /** One unit of work: its own transaction, or a savepoint in the caller's. */
      const transaction = <A, E, R>(self: Effect.Effect<A, E, R>) => db.guard(sql.withTransaction(self))

      /** Key events cannot conflict (fresh ids, expected "any"): anything but an outage is a bug. */
      const record = (keyId: string, event: NewEvent): Effect.Effect<void, ServiceUnavailable> =>
        events.append(keyStream(keyId), [event], "any").pipe(
          Effect.catchTags({ ConcurrencyConflict: Effect.die, EventIdReused: Effect.die, InvalidEvent: Effect.die }),
          Effect.asVoid
        )

      /** Logged for a non-critical check that failed open: the request went on. */
      const failedOpen = (check: string, keyId: string) => (cause: Cause.Cause<ServiceUnavailable>) =>
        Effect.zipRight(
          Metric.increment(Metric.tagged(securityFailOpen, "check", check)),
          logKeys(Effect.logWarning("Security check failed open").pipe(
            Effect.annotateLogs({ check, key: hashId(keyId), reason: reasonOf(cause) })
          ))
        )

      // --- writes ---------------------------------------------------------------------------------

      interface KeySpec {
        readonly name: string
        readonly env: KeyEnv
        readonly scopes: ReadonlyArray<Scope>
        readonly lifetimeMs: number
        readonly rotatedFrom: string | null
      }

      /** Inserts `key` (already generated or given) and its ApiKeyCreated event; inside a transaction. */
      const insertKey = (key: string, spec: KeySpec, nowMs: number, actor: Actor, trigger: string) =>
        Effect.gen(function* () {
          const keyId = randomUUID()
          const parsed = parseApiKey(key)
          const displayPrefix = typeof parsed === "string" ? key.slice(0, 12) : parsed.displayPrefix
          const row = yield* statements.insert({
            keyId,
            name: spec.name,
            env: spec.env,
            scopes: spec.scopes,
            keyHash: hashApiKey(key),
            displayPrefix,
            createdAtMs: nowMs,
            expiresAtMs: nowMs + spec.lifetimeMs,
            rotatedFrom: spec.rotatedFrom
          })
          yield* record(keyId, keyEvent("ApiKeyCreated", {
            name: spec.name,
            env: spec.env,
            scopes: spec.scopes,
            displayPrefix,
            expiresAt: row.expires_at.toISOString(),
            rotatedFrom: spec.rotatedFrom,
            trigger
          }, actor))
          return row
        })

      const create = (request: Parameters<ApiKeys["Type"]["create"]>[0], actor: Actor): Effect.Effect<CreatedKey, ServiceUnavailable> =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const key = generateApiKey(request.env)
          const spec: KeySpec = {
            name: request.name,
            env: request.env,
            scopes: request.scopes,
            lifetimeMs: (request.expiresInDays ?? auth.keyTtlDays) * DAY_MS,
            rotatedFrom: null
          }
          const row = yield* transaction(insertKey(key, spec, nowMs, actor, "manual"))
          yield* logKeys(Effect.logInfo("API key created").pipe(Effect.annotateLogs({ key: hashId(row.key_id), env: row.env })))
          return { key, info: toInfo(row, nowMs) }
        })

      const lockedKey = (keyId: string) =>
        Effect.flatMap(statements.byId(keyId, { forUpdate: true }), Option.match({
          onNone: () => Effect.fail(new KeyNotFound({ keyId })),
          onSome: Effect.succeed
        }))

      /** Rotates a locked, active key; inside a transaction. A key's schedule follows it to its successor. */
      const rotateLocked = (keyId: string, overlapSeconds: number, actor: Actor, trigger: "manual" | "scheduled", nowMs: number) =>
        Effect.gen(function* () {
          const row = yield* lockedKey(keyId)
          const status = effectiveStatus(timesOf(row), nowMs)
          if (status !== "active") return yield* new KeyNotRotatable({ keyId, status })
          const key = generateApiKey(row.env)
          const created = yield* insertKey(key, {
            name: row.name,
            env: row.env,
            scopes: row.scopes,
            lifetimeMs: row.expires_at.getTime() - row.created_at.getTime(),
            rotatedFrom: keyId
          }, nowMs, actor, trigger)
          const overlapEndsAtMs = nowMs + overlapSeconds * 1000
          const previous = yield* statements.markRotating(keyId, created.key_id, overlapEndsAtMs)
          // Nobody saw a scheduled successor: its predecessor's holder claims it (claimSuccessor).
          if (trigger === "scheduled") yield* statements.setHandover(keyId, handover.seal(key, keyId))
          yield* record(keyId, keyEvent("ApiKeyRotated", {
            replacedBy: created.key_id,
            overlapEndsAt: new Date(overlapEndsAtMs).toISOString(),
            trigger
          }, actor))
          const schedule = yield* statements.scheduleOf(keyId)
          if (Option.isSome(schedule)) {
            const { every_seconds: every, next_run_at: next, overlap_seconds } = schedule.value
            yield* statements.deleteSchedule(keyId)
            if (trigger === "manual" || every !== null) {
              // Scheduled: the next period, or a whole period from now if the Hub was down past it.
              const nextPeriodMs = every === null ? next.getTime() : next.getTime() + every * 1000
              const nextRunAtMs = trigger === "manual"
                ? next.getTime()
                : nextPeriodMs > nowMs ? nextPeriodMs : nowMs + every! * 1000
              yield* statements.upsertSchedule({ keyId: created.key_id, nextRunAtMs, everySeconds: every, overlapSeconds: overlap_seconds })
            }
          }
          return {
            result: { current: { key, info: toInfo(created, nowMs) }, previous: toInfo(previous, nowMs) } satisfies RotationResult,
            previousHash: row.key_hash
          }
        })

      const rotate = (request: Parameters<ApiKeys["Type"]["rotate"]>[0], actor: Actor) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const overlap = request.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS
          const { previousHash, result } = yield* transaction(rotateLocked(request.keyId, overlap, actor, "manual", nowMs))
          yield* verifier.forget(previousHash)
          yield* Metric.increment(Metric.tagged(keyRotations, "trigger", "manual"))
          yield* logKeys(Effect.logInfo("API key rotated").pipe(
            Effect.annotateLogs({ key: hashId(request.keyId), successor: hashId(result.current.info.id), overlapSeconds: overlap })
          ))
          return result
        })

      const revoke = (keyId: string, actor: Actor) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const row = yield* transaction(Effect.gen(function* () {
            const row = yield* lockedKey(keyId)
            if (row.status === "revoked") return row
            const revoked = yield* statements.markRevoked(keyId, nowMs)
            yield* statements.deleteSchedule(keyId)
            yield* record(keyId, keyEvent("ApiKeyRevoked", {}, actor))
            return revoked
          }))
          yield* verifier.forget(row.key_hash)
          yield* logKeys(Effect.logInfo("API key revoked").pipe(Effect.annotateLogs({ key: hashId(keyId) })))
          return toInfo(row, nowMs)
        })

      const scheduleRotation = (request: Parameters<ApiKeys["Type"]["scheduleRotation"]>[0], actor: Actor) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const schedule = yield* transaction(Effect.gen(function* () {
            const row = yield* lockedKey(request.keyId)
            const status = effectiveStatus(timesOf(row), nowMs)
            if (status !== "active") return yield* new KeyNotRotatable({ keyId: request.keyId, status })
            const nextRunAtMs = request.at !== undefined ? DateTime.toEpochMillis(request.at) : nowMs + request.everySeconds! * 1000
            const saved = yield* statements.upsertSchedule({
              keyId: request.keyId,
              nextRunAtMs,
              everySeconds: request.everySeconds ?? null,
              overlapSeconds: request.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS
            })
            yield* record(request.keyId, keyEvent("ApiKeyRotationScheduled", {
              nextRunAt: saved.next_run_at.toISOString(),
              everySeconds: saved.every_seconds,
              overlapSeconds: saved.overlap_seconds
            }, actor))
            return saved
          }))
          return toSchedule(schedule)
        })

      const runDueRotations: Effect.Effect<number, ServiceUnavailable> = Effect.gen(function* () {
        const nowMs = yield* Clock.currentTimeMillis
        const rotated = yield* transaction(Effect.gen(function* () {
          const due = yield* statements.takeDueSchedules(nowMs, DUE_ROTATIONS_PER_RUN)
          const done: Array<{ readonly keyId: string; readonly previousHash: string }> = []
          for (const schedule of due) {
            // A savepoint each: a key that can no longer rotate drops its schedule, the others go on.
            const outcome = yield* sql.withTransaction(
              rotateLocked(schedule.key_id, schedule.overlap_seconds, "scheduler", "scheduled", nowMs)
            ).pipe(Effect.either)
            if (outcome._tag === "Right") {
              done.push({ keyId: schedule.key_id, previousHash: outcome.right.previousHash })
            } else if (outcome.left._tag !== "KeyNotFound" && outcome.left._tag !== "KeyNotRotatable") {
              return yield* outcome.left
            } else {
              yield* statements.deleteSchedule(schedule.key_id)
              yield* logKeys(Effect.logWarning("Scheduled rotation dropped: the key can no longer rotate").pipe(
                Effect.annotateLogs({ key: hashId(schedule.key_id), reason: outcome.left.message })
              ))
            }
          }
          return done
        }))
        for (const { keyId, previousHash } of rotated) {
          yield* verifier.forget(previousHash)
          yield* Metric.increment(Metric.tagged(keyRotations, "trigger", "scheduled"))
          yield* logKeys(Effect.logInfo("API key rotated on schedule").pipe(Effect.annotateLogs({ key: hashId(keyId) })))
        }
        return rotated.length
      })

      const claimSuccessor = (keyId: string) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const claimed = yield* transaction(Effect.gen(function* () {
            const taken = yield* statements.takeHandover(keyId)
            if (Option.isNone(taken)) return yield* new NoSuccessorPending({ keyId })
            const key = handover.open(taken.value.sealed, keyId)
            // Sealed under another secret (JWT_SECRET changed, or an embedded restart): unrecoverable.
            if (key === undefined) return yield* new NoSuccessorPending({ keyId })
            const successor = yield* statements.byId(taken.value.successorId)
            yield* record(keyId, keyEvent("ApiKeySuccessorClaimed", { successor: taken.value.successorId }, `key:${keyId}`))
            return { key, row: Option.getOrThrow(successor) }
          }))
          yield* logKeys(Effect.logInfo("Scheduled successor claimed").pipe(Effect.annotateLogs({ key: hashId(keyId) })))
          return { key: claimed.key, info: toInfo(claimed.row, nowMs) }
        })

      // --- reads ----------------------------------------------------------------------------------

      const list = Effect.gen(function* () {
        const nowMs = yield* Clock.currentTimeMillis
        const rows = yield* db.guard(statements.all)
        return rows.map((row) => toInfo(row, nowMs))
      })

      const get = (keyId: string) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const row = yield* db.guard(statements.byId(keyId))
          if (Option.isNone(row)) return yield* new KeyNotFound({ keyId })
          return toInfo(row.value, nowMs)
        })

      const status = Effect.gen(function* () {
        const nowMs = yield* Clock.currentTimeMillis
        const [rows, schedules] = yield* db.guard(Effect.all([statements.all, statements.schedules]))
        const scheduleOf = new Map(schedules.map((s) => [s.key_id, toSchedule(s)]))
        const warningMs = auth.keyExpiryWarningDays * DAY_MS
        const keys: Array<KeyStatusEntry> = rows.map((row) => {
          const info = toInfo(row, nowMs)
          const leftMs = Math.max(0, stopsAtMs(timesOf(row)) - nowMs)
          return {
            ...info,
            secondsToExpiry: isWorking(info.status) ? Math.floor(leftMs / 1000) : 0,
            expiringSoon: isWorking(info.status) && leftMs <= warningMs,
            schedule: scheduleOf.get(row.key_id) ?? null
          }
        })
        const expiringSoon = keys.filter((key) => key.expiringSoon)
        yield* Metric.set(keysExpiringSoon, expiringSoon.length)
        return { asOf: DateTime.unsafeMake(nowMs), warningWindowDays: auth.keyExpiryWarningDays, keys, expiringSoon }
      })

      const audit = (keyId: string) =>
        Effect.zipRight(
          get(keyId),
          events.readStream(keyStream(keyId), { limit: 1000 }).pipe(
            Effect.catchIf((error): error is StreamNotFound => error instanceof StreamNotFound, () => Effect.succeed([]))
          )
        )

      // --- verification ---------------------------------------------------------------------------

      const lastUsedWritten = new Map<string, number>()
      const refusedAudited = new Map<string, number>()
      const throttled = (seen: Map<string, number>, keyId: string, nowMs: number, everyMs: number): boolean => {
        const last = seen.get(keyId)
        if (last !== undefined && nowMs - last < everyMs) return true
        seen.set(keyId, nowMs)
        return false
      }

      const verifier = makeVerifier(auth.keyCacheSeconds * 1000, {
        load: (keyHash) => db.guard(statements.byHash(keyHash)),
        used: (row: KeyRow, nowMs) =>
          throttled(lastUsedWritten, row.key_id, nowMs, LAST_USED_EVERY_MS)
            ? undefined
            : db.guard(statements.touchLastUsed(row.key_id, nowMs)).pipe(
              Effect.catchAllCause(failedOpen("key_last_used", row.key_id)),
              Effect.forkIn(scope),
              Effect.asVoid
            ),
        refused: (row, stoppedAs, nowMs) =>
          throttled(refusedAudited, row.key_id, nowMs, REFUSED_AUDIT_EVERY_MS)
            ? Effect.void
            : Effect.zipRight(
              logKeys(Effect.logWarning("A stopped API key was presented").pipe(
                Effect.annotateLogs({ key: hashId(row.key_id), status: stoppedAs })
              )),
              transaction(record(row.key_id, keyEvent("ApiKeyUseRefused", { status: stoppedAs }, "request"))).pipe(
                Effect.catchAllCause(failedOpen("key_refused_audit", row.key_id)),
                Effect.forkIn(scope),
                Effect.asVoid
              )
            )
      })

      // --- background: scheduled rotations, bootstrap ------------------------------------------

      const checkEvery = Duration.decode(options.rotationCheckInterval ?? Duration.seconds(auth.keyRotationCheckSeconds))
      yield* awaitMigrated.pipe(
        Effect.zipRight(
          Effect.zipRight(runDueRotations, status).pipe(
            Effect.catchAllCause((cause) => logKeys(Effect.logWarning("Scheduled rotations could not run; retrying", cause))),
            Effect.repeat(Schedule.spaced(checkEvery))
          )
        ),
        Effect.provideService(Database, db),
        Effect.forkScoped
      )

      if (options.bootstrap !== false) {
        const showGenerated = options.showGeneratedKey ?? showOnConsole
        const bootstrap = Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const given = Option.map(auth.bootstrapAdminKey, Redacted.value)
          const key = Option.getOrElse(given, () => generateApiKey("dev"))
          const parsed = parseApiKey(key)
          const env: KeyEnv = typeof parsed === "string" ? "dev" : parsed.env
          const created = yield* transaction(Effect.gen(function* () {
            yield* statements.lockBootstrap
            if ((yield* statements.count) > 0) return Option.none<KeyRow>()
            const spec: KeySpec = { name: "bootstrap admin", env, scopes: ["admin"], lifetimeMs: auth.keyTtlDays * DAY_MS, rotatedFrom: null }
            return Option.some(yield* insertKey(key, spec, nowMs, "bootstrap", "bootstrap"))
          }))
          if (Option.isNone(created)) return
          yield* logKeys(Effect.logInfo(
            Option.isSome(given) ? "Bootstrap admin key installed from HUB_BOOTSTRAP_ADMIN_KEY" : "Bootstrap admin key generated"
          ).pipe(Effect.annotateLogs({ key: hashId(created.value.key_id) })))
          if (Option.isNone(given)) yield* showGenerated(key)
        })
        yield* awaitMigrated.pipe(
          Effect.zipRight(bootstrap.pipe(
            Effect.tapErrorCause((cause) => logKeys(Effect.logWarning("Bootstrap admin key not created yet; retrying", cause))),
            Effect.retry(Schedule.exponential("500 millis").pipe(Schedule.union(Schedule.spaced("10 seconds"))))
          )),
          Effect.provideService(Database, db),
          Effect.forkScoped
        )
      }

      return ApiKeys.of({
        create,
        list,
        get,
        revoke,
        rotate,
        scheduleRotation,
        status,
        audit,
        claimSuccessor,
        verify: verifier.verify,
        runDueRotations
      })
    })
  )

export const ApiKeysLive = makeApiKeysLayer()
