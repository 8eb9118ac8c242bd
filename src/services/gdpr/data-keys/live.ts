/**
 * `DataKeys` on Postgres (`gdpr_data_keys`: the key wrapped by the master key, under its own id).
 * Unwrapped keys are remembered for KEY_MEMORY_MS, so sealing a user's writes costs no query; an
 * erasure on another instance is therefore final here within that bound (the ciphertexts it leaves
 * name a key that no longer exists anywhere once that bound has passed).
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { DateTime, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import { HubConfig } from "../../../config.js"
import { ServiceUnavailable } from "../../common/errors.js"
import { Database } from "../../database/Database.js"
import { ERASED, isSealed, keyIdOf, newDataKey, openWith, type Sealed, sealWith, unwrapDataKey, wrapDataKey } from "./crypto.js"
import { DataKeys } from "./DataKeys.js"
import { resolveMasterKey } from "./master-key.js"

export const KEY_MEMORY_MS = 60_000
const MAX_REMEMBERED = 10_000

interface KeyRow {
  readonly user_id: string
  readonly key_id: string
  readonly wrapped_key: string
  readonly created_at: Date
}

/** A key as remembered: `key` undefined means "no such key" (destroyed), remembered as well. */
interface Remembered {
  readonly keyId: string
  readonly key: Buffer | undefined
  readonly at: number
}

const unreadable = (keyId: string) =>
  new ServiceUnavailable({ dependency: "gdpr", reason: `data key ${keyId} does not open with GDPR_MASTER_KEY`, retryAfterSeconds: 60 })

export const DataKeysLive: Layer.Layer<DataKeys, Error, HubConfig | Database | PgClient.PgClient> = Layer.effect(
  DataKeys,
  Effect.gen(function*() {
    const master = yield* resolveMasterKey(yield* HubConfig)
    const db = yield* Database
    const sql = yield* PgClient.PgClient
    const byUser = new Map<string, Remembered>()
    const byKeyId = new Map<string, Remembered>()

    const remember = (map: Map<string, Remembered>, name: string, entry: Remembered) => {
      if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!)
      map.set(name, entry)
    }
    const fresh = (entry: Remembered | undefined): entry is Remembered => entry !== undefined && Date.now() - entry.at < KEY_MEMORY_MS

    const unwrap = (row: KeyRow) => {
      const key = unwrapDataKey(master, row.key_id, row.wrapped_key)
      if (key === undefined) return Effect.fail(unreadable(row.key_id))
      const entry = { keyId: row.key_id, key, at: Date.now() }
      remember(byUser, row.user_id, entry)
      remember(byKeyId, row.key_id, entry)
      return Effect.succeed(entry)
    }

    const selectByUser = (userId: string) =>
      db.guard(sql<KeyRow>`SELECT user_id, key_id, wrapped_key, created_at FROM gdpr_data_keys WHERE user_id = ${userId}`)

    /** The user's key, created when they have none (a concurrent creation wins: its key is read back). */
    const keyOf = (userId: string): Effect.Effect<Remembered, ServiceUnavailable> => {
      const known = byUser.get(userId)
      if (fresh(known) && known.key !== undefined) return Effect.succeed(known)
      return Effect.flatMap(selectByUser(userId), ([row]) => {
        if (row !== undefined) return unwrap(row)
        const keyId = randomUUID()
        const wrapped = wrapDataKey(master, keyId, newDataKey())
        return Effect.flatMap(
          db.guard(sql`INSERT INTO gdpr_data_keys (user_id, key_id, wrapped_key) VALUES (${userId}, ${keyId}, ${wrapped}) ON CONFLICT (user_id) DO NOTHING`),
          () => Effect.flatMap(selectByUser(userId), ([stored]) => unwrap(stored!))
        )
      })
    }

    const keyById = (keyId: string): Effect.Effect<Buffer | undefined, ServiceUnavailable> => {
      const known = byKeyId.get(keyId)
      if (fresh(known)) return Effect.succeed(known.key)
      return Effect.flatMap(
        db.guard(sql<KeyRow>`SELECT user_id, key_id, wrapped_key, created_at FROM gdpr_data_keys WHERE key_id = ${keyId}`),
        ([row]) => {
          if (row !== undefined) return Effect.map(unwrap(row), (entry) => entry.key)
          remember(byKeyId, keyId, { keyId, key: undefined, at: Date.now() })
          return Effect.succeed(undefined)
        }
      )
    }

    const openSealed = (sealed: Sealed): Effect.Effect<unknown, ServiceUnavailable> => {
      const keyId = keyIdOf(sealed)
      if (keyId === undefined) return Effect.succeed(ERASED)
      return Effect.flatMap(keyById(keyId), (key) => {
        if (key === undefined) return Effect.succeed(ERASED)
        const opened = openWith(key, sealed)
        return opened === undefined ? Effect.fail(unreadable(keyId)) : Effect.succeed(opened)
      })
    }

    const open = (value: unknown): Effect.Effect<unknown, ServiceUnavailable> => {
      if (isSealed(value)) return openSealed(value)
      if (typeof value !== "object" || value === null || Array.isArray(value)) return Effect.succeed(value)
      const fields = Object.entries(value)
      if (!fields.some(([, field]) => isSealed(field))) return Effect.succeed(value)
      return Effect.map(
        Effect.forEach(fields, ([name, field]) => (isSealed(field) ? Effect.map(openSealed(field), (opened) => [name, opened] as const) : Effect.succeed([name, field] as const))),
        Object.fromEntries
      )
    }

    return DataKeys.of({
      seal: (userId, value) => Effect.map(keyOf(userId), (entry) => sealWith(entry.keyId, entry.key!, value)),
      open,
      describe: (userId) =>
        Effect.map(selectByUser(userId), ([row]) =>
          row === undefined
            ? Option.none()
            : Option.some({ keyId: row.key_id, algorithm: "AES-256-GCM" as const, createdAt: DateTime.unsafeMake(row.created_at) })),
      forget: (userId) =>
        Effect.sync(() => {
          const known = byUser.get(userId)
          byUser.delete(userId)
          if (known !== undefined) remember(byKeyId, known.keyId, { keyId: known.keyId, key: undefined, at: Date.now() })
        })
    })
  })
)
