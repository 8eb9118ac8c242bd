/**
 * `Narrative` over the analyzer, the worker pool, the cache, and the user's consent, energy and
 * data key. A text analysed without a user is cached by (analyzer version, kind, hint, text hash):
 * the analyzer is deterministic, so an entry is never wrong, only evicted (CACHE_TTL_NARRATIVE). A
 * batch asks the cache for every text, then sends only the misses to the pool together. A user's
 * text is never cached: its analysis is stored sealed with their key, which erasure destroys.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Clock, DateTime, Effect, Layer, Option, Schema } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { Cache } from "../cache/Cache.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { Database } from "../database/Database.js"
import { Energy } from "../energy/Energy.js"
import type { UserId } from "../guardian/schema.js"
import { Consent } from "../gdpr/consent/Consent.js"
import { DataKeys } from "../gdpr/data-keys/DataKeys.js"
import { aggregate, Analysis, ANALYZER_VERSION, type AnalyzeInput } from "./analyzer/index.js"
import { Narrative } from "./Narrative.js"
import { NarrativePool } from "./pool/NarrativePool.js"
import { NarrativeKeyReused, type StoredAnalysis } from "./schema.js"

/** The insights profile reads at most this many of the user's latest analyses. */
export const MAX_INSIGHT_ANALYSES = 500
const CHARGED_ACTION = "narrative_analysis"

/** What identifies an analysis: the analyzer's version and everything it reads. */
const fingerprintOf = (input: AnalyzeInput): string =>
  createHash("sha256").update(`${ANALYZER_VERSION}\u0000${input.kind}\u0000${input.languageHint ?? ""}\u0000${input.text}`).digest("hex")

const cacheKeyOf = (input: AnalyzeInput) => `narrative:${fingerprintOf(input)}`

const CACHED = { kind: "narrative", schema: Analysis } as const

interface StoredRow {
  readonly analysis_id: string
  readonly fingerprint: string
  readonly result: unknown
  readonly created_at: Date
}

const decodeAnalysis = Schema.decodeUnknown(Analysis)

export const NarrativeLive: Layer.Layer<
  Narrative,
  never,
  Cache | NarrativePool | Energy | Consent | DataKeys | Database | PgClient.PgClient
