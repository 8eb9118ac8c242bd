/**
 * Every setting of the Hub, read once through Effect `Config` and validated at start.
 * Names follow the seed so existing deployments keep working; a bad value stops the start
 * with one line naming the variable, the problem and the expected form.
 */
import { availableParallelism } from "node:os"
import { Config, ConfigError, ConfigProvider, Context, Effect, Either, Layer, LogLevel, Option, Redacted } from "effect"
import { parseProxyEntry } from "./http/client-ip.js"
import { parseApiKey } from "./services/keys/format.js"
import { DEFAULT_SCOPES, parseScopes, type Scopes } from "./services/rate-limit/scopes.js"

export type Mode = "embedded" | "production"
export type LogFormat = "json" | "pretty"

export interface HubSettings {
  readonly mode: Mode
  readonly server: {
    readonly host: string
    readonly port: number
    readonly maxBodyBytes: number
    readonly corsOrigins: ReadonlyArray<string>
    readonly shutdownDrainMs: number
  }
  readonly log: { readonly level: LogLevel.LogLevel; readonly format: LogFormat }
  readonly database: {
    /** None → embedded PGlite under `dataDir`. */
    readonly url: Option.Option<Redacted.Redacted>
    readonly poolSize: number
    readonly connectTimeoutMs: number
    readonly statementTimeoutMs: number
    readonly retryAttempts: number
    readonly dataDir: string
  }
  readonly redis: {
    /** None → in-memory stores behind the same tags. */
    readonly url: Option.Option<Redacted.Redacted>
    readonly db: number
    readonly password: Option.Option<Redacted.Redacted>
    /** Accepted for seed compatibility: ioredis multiplexes one connection, so no pool is built. */
    readonly poolSize: number
    readonly timeoutMs: number
    readonly retryAttempts: number
    readonly keyPrefix: string
  }
  readonly cache: {
    readonly ttlUserEnergySeconds: number
    readonly ttlTransactionsSeconds: number
    readonly ttlUserStatsSeconds: number
    readonly ttlLeaderboardSeconds: number
    /** Narrative analyses, by content: deterministic per analyzer version, so they may live long. */
    readonly ttlNarrativeSeconds: number
    readonly l1MaxEntries: number
    readonly l1MaxBytes: number
    /** With Redis: the longest memory trusts an entry without asking Redis (the bound on a lost invalidation message). */
    readonly l1TtlSeconds: number
    /** How long past its TTL an entry may still answer when loading a fresh value fails. */
    readonly graceSeconds: number
    readonly l2TimeoutMs: number
  }
  readonly rateLimit: {
    readonly enabled: boolean
    readonly redisUrl: Option.Option<Redacted.Redacted>
    readonly failOpen: boolean
    /** Proxies whose `X-Forwarded-For` names the client (IP addresses or CIDR ranges); none by default. */
    readonly trustedProxies: ReadonlyArray<string>
    /** Every scope's rule: the defaults with `RATE_LIMIT_SCOPES` applied. */
    readonly scopes: Scopes
  }
  readonly gdpr: {
    readonly enabled: boolean
    readonly anonymizationSalt: Option.Option<Redacted.Redacted>
    /** Wraps the per-user data keys (32 bytes, hex or base64); required in production. */
    readonly masterKey: Option.Option<Redacted.Redacted>
    readonly retentionDays: number
  }
  readonly auth: {
    /** HS256 secret of end-user tokens; without it (embedded only) user tokens are refused. */
    readonly jwtSecret: Option.Option<Redacted.Redacted>
    readonly jwtIssuer: string
    readonly jwtAudience: string
    /** The admin key created on first start when no key exists (required in production). */
    readonly bootstrapAdminKey: Option.Option<Redacted.Redacted>
    readonly keyTtlDays: number
    readonly keyExpiryWarningDays: number
    /** How long a verified key is trusted from memory: the bound on revocation reaching other instances. */
    readonly keyCacheSeconds: number
    readonly keyRotationCheckSeconds: number
  }
  readonly narrative: {
    /** Worker threads of the narrative pool; 0 runs every analysis on the main thread. */
    readonly workers: number
  }
  /** Production: this process's address as an @effect/cluster runner (other runners connect to it). */
  readonly cluster: {
    readonly runnerHost: string
    readonly runnerPort: number
  }
  readonly alerts: {
    readonly evaluationIntervalSeconds: number
    /** A JSON file overriding the built-in rules by name (thresholds, `for`, enabled). */
    readonly rulesFile: Option.Option<string>
    /** Alertmanager-compatible webhook receivers; none: alerts go to the log only. */
    readonly webhookUrls: ReadonlyArray<string>
    readonly webhookTimeoutMs: number
    readonly webhookRetries: number
  }
  readonly telemetry: {
    readonly serviceName: string
    readonly otlpEndpoint: Option.Option<string>
  }
  /** Stamped by the build (CI, Dockerfile); the version endpoint falls back to the checkout. */
  readonly build: {
    readonly commit: Option.Option<string>
    readonly time: Option.Option<string>
  }
}

