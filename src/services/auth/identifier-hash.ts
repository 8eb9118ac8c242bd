/**
 * Security log lines name keys and users by a keyed hash (HMAC-SHA256), never in clear: lines can
 * still be correlated with each other, and with a known id by whoever holds the key, but a leaked
 * log does not list who called. The key is GDPR_ANONYMIZATION_SALT when set (stable across
 * restarts and instances), else a random key for this process.
 */
import { Option, Redacted } from "effect"
import { createHmac, randomBytes } from "node:crypto"

const PROCESS_KEY = randomBytes(32)

export type IdentifierHasher = (identifier: string) => string

/** The key of every keyed hash: GDPR_ANONYMIZATION_SALT, else this process's random key. */
const keyOf = (salt: Option.Option<Redacted.Redacted>): Buffer =>
  Option.match(salt, { onNone: () => PROCESS_KEY, onSome: (s) => Buffer.from(Redacted.value(s)) })

export const makeIdentifierHasher = (salt: Option.Option<Redacted.Redacted>): IdentifierHasher => {
  const key = keyOf(salt)
  return (identifier) => createHmac("sha256", key).update(identifier).digest("base64url").slice(0, 16)
}

/** The full keyed hash (64 hex digits), where a value must be matched later (certificates, stored hashes). */
export const makeKeyedHexHasher = (salt: Option.Option<Redacted.Redacted>): IdentifierHasher => {
  const key = keyOf(salt)
  return (value) => createHmac("sha256", key).update(value).digest("hex")
}
