/**
 * The key that wraps every data key: GDPR_MASTER_KEY (required in production). Embedded, without
 * it, one is drawn once and kept beside the data (`<DATA_DIR>/gdpr-master.key`, owner-only), or
 * in memory for an in-memory database, so a developer's data stays readable across restarts.
 */
import { Effect, Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { type HubSettings, masterKeyBytes } from "../../../config.js"

export const MASTER_KEY_FILE = "gdpr-master.key"

const fromFile = (dataDir: string) =>
  Effect.tryPromise({
    try: async () => {
      const path = join(resolve(dataDir), MASTER_KEY_FILE)
      const stored = await readFile(path, "utf8").catch(() => undefined)
      if (stored !== undefined) {
        const bytes = masterKeyBytes(stored)
        if (bytes === undefined) throw new Error(`${path} does not hold 32 bytes of hex`)
        return bytes
      }
      const drawn = randomBytes(32)
      await mkdir(resolve(dataDir), { recursive: true })
      // "wx": two processes racing on one directory never overwrite each other's key.
      await writeFile(path, drawn.toString("hex"), { mode: 0o600, flag: "wx" })
      return drawn
    },
    catch: (cause) => new Error(`GDPR master key: ${cause instanceof Error ? cause.message : String(cause)}`)
  })

export const resolveMasterKey = (settings: HubSettings): Effect.Effect<Buffer, Error> =>
  Option.match(settings.gdpr.masterKey, {
    onSome: (key) => Effect.succeed(masterKeyBytes(Redacted.value(key))!),
    onNone: () =>
      settings.database.dataDir.startsWith("memory://")
        ? Effect.sync(() => randomBytes(32))
        : Effect.tap(fromFile(settings.database.dataDir), () =>
          Effect.logInfo(`GDPR_MASTER_KEY unset: using the key kept in ${MASTER_KEY_FILE} under DATA_DIR`).pipe(Effect.annotateLogs("logger", "gdpr")))
  })