// ---------------------------------------------------------------------------------------------
// One setting = a name, a parser and the expected form (used in the error line).

interface Parsed<A> {
  readonly value: Option.Option<A>
  readonly problem?: string
}

const setting = <A>(
  name: string,
  expected: string,
  parse: (raw: string) => Parsed<A>,
  options: { readonly secret?: boolean } = {}
): Config.Config<Option.Option<A>> =>
  Config.option(Config.string(name)).pipe(
    Config.mapOrFail((raw) => {
      if (Option.isNone(raw) || raw.value.trim() === "") return Either.right(Option.none())
      const parsed = parse(raw.value.trim())
      if (Option.isSome(parsed.value)) return Either.right(parsed.value)
      const shown = options.secret ? "<redacted>" : JSON.stringify(raw.value)
      return Either.left(
        ConfigError.InvalidData([], `${name}=${shown}: ${parsed.problem ?? "invalid value"}; expected ${expected}`)
      )
    })
  )

const ok = <A>(value: A): Parsed<A> => ({ value: Option.some(value) })
const orDefault = <A>(config: Config.Config<Option.Option<A>>, fallback: A): Config.Config<A> =>
  Config.map(config, (value) => Option.getOrElse(value, () => fallback))
const bad = <A>(problem: string): Parsed<A> => ({ value: Option.none(), problem })

const integer = (name: string, fallback: number, min: number, max: number): Config.Config<number> =>
  orDefault(setting<number>(name, `a whole number from ${min} to ${max} (default ${fallback})`, (raw) => {
    if (!/^-?\d+$/.test(raw)) return bad("not a whole number")
    const n = Number(raw)
    return n < min || n > max ? bad("out of range") : ok(n)
  }), fallback)

/** Seconds as in the seed (`REDIS_TIMEOUT=5.0`), held as milliseconds. */
const secondsAsMs = (name: string, fallbackSeconds: number, maxSeconds: number): Config.Config<number> =>
  orDefault(setting<number>(name, `a number of seconds greater than 0 and at most ${maxSeconds} (default ${fallbackSeconds})`, (raw) => {
    if (!/^\d+(\.\d+)?$/.test(raw)) return bad("not a number of seconds")
    const s = Number(raw)
    return s <= 0 || s > maxSeconds ? bad("out of range") : ok(Math.round(s * 1000))
  }), Math.round(fallbackSeconds * 1000))

const TRUE = new Set(["true", "1", "yes", "on"])
const FALSE = new Set(["false", "0", "no", "off"])
const boolean = (name: string, fallback: boolean): Config.Config<boolean> =>
  orDefault(setting<boolean>(name, `true or false (default ${fallback})`, (raw) => {
    const v = raw.toLowerCase()
    return TRUE.has(v) ? ok(true) : FALSE.has(v) ? ok(false) : bad("not a boolean")
  }), fallback)

