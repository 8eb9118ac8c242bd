/**
 * What `/monitoring/system-info` answers: a diagnosis of this instance for operators.
 */
import { Schema } from "effect"
import { VersionInfo } from "./schema.js"

export const ClusterRunner = Schema.Struct({
  address: Schema.String,
  healthy: Schema.Boolean,
  /** Last time the runner told the others it was alive (ISO 8601; null when not recorded). */
  lastSeenAt: Schema.NullOr(Schema.String)
}).annotations({ identifier: "ClusterRunner" })

export const SystemInfo = Schema.Struct({
  process: Schema.Struct({
    pid: Schema.Int,
    hostname: Schema.String,
    platform: Schema.String,
    arch: Schema.String,
    node: Schema.String,
    cpus: Schema.Int,
    uptimeSeconds: Schema.Number,
    memory: Schema.Struct({
      rssBytes: Schema.Int,
      heapUsedBytes: Schema.Int,
      heapTotalBytes: Schema.Int,
      externalBytes: Schema.Int
    })
  }),
  runtime: Schema.Struct({
    fibers: Schema.Int,
    eventLoopLagP99Ms: Schema.Number,
    narrativeWorkers: Schema.Int
  }),
  build: VersionInfo,
  /** Every setting the Hub runs with; secrets show as "<redacted>" (or null when unset). */
  config: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  /** Installed versions of the Hub's direct dependencies. */
  dependencies: Schema.Record({ key: Schema.String, value: Schema.String }),
  cluster: Schema.Struct({
    mode: Schema.Literal("single-process", "runners"),
    /** This process's runner address (null in single-process mode). */
    runnerAddress: Schema.NullOr(Schema.String),
    runners: Schema.Array(ClusterRunner),
    shards: Schema.Struct({ total: Schema.Int, ownedHere: Schema.Int })
  })
}).annotations({ identifier: "SystemInfo" })
export type SystemInfo = typeof SystemInfo.Type
