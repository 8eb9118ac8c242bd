/**
 * `Consent` on Postgres: the types from `gdpr_consent_types`, records appended to
 * `gdpr_consent_records` with the IP truncated and the user agent as a keyed hash
 * (`GDPR_ANONYMIZATION_SALT`; without one, the process's own key, so hashes then only compare
 * within a run).
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { DateTime, Effect, Layer } from "effect"
import { makeKeyedHexHasher } from "../../auth/identifier-hash.js"
import { HubConfig } from "../../../config.js"
import type { ServiceUnavailable } from "../../common/errors.js"
import { Database } from "../../database/Database.js"
import type { UserId } from "../../guardian/schema.js"
import { truncateIp } from "../anonymise/index.js"
import { Consent } from "./Consent.js"
import {
  type ConsentCheck,
  type ConsentRecord,
  ConsentRequired,
  type ConsentState,
  type ConsentType,
  ConsentVersionMismatch,
  UnknownConsentType,
  UnknownDataCategory
} from "./schema.js"

interface TypeRow {
  readonly code: string
  readonly data_category: string
  readonly version: number
  readonly text: string
  readonly required: boolean
}

interface RecordRow {
  readonly consent_type: string
  readonly version: number
  readonly granted: boolean
  readonly source: ConsentRecord["source"]
  readonly ip_anonymised: string | null
  readonly recorded_at: Date
}

const toType = (row: TypeRow): ConsentType => ({
  code: row.code,
  dataCategory: row.data_category,
  version: row.version,
  text: row.text,
  required: row.required
})

const toRecord = (row: RecordRow): ConsentRecord => ({
  consentType: row.consent_type,
  version: row.version,
  granted: row.granted,
  source: row.source,
  ipAnonymised: row.ip_anonymised,
  recordedAt: DateTime.unsafeMake(row.recorded_at)
})

/** A type's state from the user's records of it, oldest first. */
const stateOf = (type: ConsentType, records: ReadonlyArray<ConsentRecord>): ConsentState => {
  const latest = records.at(-1)
  return {
    consentType: type.code,
    dataCategory: type.dataCategory,
    currentVersion: type.version,
    granted: latest !== undefined && latest.granted && latest.version === type.version,
    version: latest?.version ?? null,
    since: latest?.recordedAt ?? null
  }
}

const RECORD_COLUMNS = "consent_type, version, granted, source, ip_anonymised, recorded_at"

export const ConsentLive: Layer.Layer<Consent, never, HubConfig | Database | PgClient.PgClient> = Layer.effect(
  Consent,
  Effect.gen(function*() {
    const settings = (yield* HubConfig).gdpr
    const db = yield* Database
    const sql = yield* PgClient.PgClient
    if (!settings.enabled) {
      yield* Effect.logWarning("GDPR consent checks disabled (GDPR_ENABLED=false)").pipe(Effect.annotateLogs("logger", "gdpr"))
    }
    const keyedHash = makeKeyedHexHasher(settings.anonymizationSalt)
    const userAgentHash = (userAgent: string): string => keyedHash(userAgent.trim())

    const types = db.guard(sql<TypeRow>`SELECT code, data_category, version, text, required FROM gdpr_consent_types ORDER BY required DESC, code`).pipe(
      Effect.map((rows) => rows.map(toType))
    )

    const recordsOf = (userId: string) =>
      db.guard(sql<RecordRow>`SELECT ${sql.literal(RECORD_COLUMNS)} FROM gdpr_consent_records WHERE user_id = ${userId} ORDER BY record_id`).pipe(
        Effect.map((rows) => rows.map(toRecord))
      )

    const check = (userId: string, dataCategory: string): Effect.Effect<ConsentCheck, UnknownDataCategory | ServiceUnavailable> =>
      Effect.gen(function*() {
        const [type] = yield* db.guard(sql<TypeRow>`SELECT code, data_category, version, text, required FROM gdpr_consent_types WHERE data_category = ${dataCategory}`)
        if (type === undefined) return yield* Effect.fail(new UnknownDataCategory({ dataCategory }))
        const [latest] = yield* db.guard(sql<RecordRow>`
          SELECT ${sql.literal(RECORD_COLUMNS)} FROM gdpr_consent_records
          WHERE user_id = ${userId} AND consent_type = ${type.code} ORDER BY record_id DESC LIMIT 1`)
        const granted = latest !== undefined && latest.granted && latest.version === type.version
        return {
          userId: userId as UserId,
          dataCategory,
          granted,
          version: granted ? latest.version : null,
          since: granted ? DateTime.unsafeMake(latest.recorded_at) : null
        }
      })

    return Consent.of({
      types: Effect.map(types, (consentTypes) => ({ consentTypes })),

      record: (request) =>
        Effect.gen(function*() {
          const [type] = yield* db.guard(sql<TypeRow>`SELECT code, data_category, version, text, required FROM gdpr_consent_types WHERE code = ${request.consentType}`)
          if (type === undefined) return yield* Effect.fail(new UnknownConsentType({ consentType: request.consentType }))
          const version = request.version ?? type.version
          if (version !== type.version) {
            return yield* Effect.fail(new ConsentVersionMismatch({ consentType: type.code, currentVersion: type.version, given: version }))
          }
          const ip = request.ipAddress === undefined ? null : (truncateIp(request.ipAddress.trim()) ?? null)
          const agent = request.userAgent === undefined || request.userAgent.trim() === "" ? null : userAgentHash(request.userAgent)
          const [row] = yield* db.guard(sql<RecordRow>`
            INSERT INTO gdpr_consent_records (user_id, consent_type, version, granted, source, ip_anonymised, user_agent_hash)
            VALUES (${request.userId}, ${type.code}, ${version}, ${request.granted}, ${request.source}, ${ip}, ${agent})
            RETURNING ${sql.literal(RECORD_COLUMNS)}`)
          return { userId: request.userId, record: toRecord(row!) }
        }),

      ofUser: (userId) =>
        Effect.map(Effect.all([types, recordsOf(userId)]), ([all, history]) => ({
          userId: userId as UserId,
          consents: all.map((type) => stateOf(type, history.filter((record) => record.consentType === type.code))),
          history
        })),

      check,

      require: (userId, dataCategory) =>
        settings.enabled
          ? Effect.flatMap(check(userId, dataCategory), (result) =>
            result.granted ? Effect.void : Effect.fail(new ConsentRequired({ userId, dataCategory })))
          : Effect.void
    })
  })
)