const url = (name: string, protocols: ReadonlyArray<string>): Config.Config<Option.Option<Redacted.Redacted>> =>
  setting(
    name,
    `a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    (raw) => {
      try {
        const parsed = new URL(raw)
        return protocols.includes(parsed.protocol) ? ok(Redacted.make(raw)) : bad(`unsupported scheme ${parsed.protocol}`)
      } catch {
        return bad("not a URL")
      }
    },
    { secret: true }
  )

const secret = (name: string, minLength: number): Config.Config<Option.Option<Redacted.Redacted>> =>
  setting(
    name,
    `a secret of at least ${minLength} characters`,
    (raw) => (raw.length >= minLength ? ok(Redacted.make(raw)) : bad("too short")),
    { secret: true }
  )

/** `a`, `a and b`, `a, b and c`. */
const listed = (names: ReadonlyArray<string>): string =>
  names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`

/** GDPR_MASTER_KEY's 32 bytes, from 64 hex digits or base64; undefined when it is neither. */
export const masterKeyBytes = (raw: string): Buffer | undefined => {
  const trimmed = raw.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex")
  if (!/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(trimmed)) return undefined
  const bytes = Buffer.from(trimmed, "base64")
  return bytes.length === 32 ? bytes : undefined
}

const text = (name: string, fallback: string): Config.Config<string> =>
  orDefault(setting<string>(name, "a non-empty string", (raw) => ok(raw)), fallback)

const oneOf = <L extends string>(name: string, values: ReadonlyArray<L>, fallback: L): Config.Config<L> =>
  orDefault(setting<L>(name, `one of ${values.join(", ")} (default ${fallback})`, (raw) => {
    const v = raw.toLowerCase()
    return (values as ReadonlyArray<string>).includes(v) ? ok(v as L) : bad("not an accepted value")
  }), fallback)

const LOG_LEVELS: Record<string, LogLevel.LogLevel> = {
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  warn: LogLevel.Warning,
  error: LogLevel.Error,
  fatal: LogLevel.Fatal,
  none: LogLevel.None
}
const logLevel = orDefault(setting<LogLevel.LogLevel>("LOG_LEVEL", "one of trace, debug, info, warning, error, fatal, none (default info)", (raw) => {
  const level = LOG_LEVELS[raw.toLowerCase()]
  return level ? ok(level) : bad("not a log level")
}), LogLevel.Info)

const origins = orDefault(setting<ReadonlyArray<string>>("CORS_ORIGINS", "a comma-separated list of origins (http(s)://host[:port]) or *", (raw) => {
  const list = raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0)
  const invalid = list.find((o) => o !== "*" && !/^https?:\/\/[^/\s]+$/.test(o))
  return invalid === undefined ? ok(list as ReadonlyArray<string>) : bad(`${JSON.stringify(invalid)} is not an origin`)
}), [])

const MiB = 1024 * 1024

