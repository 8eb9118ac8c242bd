/**
 * A scheduled rotation makes a key nobody has seen yet. Until the holder of the old key claims it
 * (once, during the overlap), the new key is kept encrypted with AES-256-GCM under a key derived
 * (HKDF-SHA256) from JWT_SECRET; the old key's id is bound as associated data, so a ciphertext
 * cannot be moved to another row. Without JWT_SECRET (embedded mode only) the derivation uses a
 * random key of this process: a handover then does not survive a restart.
 */
import { Option, Redacted } from "effect"
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto"

const PROCESS_SECRET = randomBytes(32)
const IV_BYTES = 12
const TAG_BYTES = 16

export interface HandoverCipher {
  readonly seal: (successorKey: string, predecessorId: string) => string
  /** undefined when the ciphertext cannot be opened (tampered, or sealed by another secret). */
  readonly open: (sealed: string, predecessorId: string) => string | undefined
}

export const makeHandoverCipher = (secret: Option.Option<Redacted.Redacted>): HandoverCipher => {
  const ikm = Option.match(secret, { onNone: () => PROCESS_SECRET, onSome: (s) => Buffer.from(Redacted.value(s)) })
  const key = Buffer.from(hkdfSync("sha256", ikm, "luna-hub", "api-key-handover-v1", 32))
  return {
    seal: (successorKey, predecessorId) => {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv("aes-256-gcm", key, iv)
      cipher.setAAD(Buffer.from(predecessorId))
      const body = Buffer.concat([cipher.update(successorKey, "utf8"), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")
    },
    open: (sealed, predecessorId) => {
      try {
        const bytes = Buffer.from(sealed, "base64url")
        const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES))
        decipher.setAAD(Buffer.from(predecessorId))
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8")
      } catch {
        return undefined
      }
    }
  }
}
