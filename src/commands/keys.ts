/**
 * `npm run keys -- <command>`: API key administration from the command line, on the database the
 * Hub would use with the same settings (DATABASE_URL, or embedded PGlite under DATA_DIR: stop the
 * Hub first, it holds the data dir). The same service and checks as the HTTP and RPC doors; every
 * change is audited with the actor `cli`.
 *
 *   generate [--env dev|staging|prod]                     a new key, not stored (for HUB_BOOTSTRAP_ADMIN_KEY)
 *   create --name N --env E --scopes a,b [--days D]       a stored key, shown once
 *   list | status                                         every key (status: expiry and schedules)
 *   revoke <keyId>
 *   rotate <keyId> [--overlap-seconds S]                  the new key, shown once
 *   token <userId> [--ttl-seconds S]                      an end-user token signed with JWT_SECRET
 *
 * stdout: the result as JSON; stderr: errors and logs. Exit 0 done; 1 refused or failed; 2 usage.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Clock, Duration, Effect, Exit, Layer, Option, ParseResult, Schema } from "effect"
import { parseArgs } from "node:util"
import { HubConfig } from "../config.js"
import { signUserToken } from "../services/auth/tokens.js"
import { awaitMigrated, DatabaseLive } from "../services/database/live.js"
import { EventStoreLive } from "../services/events/live.js"
import { UserId } from "../services/guardian/schema.js"
import { ApiKeys } from "../services/keys/ApiKeys.js"
import { generateApiKey } from "../services/keys/format.js"
import { makeApiKeysLayer } from "../services/keys/live.js"
import { CreateKeyRequest, KeyEnv, KeyId, OverlapSeconds } from "../services/keys/schema.js"
import { loggerLayer } from "../services/logging/logger.js"
import { innermostMessage, settingsOrExit } from "../startup.js"

const OK = 0
const FAILED = 1
const USAGE = 2
const MIGRATION_WAIT = Duration.seconds(60)
const ACTOR = "cli"

const USAGE_TEXT = `usage: npm run keys -- <command>
  generate [--env dev|staging|prod]
  create --name <name> --env <dev|staging|prod> --scopes <scope,scope> [--days <n>]
  list
  status
  revoke <keyId>
  rotate <keyId> [--overlap-seconds <n>]
  token <userId> [--ttl-seconds <n>]`

const stdout = (value: unknown) => Effect.sync(() => void process.stdout.write(`${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`))
const stderr = (line: string) => Effect.sync(() => void process.stderr.write(`[keys] ${line}\n`))

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        env: { type: "string" },
        name: { type: "string" },
        scopes: { type: "string" },
        days: { type: "string" },
        "overlap-seconds": { type: "string" },
        "ttl-seconds": { type: "string" }
      }
    })
  } catch (error) {
    process.stderr.write(`${String((error as Error).message)}\n${USAGE_TEXT}\n`)
    process.exit(USAGE)
  }
})()
const [command, argument] = positionals

/** No or an unknown command: the usage follows. */
class UsageError extends Schema.TaggedError<UsageError>()("UsageError", { message: Schema.String }) {}
/** A command that cannot be done as asked (bad argument, missing setting). */
class Refused extends Schema.TaggedError<Refused>()("Refused", { message: Schema.String }) {}

/** Decodes with the doors' schemas, so the CLI refuses what they refuse, naming each field. */
const decode = <A, I>(schema: Schema.Schema<A, I>, input: unknown, name = "argument") =>
  Schema.decodeUnknown(schema)(input, { errors: "all" }).pipe(
    Effect.mapError((error) =>
      new Refused({
        message: ParseResult.ArrayFormatter.formatErrorSync(error)
          .map((issue) => `${issue.path.length === 0 ? name : issue.path.join(".")}: ${issue.message}`)
          .join("; ")
      })
    )
  )

const optionalInt = (raw: string | undefined) => (raw === undefined ? undefined : Number(raw))

const settings = settingsOrExit(FAILED)

