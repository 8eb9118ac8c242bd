/**
 * `Erasure` on Postgres. A request runs in a fiber of the service (a client that hangs up does
 * not stop it); the caller waits for it up to ANSWER_WITHIN, then gets `running` and a status URL.
 *
 * Order: the request row (one running erasure per user, by a unique index); one transaction that
 * locks the user's account row (a write racing the erasure waits, then finds no account) and runs
 * every table's rule; after the commit, the user's actor memory, cached reads, data key memory and
 * rate-limit state; then the certificate. A failure marks the request failed; erasing again is safe.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { DateTime, Duration, Effect, Fiber, FiberSet, Layer } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import { HubConfig } from "../../../config.js"
import { makeKeyedHexHasher } from "../../auth/identifier-hash.js"
import { ServiceUnavailable } from "../../common/errors.js"
import { Database } from "../../database/Database.js"
import { Energy } from "../../energy/Energy.js"
import { RateLimits } from "../../rate-limit/RateLimits.js"
import { DataKeys } from "../data-keys/DataKeys.js"
import { Erasure } from "./Erasure.js"
import { type Counts, ERASURE_RUNS } from "./rules.js"
import { type ErasureStatus, GdprRequestNotFound } from "./schema.js"

/** How long `erase` waits for the work before answering `running`. */
export const ANSWER_WITHIN = Duration.seconds(5)
/** A request still `running` after this is taken for the remains of a process that died. */
const ABANDONED_AFTER_MS = 10 * 60_000

interface RequestRow {
  readonly request_id: string
  readonly user_hash: string
  readonly status: ErasureStatus["status"]
  readonly counts: Counts | string
  readonly requested_at: Date
  readonly completed_at: Date | null
}

export const statusUrlOf = (requestId: string) => `/gdpr/requests/${requestId}`

const toStatus = (row: RequestRow): ErasureStatus => ({
  requestId: row.request_id,
  status: row.status,
  requestedAt: DateTime.unsafeMake(row.requested_at),
  statusUrl: statusUrlOf(row.request_id),
  certificate: row.status === "completed" && row.completed_at !== null
    ? {
      requestId: row.request_id,
      userHash: row.user_hash,
      completedAt: DateTime.unsafeMake(row.completed_at),
      counts: typeof row.counts === "string" ? JSON.parse(row.counts) as Counts : row.counts
    }
    : null
})

const sumCounts = (parts: ReadonlyArray<Counts>): Record<string, number> => {
  const total: Record<string, number> = {}
  for (const part of parts) for (const [table, n] of Object.entries(part)) total[table] = (total[table] ?? 0) + n
  return total
}

export const ErasureLive: Layer.Layer<Erasure, never, HubConfig | Database | PgClient.PgClient | Energy | DataKeys | RateLimits> = Layer.scoped(
  Erasure,
  Effect.gen(function*() {
    const settings = yield* HubConfig
    const db = yield* Database
    const sql = yield* PgClient.PgClient
    const energy = yield* Energy
    const keys = yield* DataKeys
    const limits = yield* RateLimits
    const running = yield* FiberSet.make<void, never>()
    // Without a configured salt (embedded only), hashes compare within this process's life.
    const keyedHash = makeKeyedHexHasher(settings.gdpr.anonymizationSalt)
    const userHashOf = (userId: string) => keyedHash(`user:${userId}`)
    const columns = sql.literal("request_id, user_hash, status, counts, requested_at, completed_at")

    const requestById = (requestId: string) =>
      Effect.map(db.guard(sql<RequestRow>`SELECT ${columns} FROM gdpr_requests WHERE request_id = ${requestId} AND kind = 'erasure'`), (rows) => rows[0])

    /** A new running request for `userHash`, or the one already running (unless abandoned). */
    const open = (userHash: string): Effect.Effect<{ readonly row: RequestRow; readonly started: boolean }, ServiceUnavailable> =>
      Effect.gen(function*() {
        yield* db.guard(sql`UPDATE gdpr_requests SET status = 'failed', completed_at = now()
          WHERE user_hash = ${userHash} AND kind = 'erasure' AND status = 'running' AND requested_at < ${new Date(Date.now() - ABANDONED_AFTER_MS)}`)
        const [created] = yield* db.guard(sql<RequestRow>`INSERT INTO gdpr_requests (request_id, kind, user_hash, status)
          VALUES (${randomUUID()}, 'erasure', ${userHash}, 'running') ON CONFLICT DO NOTHING RETURNING ${columns}`)
        if (created !== undefined) return { row: created, started: true }
        const [current] = yield* db.guard(sql<RequestRow>`SELECT ${columns} FROM gdpr_requests
          WHERE user_hash = ${userHash} AND kind = 'erasure' AND status = 'running'`)
        // (It ended between the two statements: start another, which finds little to do.)
        return current === undefined ? yield* Effect.suspend(() => open(userHash)) : { row: current, started: false }
      })

    const eraseRows = (userId: string) =>
      Effect.gen(function*() {
        const subject = { userId, pseudonym: `@erased.${randomBytes(12).toString("hex")}`, secret: randomBytes(32).toString("hex") }
        yield* sql`SELECT 1 FROM energy_accounts WHERE user_id = ${userId} FOR UPDATE`
        yield* sql`SELECT set_config('luna.ledger_erasure', 'on', true), set_config('luna.event_erasure', 'on', true)`
        return sumCounts(yield* Effect.forEach(ERASURE_RUNS, (run) => run(sql, subject)))
      }).pipe(sql.withTransaction, db.guard)

    const work = (userId: string, requestId: string) =>
      Effect.gen(function*() {
        const rows = yield* eraseRows(userId)
        const purged = yield* energy.forget(userId)
        yield* keys.forget(userId)
        const scopes = yield* limits.reset(userId)
        const counts = { ...rows, cache_entries: purged.cacheEntries, redis_rate_limit_scopes: scopes.length }
        yield* db.guard(sql`UPDATE gdpr_requests SET status = 'completed', counts = ${JSON.stringify(counts)}::jsonb, completed_at = now()
          WHERE request_id = ${requestId}`)
        yield* Effect.logInfo("User erased").pipe(Effect.annotateLogs({ logger: "gdpr", request: requestId, ...counts }))
      }).pipe(
        Effect.catchAllCause((cause) =>
          Effect.zipRight(
            Effect.logError("Erasure failed; erasing again resumes it", cause).pipe(Effect.annotateLogs({ logger: "gdpr", request: requestId })),
            Effect.ignore(db.guard(sql`UPDATE gdpr_requests SET status = 'failed', completed_at = now() WHERE request_id = ${requestId}`))
          ))
      )

    const answer = (requestId: string) =>
      Effect.flatMap(requestById(requestId), (row) =>
        row === undefined ? Effect.fail(new ServiceUnavailable({ dependency: "gdpr", reason: "erasure request vanished", retryAfterSeconds: 1 })) : Effect.succeed(toStatus(row)))

    return Erasure.of({
      erase: (userId) =>
        Effect.gen(function*() {
          const { row, started } = yield* open(userHashOf(userId))
          if (started) {
            const fiber = yield* FiberSet.run(running, work(userId, row.request_id))
            yield* Effect.ignore(Effect.timeout(Fiber.await(fiber), ANSWER_WITHIN))
          }
          return yield* answer(row.request_id)
        }),
      status: (requestId) =>
        Effect.flatMap(requestById(requestId), (row) =>
          row === undefined ? Effect.fail(new GdprRequestNotFound({ requestId })) : Effect.succeed(toStatus(row)))
    })
  })
)
