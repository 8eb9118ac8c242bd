import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, LogLevel, Option, Redacted } from "effect"
import { describeConfigError, loadSettings } from "../src/config.js"
import { TEST_ADMIN_KEY, TEST_AUTH_ENV } from "./support/auth.js"

const load = (env: Record<string, string>) => Effect.either(loadSettings(env))

const errorLine = (env: Record<string, string>) =>
  Effect.map(load(env), (result) => {
    if (Either.isRight(result)) throw new Error("expected a configuration error")
    return describeConfigError(result.left)
  })

describe("config", () => {
  it.effect("defaults follow the seed, in embedded mode", () =>
    Effect.gen(function* () {
      const s = yield* loadSettings({})
      expect(s.mode).toBe("embedded")
      expect(s.database).toMatchObject({ poolSize: 10, connectTimeoutMs: 30_000, retryAttempts: 3, dataDir: "./data" })
      expect(Option.isNone(s.database.url)).toBe(true)
      expect(s.redis).toMatchObject({ db: 0, poolSize: 10, timeoutMs: 5_000, retryAttempts: 3 })
      expect(s.cache).toEqual({
        ttlUserEnergySeconds: 300,
        ttlTransactionsSeconds: 600,
        ttlUserStatsSeconds: 900,
        ttlLeaderboardSeconds: 1800,
        ttlNarrativeSeconds: 86400,
        l1MaxEntries: 10_000,
        l1MaxBytes: 64 * 1024 * 1024,
        l1TtlSeconds: 5,
        graceSeconds: 300,
        l2TimeoutMs: 100
      })
      expect(s.rateLimit).toMatchObject({ enabled: true, failOpen: true })
      expect(s.gdpr).toMatchObject({ enabled: true, retentionDays: 365 })
      expect(s.server).toMatchObject({ port: 8000, maxBodyBytes: 1024 * 1024, corsOrigins: [] })
      expect(s.log).toEqual({ level: LogLevel.Info, format: "json" })
    }))

  it.effect("DATABASE_URL switches to production mode; URLs and secrets are Redacted", () =>
    Effect.gen(function* () {
      const s = yield* loadSettings({
        DATABASE_URL: "postgres://hub:pw@db:5432/luna",
        REDIS_URL: "redis://:pw@cache:6379",
        REDIS_PASSWORD: "pw",
        JWT_SECRET: "x".repeat(32),
        HUB_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY,
        GDPR_ANONYMIZATION_SALT: "s".repeat(16),
        GDPR_MASTER_KEY: Buffer.alloc(32, 7).toString("base64"),
        REDIS_TIMEOUT: "2.5",
        LOG_LEVEL: "debug",
        LOG_FORMAT: "pretty",
        CORS_ORIGINS: "https://cv.phoenix.example, http://localhost:5173",
        TRUSTED_PROXIES: "10.0.0.0/8, 127.0.0.1,fd00::/8"
      })
      expect(s.mode).toBe("production")
      expect(Redacted.isRedacted(Option.getOrThrow(s.database.url))).toBe(true)
      expect(String(Option.getOrThrow(s.database.url))).not.toContain("pw")
      expect(Redacted.value(Option.getOrThrow(s.redis.url))).toBe("redis://:pw@cache:6379")
      expect(Redacted.isRedacted(Option.getOrThrow(s.redis.password))).toBe(true)
      expect(Redacted.isRedacted(Option.getOrThrow(s.gdpr.masterKey))).toBe(true)
      expect(s.redis.timeoutMs).toBe(2500)
      expect(s.log).toEqual({ level: LogLevel.Debug, format: "pretty" })
      expect(s.server.corsOrigins).toEqual(["https://cv.phoenix.example", "http://localhost:5173"])
      expect(s.rateLimit.trustedProxies).toEqual(["10.0.0.0/8", "127.0.0.1", "fd00::/8"])
    }))

  it.effect.each([
    [{ SUPABASE_POOL_SIZE: "abc" }, 'SUPABASE_POOL_SIZE="abc": not a whole number; expected a whole number from 1 to 1000'],
    [{ SUPABASE_POOL_SIZE: "0" }, 'SUPABASE_POOL_SIZE="0": out of range'],
    [{ SUPABASE_TIMEOUT: "soon" }, 'SUPABASE_TIMEOUT="soon": not a number of seconds'],
    [{ REDIS_DB: "16" }, 'REDIS_DB="16": out of range; expected a whole number from 0 to 15'],
    [{ RATE_LIMIT_ENABLED: "maybe" }, 'RATE_LIMIT_ENABLED="maybe": not a boolean; expected true or false'],
    [{ LOG_FORMAT: "xml" }, 'LOG_FORMAT="xml": not an accepted value; expected one of json, pretty'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL="loud": not a log level'],
    [{ PORT: "70000" }, 'PORT="70000": out of range'],
    [{ CORS_ORIGINS: "cv.phoenix.example" }, 'CORS_ORIGINS="cv.phoenix.example": "cv.phoenix.example" is not an origin'],
    [{ TRUSTED_PROXIES: "10.0.0.0/33" }, 'TRUSTED_PROXIES="10.0.0.0/33": "10.0.0.0/33" is not an IP address or CIDR range'],
    [{ TRUSTED_PROXIES: "proxy.internal" }, '"proxy.internal" is not an IP address or CIDR range; expected a comma-separated list of IP addresses or CIDR ranges'],
    [{ REDIS_URL: "http://cache:6379" }, "REDIS_URL=<redacted>: unsupported scheme http:; expected a URL starting with redis:// or rediss://"],
    [{ JWT_SECRET: "short" }, "JWT_SECRET=<redacted>: too short; expected a secret of at least 32 characters"],
    [{ HUB_BOOTSTRAP_ADMIN_KEY: "luna_dev_nope" }, "HUB_BOOTSTRAP_ADMIN_KEY=<redacted>: malformed; expected an API key"],
    [{ HUB_BOOTSTRAP_ADMIN_KEY: `${TEST_ADMIN_KEY.slice(0, -1)}${TEST_ADMIN_KEY.endsWith("A") ? "B" : "A"}` }, "HUB_BOOTSTRAP_ADMIN_KEY=<redacted>: wrong checksum"],
    [{ API_KEY_CACHE_SECONDS: "301" }, 'API_KEY_CACHE_SECONDS="301": out of range'],
    [{ DATABASE_URL: "postgres://db/luna" }, "JWT_SECRET, HUB_BOOTSTRAP_ADMIN_KEY, GDPR_ANONYMIZATION_SALT and GDPR_MASTER_KEY must be set in production"],
    [{ DATABASE_URL: "postgres://db/luna", ...TEST_AUTH_ENV, JWT_SECRET: "" }, "JWT_SECRET must be set in production"],
    [{ DATABASE_URL: "postgres://db/luna", ...TEST_AUTH_ENV, GDPR_MASTER_KEY: "" }, "GDPR_MASTER_KEY must be set in production"],
    [{ GDPR_MASTER_KEY: "00ff" }, "GDPR_MASTER_KEY=<redacted>: not 32 bytes of hex or base64"]
  ] as const)("a bad value names the variable, the problem and the expected form: %o", ([env, expected]) =>
    Effect.gen(function* () {
      const line = yield* errorLine(env)
      expect(line).toContain(expected)
      expect(line.split("\n")).toHaveLength(1)
    }))

  it.effect("every bad setting is reported on the one line, secrets never echoed", () =>
    Effect.gen(function* () {
      const line = yield* errorLine({ SUPABASE_POOL_SIZE: "abc", DATABASE_URL: "mysql://u:topsecret@h/db", REDIS_DB: "x" })
      expect(line).toMatch(/^Invalid configuration: /)
      expect(line).toContain("SUPABASE_POOL_SIZE")
      expect(line).toContain("DATABASE_URL=<redacted>")
      expect(line).toContain("REDIS_DB")
      expect(line).not.toContain("topsecret")
      expect(line.split("\n")).toHaveLength(1)
    }))

  it.effect("empty values count as unset", () =>
    Effect.gen(function* () {
      const s = yield* loadSettings({ DATABASE_URL: "", SUPABASE_POOL_SIZE: "  " })
      expect(s.mode).toBe("embedded")
      expect(s.database.poolSize).toBe(10)
    }))
})
