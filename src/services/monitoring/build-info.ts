/**
 * What this build is: package version, git commit and build time (from settings, else read from
 * the checkout once at start), Node version, mode and start time.
 */
import { Clock, Context, Effect, Layer, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { HubConfig } from "../../config.js"
import { PACKAGE, PROJECT_ROOT } from "../../package-info.js"
import type { VersionInfo } from "./schema.js"

/** HEAD of the checkout the Hub runs from, when there is one (no git binary needed). */
const readGitCommit = (): Option.Option<string> => {
  try {
    const gitDir = path.join(PROJECT_ROOT, ".git")
    const head = fs.readFileSync(path.join(gitDir, "HEAD"), "utf8").trim()
    if (!head.startsWith("ref: ")) return /^[0-9a-f]{40}$/.test(head) ? Option.some(head) : Option.none()
    const ref = head.slice(5)
    const loose = path.join(gitDir, ref)
    if (fs.existsSync(loose)) return Option.some(fs.readFileSync(loose, "utf8").trim())
    const packed = fs.readFileSync(path.join(gitDir, "packed-refs"), "utf8")
    const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`))
    return line ? Option.some(line.split(" ")[0]!) : Option.none()
  } catch {
    return Option.none()
  }
}

export class BuildInfo extends Context.Tag("luna/BuildInfo")<BuildInfo, VersionInfo>() {
  static readonly layer: Layer.Layer<BuildInfo, never, HubConfig> = Layer.effect(
    BuildInfo,
    Effect.gen(function* () {
      const settings = yield* HubConfig
      const startedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
      return {
        name: PACKAGE.name,
        version: PACKAGE.version,
        commit: Option.getOrNull(Option.orElse(settings.build.commit, readGitCommit)),
        buildTime: Option.getOrElse(settings.build.time, () => startedAt),
        node: process.version,
        mode: settings.mode,
        startedAt
      }
    })
  )
}
