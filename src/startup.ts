/**
 * What every entry point (the Hub, commands) does before it builds layers: read the settings or
 * stop with the one-line explanation, and describe a failure to start by its innermost cause.
 */
import { Effect, Either } from "effect"
import { describeConfigError, type HubSettings, settingsConfig } from "./config.js"

/** The settings from the environment; on a bad value, one line on stderr and `exit(exitCode)`. */
export const settingsOrExit = (exitCode = 1): HubSettings => {
  const settings = Effect.runSync(Effect.either(settingsConfig))
  if (Either.isLeft(settings)) {
    process.stderr.write(describeConfigError(settings.left) + "\n")
    process.exit(exitCode)
  }
  return settings.right
}

/** Wrappers (ServeError, SqlError) often say little; the innermost cause says what happened. */
export const innermostMessage = (error: unknown): string => {
  let message = String(error)
  let current: unknown = error
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current.message !== "" && current.message !== "An error has occurred") message = current.message
    current = current.cause
  }
  return message
}