export const settingsConfig: Config.Config<HubSettings> = Config.all({
  host: text("HOST", "127.0.0.1"),
  port: integer("PORT", 8000, 0, 65535),
  maxBodyBytes: integer("HTTP_MAX_BODY_BYTES", MiB, 1024, 64 * MiB),
  corsOrigins: origins,
  shutdownDrainMs: secondsAsMs("SHUTDOWN_DRAIN_SECONDS", 10, 300),
  logLevel,
  logFormat: oneOf("LOG_FORMAT", ["json", "pretty"] as const, "json"),
  databaseUrl: url("DATABASE_URL", ["postgres:", "postgresql:"]),
  poolSize: integer("SUPABASE_POOL_SIZE", 10, 1, 1000),
  dbTimeoutMs: secondsAsMs("SUPABASE_TIMEOUT", 30, 3600),
  statementTimeoutMs: secondsAsMs("SUPABASE_STATEMENT_TIMEOUT", 30, 3600),
  dbRetryAttempts: integer("SUPABASE_RETRY_ATTEMPTS", 3, 0, 20),
  dataDir: text("DATA_DIR", "./data"),
  redisUrl: url("REDIS_URL", ["redis:", "rediss:"]),
  redisDb: integer("REDIS_DB", 0, 0, 15),
  redisPassword: secret("REDIS_PASSWORD", 1),
  redisPoolSize: integer("REDIS_POOL_SIZE", 10, 1, 1000),
  redisTimeoutMs: secondsAsMs("REDIS_TIMEOUT", 5, 600),
  redisRetryAttempts: integer("REDIS_RETRY_ATTEMPTS", 3, 0, 20),
  redisKeyPrefix: text("REDIS_KEY_PREFIX", "luna:"),
  ttlUserEnergy: integer("CACHE_TTL_USER_ENERGY", 300, 1, 604800),
  ttlTransactions: integer("CACHE_TTL_TRANSACTIONS", 600, 1, 604800),
  ttlUserStats: integer("CACHE_TTL_USER_STATS", 900, 1, 604800),
  ttlLeaderboard: integer("CACHE_TTL_LEADERBOARD", 1800, 1, 604800),
  ttlNarrative: integer("CACHE_TTL_NARRATIVE", 86400, 1, 2592000),
  narrativeWorkers: integer("NARRATIVE_WORKERS", availableParallelism(), 0, 64),
  cacheMaxEntries: integer("CACHE_L1_MAX_ENTRIES", 10_000, 1, 10_000_000),
  cacheMaxMb: integer("CACHE_L1_MAX_MB", 64, 1, 65_536),
  cacheL1Ttl: integer("CACHE_L1_TTL_SECONDS", 5, 1, 3600),
  cacheGrace: integer("CACHE_GRACE_SECONDS", 300, 0, 604800),
  cacheL2TimeoutMs: integer("CACHE_REDIS_TIMEOUT_MS", 100, 1, 60_000),
  rateLimitEnabled: boolean("RATE_LIMIT_ENABLED", true),
  rateLimitRedisUrl: url("RATE_LIMIT_REDIS_URL", ["redis:", "rediss:"]),
  rateLimitFailOpen: boolean("RATE_LIMIT_FAIL_OPEN", true),
  rateLimitScopes: orDefault(setting<Scopes>(
    "RATE_LIMIT_SCOPES",
    'a JSON object of scope overrides, e.g. {"API_GENERAL":{"algorithm":"token_bucket","limit":200,"windowSeconds":60}}',
    (raw) => {
      const scopes = parseScopes(raw)
      return typeof scopes === "string" ? bad(scopes) : ok(scopes)
    }
  ), DEFAULT_SCOPES),
  trustedProxies: orDefault(setting<ReadonlyArray<string>>(
    "TRUSTED_PROXIES",
    "a comma-separated list of IP addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1)",
    (raw) => {
      const list = raw.split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0)
      const invalid = list.find((entry) => parseProxyEntry(entry) === undefined)
      return invalid === undefined ? ok(list as ReadonlyArray<string>) : bad(`${JSON.stringify(invalid)} is not an IP address or CIDR range`)
    }
  ), []),
  gdprEnabled: boolean("GDPR_ENABLED", true),
  gdprSalt: secret("GDPR_ANONYMIZATION_SALT", 16),
  gdprMasterKey: setting<Redacted.Redacted>(
    "GDPR_MASTER_KEY",
    "32 bytes as 64 hex digits or base64",
    (raw) => (masterKeyBytes(raw) === undefined ? bad("not 32 bytes of hex or base64") : ok(Redacted.make(raw))),
    { secret: true }
  ),
  gdprRetentionDays: integer("GDPR_RETENTION_DAYS", 365, 1, 36500),
  jwtSecret: secret("JWT_SECRET", 32),
  jwtIssuer: text("JWT_ISSUER", "phoenix"),
  jwtAudience: text("JWT_AUDIENCE", "luna-hub"),
  bootstrapAdminKey: setting<Redacted.Redacted>(
    "HUB_BOOTSTRAP_ADMIN_KEY",
    "an API key of the form luna_<dev|staging|prod>_<38 base62 characters> with a valid checksum (npm run keys -- generate)",
    (raw) => {
      const parsed = parseApiKey(raw)
      return typeof parsed === "string" ? bad(parsed === "checksum" ? "wrong checksum" : "malformed") : ok(Redacted.make(raw))
    },
    { secret: true }
  ),
  keyTtlDays: integer("API_KEY_TTL_DAYS", 90, 1, 3650),
  keyExpiryWarningDays: integer("API_KEY_EXPIRY_WARNING_DAYS", 14, 0, 3650),
  keyCacheSeconds: integer("API_KEY_CACHE_SECONDS", 5, 0, 300),
  keyRotationCheckSeconds: integer("API_KEY_ROTATION_CHECK_SECONDS", 30, 1, 3600),
  runnerHost: text("CLUSTER_RUNNER_HOST", "127.0.0.1"),
  runnerPort: integer("CLUSTER_RUNNER_PORT", 34431, 1, 65535),
  alertEvaluationInterval: integer("ALERT_EVALUATION_INTERVAL", 15, 1, 3600),
  alertRulesFile: setting<string>("ALERT_RULES_FILE", "the path of a JSON file of rule overrides", (raw) => ok(raw)),
  alertWebhookUrls: orDefault(setting<ReadonlyArray<string>>(
    "ALERT_WEBHOOK_URLS",
    "comma-separated http(s) URLs of Alertmanager-compatible webhook receivers",
    (raw) => {
      const list = raw.split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0)
      const wrong = list.find((url) => !/^https?:\/\/\S+$/.test(url))
      return wrong === undefined ? ok(list) : bad(`${JSON.stringify(wrong)} is not an http(s) URL`)
    }
  ), []),
  alertWebhookTimeoutMs: secondsAsMs("ALERT_WEBHOOK_TIMEOUT", 5, 60),
  alertWebhookRetries: integer("ALERT_WEBHOOK_RETRIES", 4, 0, 10),
  serviceName: text("OTEL_SERVICE_NAME", "luna-hub"),
  otlpEndpoint: setting<string>("OTEL_EXPORTER_OTLP_ENDPOINT", "an http(s) URL", (raw) =>
    /^https?:\/\/\S+$/.test(raw) ? ok(raw) : bad("not an http(s) URL")),
  gitCommit: setting<string>("GIT_COMMIT", "a git commit hash (7 to 40 hex characters)", (raw) =>
    /^[0-9a-f]{7,40}$/i.test(raw) ? ok(raw.toLowerCase()) : bad("not a commit hash")),
  buildTime: setting<string>("BUILD_TIME", "an ISO 8601 timestamp", (raw) =>
    Number.isNaN(Date.parse(raw)) ? bad("not a timestamp") : ok(new Date(raw).toISOString()))
}).pipe(
  Config.map((s): HubSettings => ({
    mode: Option.isSome(s.databaseUrl) ? "production" : "embedded",
    server: {
      host: s.host,
      port: s.port,
      maxBodyBytes: s.maxBodyBytes,
      corsOrigins: s.corsOrigins,
      shutdownDrainMs: s.shutdownDrainMs
    },
    log: { level: s.logLevel, format: s.logFormat },
    database: {
      url: s.databaseUrl,
      poolSize: s.poolSize,
      connectTimeoutMs: s.dbTimeoutMs,
      statementTimeoutMs: s.statementTimeoutMs,
      retryAttempts: s.dbRetryAttempts,
      dataDir: s.dataDir
    },
    redis: {
      url: s.redisUrl,
      db: s.redisDb,
      password: s.redisPassword,
      poolSize: s.redisPoolSize,
      timeoutMs: s.redisTimeoutMs,
      retryAttempts: s.redisRetryAttempts,
      keyPrefix: s.redisKeyPrefix
    },
    cache: {
      ttlUserEnergySeconds: s.ttlUserEnergy,
      ttlTransactionsSeconds: s.ttlTransactions,
      ttlUserStatsSeconds: s.ttlUserStats,
      ttlLeaderboardSeconds: s.ttlLeaderboard,
      ttlNarrativeSeconds: s.ttlNarrative,
      l1MaxEntries: s.cacheMaxEntries,
      l1MaxBytes: s.cacheMaxMb * MiB,
      l1TtlSeconds: s.cacheL1Ttl,
      graceSeconds: s.cacheGrace,
      l2TimeoutMs: s.cacheL2TimeoutMs
    },
    rateLimit: { enabled: s.rateLimitEnabled, redisUrl: s.rateLimitRedisUrl, failOpen: s.rateLimitFailOpen, trustedProxies: s.trustedProxies, scopes: s.rateLimitScopes },
    gdpr: { enabled: s.gdprEnabled, anonymizationSalt: s.gdprSalt, masterKey: s.gdprMasterKey, retentionDays: s.gdprRetentionDays },
    auth: {
      jwtSecret: s.jwtSecret,
      jwtIssuer: s.jwtIssuer,
      jwtAudience: s.jwtAudience,
      bootstrapAdminKey: s.bootstrapAdminKey,
      keyTtlDays: s.keyTtlDays,
      keyExpiryWarningDays: s.keyExpiryWarningDays,
      keyCacheSeconds: s.keyCacheSeconds,
      keyRotationCheckSeconds: s.keyRotationCheckSeconds
    },
    narrative: { workers: s.narrativeWorkers },
    cluster: { runnerHost: s.runnerHost, runnerPort: s.runnerPort },
    alerts: {
      evaluationIntervalSeconds: s.alertEvaluationInterval,
      rulesFile: s.alertRulesFile,
      webhookUrls: s.alertWebhookUrls,
      webhookTimeoutMs: s.alertWebhookTimeoutMs,
      webhookRetries: s.alertWebhookRetries
    },
    telemetry: { serviceName: s.serviceName, otlpEndpoint: s.otlpEndpoint },
    build: { commit: s.gitCommit, time: s.buildTime }
  })),
  Config.mapOrFail((settings) => {
    if (settings.mode !== "production") return Either.right(settings)
    // Secrets never have a default in production (DATABASE_URL set).
    const missing = [
      Option.isNone(settings.auth.jwtSecret) ? "JWT_SECRET" : undefined,
      Option.isNone(settings.auth.bootstrapAdminKey) ? "HUB_BOOTSTRAP_ADMIN_KEY" : undefined,
      // Erasure certificates and personal event fields must read the same on every instance and restart.
      Option.isNone(settings.gdpr.anonymizationSalt) ? "GDPR_ANONYMIZATION_SALT" : undefined,
      Option.isNone(settings.gdpr.masterKey) ? "GDPR_MASTER_KEY" : undefined
    ].filter((name): name is string => name !== undefined)
    return missing.length === 0
      ? Either.right(settings)
      : Either.left(ConfigError.InvalidData([], `${listed(missing)} must be set in production (DATABASE_URL is set)`))
  })
)