const withKeys = <A, E>(use: (keys: ApiKeys["Type"]) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    yield* awaitMigrated.pipe(
      Effect.timeoutFail({ duration: MIGRATION_WAIT, onTimeout: () => new Refused({ message: "the database is not ready (migrations not applied in 60 s)" }) })
    )
    return yield* use(yield* ApiKeys)
  }).pipe(
    Effect.provide(
      makeApiKeysLayer({ bootstrap: false }).pipe(
        Layer.provideMerge(EventStoreLive),
        Layer.provideMerge(DatabaseLive({ registerInstance: false })),
        Layer.provide(Layer.succeed(HubConfig, settings))
      )
    )
  )

const run = Effect.gen(function* () {
  switch (command) {
    case "generate": {
      const env = yield* decode(KeyEnv, values.env ?? "dev", "--env")
      return yield* stdout(generateApiKey(env))
    }
    case "create": {
      const request = yield* decode(CreateKeyRequest, {
        name: values.name,
        env: values.env,
        scopes: values.scopes?.split(",").map((s) => s.trim()),
        ...(values.days === undefined ? {} : { expiresInDays: optionalInt(values.days) })
      })
      return yield* stdout(yield* withKeys((keys) => keys.create(request, ACTOR)))
    }
    case "list":
      return yield* stdout(yield* withKeys((keys) => keys.list))
    case "status":
      return yield* stdout(yield* withKeys((keys) => keys.status))
    case "revoke": {
      const keyId = yield* decode(KeyId, argument, "keyId")
      return yield* stdout(yield* withKeys((keys) => keys.revoke(keyId, ACTOR)))
    }
    case "rotate": {
      const keyId = yield* decode(KeyId, argument, "keyId")
      const overlapSeconds = values["overlap-seconds"] === undefined ? undefined : yield* decode(OverlapSeconds, optionalInt(values["overlap-seconds"]), "--overlap-seconds")
      return yield* stdout(yield* withKeys((keys) => keys.rotate({ keyId, ...(overlapSeconds === undefined ? {} : { overlapSeconds }) }, ACTOR)))
    }
    case "token": {
      const userId = yield* decode(UserId, argument, "userId")
      const secret = yield* Option.match(settings.auth.jwtSecret, {
        onNone: () => Effect.fail(new Refused({ message: "JWT_SECRET is not set: user tokens cannot be signed" })),
        onSome: Effect.succeed
      })
      const ttlSeconds = yield* decode(Schema.Int.pipe(Schema.between(60, 30 * 86400)), optionalInt(values["ttl-seconds"]) ?? 3600, "--ttl-seconds")
      const nowMs = yield* Clock.currentTimeMillis
      const token = yield* Effect.promise(() =>
        signUserToken({ secret, issuer: settings.auth.jwtIssuer, audience: settings.auth.jwtAudience }, userId, { nowMs, ttlSeconds })
      )
      return yield* stdout(token)
    }
    default:
      return yield* new UsageError({ message: command === undefined ? "no command given" : `unknown command ${command}` })
  }
})

const program = run.pipe(
  Effect.as(OK),
  Effect.catchTags({
    UsageError: (error) => Effect.as(Effect.zipRight(stderr(error.message), stderr(USAGE_TEXT)), USAGE),
    Refused: (error) => Effect.as(stderr(error.message), USAGE),
    KeyNotFound: (error) => Effect.as(stderr(error.message), FAILED),
    KeyNotRotatable: (error) => Effect.as(stderr(error.message), FAILED),
    ServiceUnavailable: (error) => Effect.as(stderr(error.message), FAILED)
  }),
  Effect.catchAll((error) => Effect.as(stderr(`could not open the ${settings.mode} database: ${innermostMessage(error)}`), FAILED)),
  Effect.catchAllDefect((defect) => Effect.as(stderr(`failed: ${innermostMessage(defect)}`), FAILED)),
  // stdout carries only the result; logs go to stderr.
  Effect.provide(loggerLayer({ ...settings.log, sink: (line) => process.stderr.write(line + "\n") }))
)

NodeRuntime.runMain(program, {
  disablePrettyLogger: true,
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) onExit(typeof exit.value === "number" ? exit.value : FAILED)
    else onExit(Cause.isInterruptedOnly(exit.cause) ? 130 : FAILED)
  }
})
