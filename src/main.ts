/**
 * Reads the settings, picks the layer set for the mode and launches the runtime.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Either, Layer } from "effect"
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

const hub = hubSettings.mode === "production" ? ProductionHub : EmbeddedHub

const program = Effect.gen(function* () {
  const address = yield* ListeningAddress
  yield* Effect.logInfo(startupLine(address.url, hubSettings.mode)).pipe(Effect.annotateLogs({ logger: "lifecycle" }))
  return yield* Effect.never
}).pipe(
  Effect.provide(hub.pipe(Layer.provide(Layer.succeed(HubConfig, hubSettings)))),
  Effect.provide(loggerLayer(hubSettings.log))
)

NodeRuntime.runMain(program, { disablePrettyLogger: true })
