/**
 * Everything a test Hub stores, as text lines to search: every row of every table of its schema
 * (all columns, as Postgres prints the row) and every key of its store with its value when it is a
 * string. What the erasure tests search for canaries and user ids.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Chunk, Effect, Stream } from "effect"
import { RedisStore } from "../../src/services/redis/RedisStore.js"

export const dumpTables = Effect.gen(function* () {
  const sql = yield* PgClient.PgClient
  const tables = yield* sql<{ readonly name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`
  const rows = yield* Effect.forEach(tables, ({ name }) =>
    Effect.map(sql<{ readonly row: string }>`SELECT (t.*)::text AS row FROM ${sql(name)} t`, (found) => found.map(({ row }) => `${name}: ${row}`)))
  return { tables: tables.map(({ name }) => name), rows: rows.flat() }
})

export const dumpStore = Effect.gen(function* () {
  const store = yield* RedisStore
  const keys = [...new Set(Chunk.toReadonlyArray(yield* Stream.runCollect(store.scan("*"))))]
  const values = keys.length === 0 ? [] : yield* store.mget(keys)
  return keys.map((key, i) => `redis ${key} = ${values[i] ?? ""}`)
})

/** Every stored line: rows, then keys. */
export const everythingStored = Effect.map(Effect.all([dumpTables, dumpStore]), ([tables, store]) => [...tables.rows, ...store])

/** The lines holding any of `needles`. */
export const holding = (lines: ReadonlyArray<string>, needles: ReadonlyArray<string>) =>
  lines.filter((line) => needles.some((needle) => line.includes(needle)))
