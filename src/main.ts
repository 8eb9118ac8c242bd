/**
 * Reads the settings, picks the layer set for the mode and launches the runtime. Tracing (on with
 * OTEL_EXPORTER_OTLP_ENDPOINT, else switched off) comes with the layer set: see services/telemetry.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Layer } from "effect"
import { HubConfig } from "./config.js"
import { ListeningAddress, startupLine } from "./http/server.js"
import { EmbeddedHub } from "./layers/embedded.js"
import { ProductionHub } from "./layers/production.js"
import { loggerLayer } from "./services/logging/logger.js"
import { innermostMessage, settingsOrExit } from "./startup.js"

const hubSettings = settingsOrExit()

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