/** The settings, read once; every service reads them through this tag. */
export class HubConfig extends Context.Tag("luna/HubConfig")<HubConfig, HubSettings>() {
  /** From the environment (the default `ConfigProvider`). */
  static readonly layer: Layer.Layer<HubConfig, ConfigError.ConfigError> = Layer.effect(HubConfig, settingsConfig)
  /** Settings built from a plain map, as the environment would give them (tests, benches). */
  static readonly fromRecord = (env: Readonly<Record<string, string>>): Layer.Layer<HubConfig, ConfigError.ConfigError> =>
    Layer.effect(HubConfig, loadSettings(env))
}

export const loadSettings = (env: Readonly<Record<string, string>>): Effect.Effect<HubSettings, ConfigError.ConfigError> =>
  Effect.withConfigProvider(settingsConfig, configProviderFromRecord(env))

const configProviderFromRecord = (env: Readonly<Record<string, string>>) =>
  ConfigProvider.fromMap(new Map(Object.entries(env)))

/** One line per bad setting, joined: what the operator reads before the process exits 1. */
export const describeConfigError = (error: ConfigError.ConfigError): string => {
  const lines = new Set<string>()
  const walk = (e: ConfigError.ConfigError): void => {
    switch (e._op) {
      case "And":
      case "Or":
        walk(e.left)
        walk(e.right)
        return
      case "InvalidData":
      case "MissingData":
      case "SourceUnavailable":
      case "Unsupported":
        lines.add(e.message.includes("=") || e.path.length === 0 ? e.message : `${e.path.join(".")}: ${e.message}`)
    }
  }
  walk(error)
  return `Invalid configuration: ${[...lines].join(" | ")}`
}
