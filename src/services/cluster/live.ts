/**
 * The actor runtime (@effect/cluster sharding) the Hub's entities run on.
 *
 * - Postgres (production): this process is a runner at CLUSTER_RUNNER_HOST:CLUSTER_RUNNER_PORT;
 *   runners and shard locks are kept in Postgres (`cluster_*` tables), so several processes on one
 *   database share the entities between them and reach each other's over that port.
 * - PGlite (embedded): one process owns the data directory, so runner and message storage are in
 *   memory (messages are volatile: every command the Hub sends is idempotent in its own transaction).
 */
import * as MessageStorage from "@effect/cluster/MessageStorage"
import * as RunnerAddress from "@effect/cluster/RunnerAddress"
import * as RunnerHealth from "@effect/cluster/RunnerHealth"
import * as Runners from "@effect/cluster/Runners"
import * as RunnerStorage from "@effect/cluster/RunnerStorage"
import * as Sharding from "@effect/cluster/Sharding"
import * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as SqlMessageStorage from "@effect/cluster/SqlMessageStorage"
import * as SqlRunnerStorage from "@effect/cluster/SqlRunnerStorage"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type { SocketServerError } from "@effect/platform/SocketServer"
import { SqlClient } from "@effect/sql/SqlClient"
import { type ConfigError, Effect, Layer, Option } from "effect"
import { HubConfig } from "../../config.js"
import { Database } from "../database/Database.js"
import { builtOnRealTime } from "./real-time.js"

/** What every runner uses: entities idle this long passivate; shard locks of a dead runner lapse within ~6 s. */
const shardingOptions = (settings: HubConfig["Type"]): Partial<ShardingConfig.ShardingConfig["Type"]> => ({
  entityMaxIdleTime: `${settings.cache.ttlUserEnergySeconds} seconds`,
  // Local calls skip the encode/decode round trip (~20 % of a call); remote ones are serialised anyway.
  simulateRemoteSerialization: false,
  shardLockRefreshInterval: "2 seconds",
  shardLockExpiration: "6 seconds"
})

/** One runner in memory: the embedded mode and tests of a single process. */
export const ClusterInMemory = (options: Partial<ShardingConfig.ShardingConfig["Type"]>) =>
  Sharding.layer.pipe(
    Layer.provideMerge(Runners.layerNoop),
    Layer.provideMerge(MessageStorage.layerMemory),
    Layer.provide([RunnerStorage.layerMemory, RunnerHealth.layerNoop]),
    Layer.provide(ShardingConfig.layer(options))
  )

/**
 * One runner in memory, whatever the database: what a single process needs when it must not
 * coordinate with others (and what tests use to give two runtimes the same entity on purpose).
 */
export const ClusterSingleProcess = builtOnRealTime(
  Layer.unwrapEffect(Effect.map(HubConfig, (settings) => ClusterInMemory(shardingOptions(settings))))
)

/** The session advisory lock under which a process creates the cluster's tables. */
const STORAGE_LOCK = "luna.cluster.storage"

/**
 * The cluster's SQL storage (runners, shard locks, messages), built one process at a time. Each
 * storage creates its tables when it starts (`CREATE TABLE IF NOT EXISTS`, outside the Hub's
 * migrations); Postgres does not serialise two of those for one table, and the loser fails on a
 * catalog unique index (`duplicate key value violates unique constraint "pg_type_typname_nsp_index"`):
 * of several Hubs started together on a fresh database, one could stop at start with that line.
 * Under a session advisory lock (on a connection of its own, released once built) the next process
 * finds the tables made.
 */
const sqlStorageOneAtATime = (shardingConfig: Partial<ShardingConfig.ShardingConfig["Type"]>) => {
  // As NodeClusterSocket's own "sql" storage: a storage that cannot start is a defect.
  const storage = Layer.merge(Layer.orDie(SqlRunnerStorage.layer), SqlMessageStorage.layer).pipe(
    Layer.provide(ShardingConfig.layerFromEnv(shardingConfig))
  )
  return Layer.scopedContext(
    Effect.gen(function* () {
      const built = yield* Effect.scope
      const sql = yield* SqlClient
      return yield* Effect.scoped(
        Effect.gen(function* () {
          const connection = yield* Effect.orDie(sql.reserve)
          yield* Effect.orDie(connection.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", [STORAGE_LOCK], undefined))
          yield* Effect.addFinalizer(() =>
            connection.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [STORAGE_LOCK], undefined).pipe(Effect.ignore)
          )
          return yield* Layer.buildWithScope(storage, built)
        })
      )
    })
  )
}

/**
 * The runtime's loops (shard locks, health, passivation) always run on real time, even in a test
 * whose clock is simulated: a service that needs the caller's time reads it itself.
 */
export const ClusterLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* HubConfig
    const db = yield* Database
    const options = shardingOptions(settings)
    if (db.backend === "pglite") return ClusterInMemory(options)
    const address = RunnerAddress.make(settings.cluster.runnerHost, settings.cluster.runnerPort)
    yield* Effect.logInfo("Joining the cluster as a runner").pipe(
      Effect.annotateLogs({ logger: "cluster", runner: `${address.host}:${address.port}` })
    )
    const shardingConfig = { ...options, runnerAddress: Option.some(address) }
    const runner: Layer.Layer<Sharding.Sharding | Runners.Runners | MessageStorage.MessageStorage, SocketServerError | ConfigError.ConfigError, SqlClient> =
      NodeClusterSocket.layer({ storage: "byo", shardingConfig }).pipe(Layer.provideMerge(sqlStorageOneAtATime(shardingConfig)))
    return runner
  })
).pipe(builtOnRealTime)
