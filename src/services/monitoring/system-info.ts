/**
 * `/monitoring/system-info`: this process, its runtime, its settings with every secret redacted,
 * the installed versions of its dependencies, and the cluster as this runner sees it.
 */
import * as ShardId from "@effect/cluster/ShardId"
import * as Sharding from "@effect/cluster/Sharding"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, Either, LogLevel, Option, Redacted } from "effect"
import * as fs from "node:fs"
import { availableParallelism, hostname } from "node:os"
import * as path from "node:path"
import { HubConfig } from "../../config.js"
import { PACKAGE, PROJECT_ROOT } from "../../package-info.js"
import { Database } from "../database/Database.js"
import { BuildInfo } from "./build-info.js"
import { Figures } from "./figures.js"
import type { SystemInfo } from "./system-info-schema.js"

export const REDACTED = "<redacted>"

/** Settings as plain JSON: Options unwrapped (null when unset), secrets replaced, levels named. */
export const redactedSettings = (value: unknown): unknown => {
  if (Redacted.isRedacted(value)) return REDACTED
  if (Option.isOption(value)) return Option.isSome(value) ? redactedSettings(value.value) : null
  if (LogLevel.allLevels.includes(value as LogLevel.LogLevel)) return (value as LogLevel.LogLevel).label
  if (Array.isArray(value)) return value.map(redactedSettings)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, redactedSettings(v)]))
  }
  return value
}

/** Installed versions of the direct dependencies, read once (the declared range when not installed). */
const installedVersions = (): Record<string, string> => {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    readonly dependencies?: Record<string, string>
  }
  return Object.fromEntries(
    Object.entries(manifest.dependencies ?? {}).map(([name, declared]) => {
      try {
        const installed = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }
        return [name, installed.version]
      } catch {
        return [name, declared]
      }
    })
  )
}

/** @effect/cluster's default: entities are spread over this many shards. */
const SHARDS_PER_GROUP = 300

interface RunnerRow {
  readonly address: string
  readonly healthy: boolean
  readonly last_heartbeat: Date | null
}

export const makeSystemInfo = Effect.gen(function* () {
  const settings = yield* HubConfig
  const build = yield* BuildInfo
  const db = yield* Database
  const sql = yield* PgClient.PgClient
  const sharding = yield* Sharding.Sharding
  const figures = yield* Figures
  const dependencies = installedVersions()
  const config = redactedSettings(settings) as Record<string, unknown>
  const clustered = db.backend === "postgres"
  const runnerAddress = clustered ? `${settings.cluster.runnerHost}:${settings.cluster.runnerPort}` : null

  const runners = clustered
    ? db.guard(sql<RunnerRow>`SELECT address, healthy, last_heartbeat FROM cluster_runners ORDER BY address`).pipe(
      Effect.map((rows) =>
        rows.map((row) => ({ address: row.address, healthy: Boolean(row.healthy), lastSeenAt: row.last_heartbeat?.toISOString() ?? null }))
      ),
      Effect.either,
      Effect.map(Either.getOrElse(() => []))
    )
    : Effect.succeed([])

  return Effect.gen(function* () {
    const runtime = yield* figures.runtime
    const memory = process.memoryUsage()
    let ownedHere = 0
    for (let id = 1; id <= SHARDS_PER_GROUP; id++) if (sharding.hasShardId(ShardId.make("default", id))) ownedHere++
    const info: SystemInfo = {
      process: {
        pid: process.pid,
        hostname: hostname(),
        platform: process.platform,
        arch: process.arch,
        node: process.version,
        cpus: availableParallelism(),
        uptimeSeconds: Math.round(process.uptime() * 10) / 10,
        memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external }
      },
      runtime: { fibers: runtime.fibers, eventLoopLagP99Ms: runtime.eventLoopLagMs.p99, narrativeWorkers: settings.narrative.workers },
      build: { ...build, name: PACKAGE.name },
      config,
      dependencies,
      cluster: {
        mode: clustered ? "runners" : "single-process",
        runnerAddress,
        runners: yield* runners,
        shards: { total: SHARDS_PER_GROUP, ownedHere }
      }
    }
    return info
  })
})
