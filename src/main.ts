/**
 * Reads the settings, picks the layer set for the mode and launches the runtime.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Either, Layer } from "effect"
import { describeConfigError, HubConfig, settingsConfig } from "./config.js"
import { ListeningAddress, startupLine } from "./http/server.js"
import { EmbeddedHub } from "./layers/embedded.js"
import { ProductionHub } from "./layers/production.js"
import { loggerLayer } from "./services/logging/logger.js"

const settings = Effect.runSync(Effect.either(settingsConfig))
if (Either.isLeft(settings)) {
  process.stderr.write(describeConfigError(settings.left) + "\n")
  process.exit(1)
}
const hubSettings = settings.right

/** Wrappers (ServeError, SqlError) often say little; the innermost cause says what happened. */
const innermostMessage = (error: unknown): string => {
  let message = String(error)
  let current: unknown = error
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current.message !== "" && current.message !== "An error has occurred") message = current.message
    current = current.cause
  }
  return message
}

const hub = hubSettings.mode === "production" ? ProductionHub : EmbeddedHub

const program = Effect.gen(function* () {
  const address = yield* ListeningAddress
  yield* Effect.logInfo(startupLine(address.url, hubSettings.mode)).pipe(Effect.annotateLogs({ logger: "lifecycle" }))
  return yield* Effect.never
}).pipe(
  Effect.provide(hub.pipe(Layer.provide(Layer.succeed(HubConfig, hubSettings)))),
  Effect.tapErrorCause((cause) =>
    Effect.logError(`Luna Hub could not start: ${innermostMessage(Cause.squash(cause))}`, cause).pipe(
      Effect.annotateLogs({ logger: "lifecycle" })
    )
  ),
  Effect.provide(loggerLayer(hubSettings.log))
)

// Failures are logged above through the Hub's logger; runMain only sets the exit code.
NodeRuntime.runMain(program, { disablePrettyLogger: true, disableErrorReporting: true })
