// Reading numeric benchmark knobs from the environment.
import { randomBytes } from "node:crypto";

/** A positive number from `process.env[name]`, or `fallback` when unset/empty. Throws on garbage. */
export const positiveNumberFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number of seconds, got ${JSON.stringify(raw)}`);
  }
  return value;
};

/** True when `process.env[name]` is set to 1/true/yes. */
export const flagFromEnv = (name: string): boolean => {
  const raw = process.env[name]?.trim().toLowerCase();
  return raw === "1" || raw === "true" || raw === "yes";
};

/**
 * Rate limiting on, so a bench pays what every request pays, with allowances a bench's load from
 * one address never spends (each bench otherwise measures 429s after a few hundred requests).
 */
const UNREACHED = { limit: 100_000_000 };
export const UNREACHED_LIMITS_ENV: Readonly<Record<string, string>> = {
  RATE_LIMIT_SCOPES: JSON.stringify({ GLOBAL_DDOS: UNREACHED, API_GENERAL: UNREACHED, API_CV_GENERATION: UNREACHED, AUTH_LOGIN: UNREACHED }),
};

/**
 * The secrets production mode (DATABASE_URL set) requires but a bench never reads back: a user-token
 * secret and the GDPR salt and master key, drawn once per run, so every Hub a bench starts shares
 * them (instances with different master keys could not open each other's data keys). The bootstrap
 * admin key is each bench's own.
 */
const RUN_SECRETS: Readonly<Record<string, string>> = {
  JWT_SECRET: `bench-only-${randomBytes(24).toString("hex")}`,
  GDPR_ANONYMIZATION_SALT: randomBytes(24).toString("hex"),
  GDPR_MASTER_KEY: randomBytes(32).toString("hex"),
};
export const throwawaySecretsEnv = (): Readonly<Record<string, string>> => RUN_SECRETS;

/** A bench Hub's log level: warnings and errors only, so no access logs are written during a load. */
export const BENCH_HUB_LOG_LEVEL = "warn";

/**
 * The environment of a Hub process in production mode on `databaseUrl`: its bootstrap admin key,
 * throwaway secrets, one cluster runner on `runnerPort` (loopback), warnings only, limits the load
 * never reaches. Benches add what is theirs (Redis, a key prefix).
 */
export const productionHubEnv = (databaseUrl: string, adminKey: string, runnerPort: number): Readonly<Record<string, string>> => ({
  DATABASE_URL: databaseUrl,
  HUB_BOOTSTRAP_ADMIN_KEY: adminKey,
  ...throwawaySecretsEnv(),
  CLUSTER_RUNNER_HOST: "127.0.0.1",
  CLUSTER_RUNNER_PORT: String(runnerPort),
  LOG_LEVEL: BENCH_HUB_LOG_LEVEL,
  ...UNREACHED_LIMITS_ENV,
});
