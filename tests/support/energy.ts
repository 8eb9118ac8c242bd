/**
 * The energy service on a fresh, migrated database (`energyLayer`): the event store, the actor
 * runtime (in memory on PGlite; a runner on a free loopback port over Postgres), the data keys
 * sealing personal fields, `ConsentLive` (stats ask it) and `EnergyLive`.
 * Plus small builders the energy suites share.
 */
import { expect } from "@effect/vitest"
import { type ConfigError, Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { getFreePort } from "../../bench/lib/net.js"
import type { Cache } from "../../src/services/cache/Cache.js"
import { ClusterLive } from "../../src/services/cluster/live.js"
import { Energy } from "../../src/services/energy/Energy.js"
import { rateLimitsLayer } from "./rate-limit.js"
import { EnergyLive } from "../../src/services/energy/live.js"
import type { UserId } from "../../src/services/guardian/schema.js"
import { energyStream, foldLedger } from "../../src/services/energy/events.js"
import type { Transaction } from "../../src/services/energy/schema.js"
import { EventStore } from "../../src/services/events/EventStore.js"
import { Consent } from "../../src/services/gdpr/consent/Consent.js"
import { ConsentLive } from "../../src/services/gdpr/consent/live.js"
import { OpenedEventStore } from "../../src/services/gdpr/data-keys/event-store.js"
import { DataKeysLive } from "../../src/services/gdpr/data-keys/live.js"
import type { BackendName } from "./backends.js"
import type { TestDatabaseOptions } from "./database.js"
import { cacheLayer } from "./cache.js"
import { eventStoreLayer, type TestEventStoreServices } from "./events.js"
import { runToken } from "./backends.js"

/** A loopback port for this test's cluster runner (each Hub on Postgres listens on one). */
export const runnerPortEnv: Effect.Effect<Record<string, string>> = Effect.map(
  Effect.promise(getFreePort),
  (port) => ({ CLUSTER_RUNNER_PORT: String(port) })
)

/** The event store as the Hub composes it: personal fields sealed by data keys, opened for readers. */
export const withDataKeys = OpenedEventStore.pipe(Layer.provideMerge(DataKeysLive))

export const energyLayer = (
  backend: BackendName,
  options: TestDatabaseOptions = {}
): Layer.Layer<Energy | Cache | Consent | TestEventStoreServices, unknown | ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(runnerPortEnv, (runner) =>
      EnergyLive.pipe(
        Layer.provideMerge(Layer.mergeAll(ClusterLive, cacheLayer(backend), rateLimitsLayer(backend), ConsentLive)),
        Layer.provideMerge(withDataKeys),
        Layer.provideMerge(eventStoreLayer(backend, { ...options, env: { ...runner, ...options.env } }))
      ))
  )

/** A user id no other test (or run) uses. */
export const userIds = () => {
  const token = runToken()
  let n = 0
  return (name = "u"): UserId => `${name}-${token}-${++n}` as UserId
}

export const key = (): string => `k-${randomUUID()}`

export const ADMIN_ACTOR = "test"

/** Opens `userId`'s account on `plan` (free by default). */
export const openAccount = (userId: UserId, plan: "free" | "pack" | "unlimited" = "free") =>
  Effect.flatMap(Energy, (energy) => energy.open(userId, plan, ADMIN_ACTOR))

/** Records `userId`'s consent to behavioural processing, which `Energy.stats` needs. */
export const grantBehavioral = (userId: UserId) =>
  Effect.flatMap(Consent, (consent) => consent.record({ userId, consentType: "behavioral", granted: true, source: "api" }))

/** Every transaction of `userId`, oldest first (all pages). */
export const allTransactions = (userId: UserId) =>
  Effect.gen(function* () {
    const energy = yield* Energy
    const newestFirst: Array<Transaction> = []
    let cursor: string | undefined
    do {
      const page = yield* energy.transactions(userId, cursor === undefined ? { limit: 100 } : { limit: 100, cursor })
      newestFirst.push(...page.transactions)
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    return newestFirst.reverse()
  })

/** The user's event stream folded back: plan, balance, reserved, version and transactions. */
export const foldedLedger = (userId: UserId) =>
  Effect.flatMap(EventStore, (events) => Effect.map(events.readStream(energyStream(userId), { limit: 1000 }), foldLedger))

/**
 * The account (as its actor answers), its stored transactions and its event stream agree: the
 * events fold to exactly the transactions, and to the balance, reserved energy and version.
 */
export const expectLedgerConsistent = (userId: UserId) =>
  Effect.gen(function* () {
    const energy = yield* Energy
    const balance = yield* energy.balance(userId)
    const folded = yield* foldedLedger(userId)
    const transactions = yield* allTransactions(userId)
    expect(folded.version).toBe(balance.version)
    expect(folded.transactions).toEqual(transactions)
    const last = transactions.at(-1)
    expect(folded.balance).toBe(last?.balanceAfter ?? 0)
    expect(folded.reserved).toBe(last?.reservedAfter ?? 0)
    expect(folded.plan).toBe(balance.plan)
    return { balance, folded, transactions }
  })