> = Layer.effect(
  Narrative,
  Effect.gen(function*() {
    const cache = yield* Cache
    const pool = yield* NarrativePool
    const energy = yield* Energy
    const consent = yield* Consent
    const keys = yield* DataKeys
    const db = yield* Database
    const sql = yield* PgClient.PgClient

    const analyzeOne = (input: AnalyzeInput) =>
      cache.getOrSet(cacheKeyOf(input), Effect.map(pool.analyzeAll([input]), (analyses) => analyses[0]!), CACHED)

    const analyzeAll = (inputs: ReadonlyArray<AnalyzeInput>): Effect.Effect<ReadonlyArray<Analysis>, ServiceUnavailable> =>
      Effect.gen(function*() {
        const cached = yield* Effect.forEach(inputs, (input) => cache.get(cacheKeyOf(input), Analysis), { concurrency: 16 })
        const missing = inputs.filter((_, i) => Option.isNone(cached[i]!))
        const computed = missing.length === 0 ? [] : yield* pool.analyzeAll(missing)
        yield* Effect.forEach(missing, (input, i) => cache.set(cacheKeyOf(input), computed[i]!, CACHED), { concurrency: 16, discard: true })
        let next = 0
        return cached.map((hit) => Option.getOrElse(hit, () => computed[next++]!))
      })

    /** A stored analysis, opened with the user's key (an erased key's analysis is gone with its rows). */
    const toStored = (row: StoredRow): Effect.Effect<StoredAnalysis, ServiceUnavailable> =>
      Effect.flatMap(keys.open(row.result), (opened) =>
        decodeAnalysis(opened).pipe(
          Effect.orDie,
          Effect.map((analysis) => ({ analysisId: row.analysis_id, createdAt: DateTime.unsafeMake(row.created_at), analysis }))
        ))

    const storedRows = (userId: string, limit: number) =>
      db.guard(sql<StoredRow>`SELECT analysis_id, fingerprint, result, created_at FROM narrative_analyses
        WHERE user_id = ${userId} ORDER BY created_at DESC, analysis_id LIMIT ${limit}`)

    const byKey = (userId: string, key: string) =>
      Effect.map(
        db.guard(sql<StoredRow>`SELECT analysis_id, fingerprint, result, created_at FROM narrative_analyses
          WHERE user_id = ${userId} AND idempotency_key = ${key}`),
        (rows) => rows[0]
      )

    const chargeKey = (key: string) => `narrative:${key}`

    return Narrative.of({
      analyze: analyzeOne,

      analyzeBatch: (inputs) =>
        Effect.map(analyzeAll(inputs), (analyses) => ({ analyses, profile: aggregate(analyses) })),

      analyzeForUser: (userId, request, actor) =>
        Effect.gen(function*() {
          // Consent first: without it the text is not even read.
          yield* Effect.catchTag(consent.require(userId, "narrative_analysis"), "UnknownDataCategory", Effect.die)
          const input: AnalyzeInput = request.languageHint === undefined
            ? { text: request.text, kind: request.kind }
            : { text: request.text, kind: request.kind, languageHint: request.languageHint }
          const fingerprint = fingerprintOf(input)
          const earlier = yield* byKey(userId, request.idempotencyKey)
          if (earlier !== undefined && earlier.fingerprint !== fingerprint) {
            return yield* Effect.fail(new NarrativeKeyReused({ idempotencyKey: request.idempotencyKey, analysisId: earlier.analysis_id }))
          }
          // The charge is idempotent under its own key: a retry after a failure below pays once.
          const charged = yield* energy.consume(userId as UserId, { action: CHARGED_ACTION, idempotencyKey: chargeKey(request.idempotencyKey) }, actor).pipe(
            Effect.catchTags({ UnknownAction: Effect.die, RateLimited: Effect.die })
          )
          if (earlier !== undefined) return { ...(yield* toStored(earlier)), charge: charged.transaction, replayed: true }
          // Not through the content cache: an entry keyed by content outlives the user's erasure
          // (it may quote their text), and the analyzer costs well under a millisecond here.
          const [analysis] = yield* pool.analyzeAll([input])
          const sealed = yield* keys.seal(userId, Schema.encodeSync(Analysis)(analysis!))
          const analysisId = randomUUID()
          const createdAt = new Date(yield* Clock.currentTimeMillis)
          yield* db.guard(sql`INSERT INTO narrative_analyses (analysis_id, user_id, idempotency_key, fingerprint, kind, analyzer_version, result, created_at)
            VALUES (${analysisId}, ${userId}, ${request.idempotencyKey}, ${fingerprint}, ${input.kind}, ${ANALYZER_VERSION}, ${JSON.stringify(sealed)}::jsonb, ${createdAt})
            ON CONFLICT (user_id, idempotency_key) DO NOTHING`)
          // A concurrent request with the same key may have stored first: answer what is stored.
          const stored = yield* byKey(userId, request.idempotencyKey)
          if (stored === undefined) return yield* Effect.dieMessage("narrative analysis stored but not found")
          if (stored.fingerprint !== fingerprint) {
            return yield* Effect.fail(new NarrativeKeyReused({ idempotencyKey: request.idempotencyKey, analysisId: stored.analysis_id }))
          }
          return { ...(yield* toStored(stored)), charge: charged.transaction, replayed: stored.analysis_id !== analysisId }
        }),

      insights: (userId) =>
        Effect.gen(function*() {
          const rows = yield* storedRows(userId, MAX_INSIGHT_ANALYSES)
          const stored = yield* Effect.forEach(rows, toStored)
          return { userId, analyses: stored.length, profile: aggregate(stored.map((s) => s.analysis)) }
        }),

      stored: (userId) => Effect.map(Effect.flatMap(storedRows(userId, 100_000), (rows) => Effect.forEach(rows, toStored)), (all) => [...all].reverse())
    })
  })
)
