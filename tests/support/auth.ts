/**
 * Credentials for door tests: every test Hub installs TEST_ADMIN_KEY as its bootstrap admin key and
 * signs user tokens with TEST_JWT_SECRET; TEST_AUTH_ENV also holds the other secrets production mode requires.
 */
import { Redacted } from "effect"
import { signUserToken } from "../../src/services/auth/tokens.js"
import { generateApiKey } from "../../src/services/keys/format.js"

export const TEST_ADMIN_KEY = generateApiKey("dev")
export const TEST_JWT_SECRET = "test-only-jwt-secret-0123456789abcdef"
export const TEST_JWT = { issuer: "phoenix", audience: "luna-hub" } as const

/** GDPR secrets production mode requires: the salt of keyed hashes and the key wrapping data keys. */
export const TEST_GDPR_SALT = "test-only-gdpr-salt-0123456789"
export const TEST_GDPR_MASTER_KEY = "0123456789abcdef".repeat(4)

export const TEST_AUTH_ENV: Readonly<Record<string, string>> = {
  HUB_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY,
  JWT_SECRET: TEST_JWT_SECRET,
  GDPR_ANONYMIZATION_SALT: TEST_GDPR_SALT,
  GDPR_MASTER_KEY: TEST_GDPR_MASTER_KEY
}

/** A user token for `userId`, valid for `ttlSeconds` from `nowMs` (default: now, one hour). */
export const userToken = (userId: string, options: { readonly nowMs?: number; readonly ttlSeconds?: number } = {}) =>
  signUserToken({ secret: Redacted.make(TEST_JWT_SECRET), ...TEST_JWT }, userId, {
    nowMs: options.nowMs ?? Date.now(),
    ttlSeconds: options.ttlSeconds ?? 3600
  })
