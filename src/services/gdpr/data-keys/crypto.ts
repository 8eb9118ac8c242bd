/**
 * AES-256-GCM (node:crypto) for personal data: a user's data key is wrapped by the master key, and
 * a personal field is sealed by the data key. Both bind the key id as associated data, so a sealed
 * value or a wrapped key moved under another id does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"

const ALGORITHM = "aes-256-gcm"
const IV_BYTES = 12
const TAG_BYTES = 16
export const DATA_KEY_BYTES = 32

/** `iv | tag | ciphertext`, base64url. */
const encrypt = (key: Buffer, aad: string, plaintext: Buffer): string => {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv(ALGORITHM, key, iv)
  cipher.setAAD(Buffer.from(aad))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")
}

/** The plaintext, or undefined when the text was not sealed by `key` for `aad` (tampered, wrong key). */
const decrypt = (key: Buffer, aad: string, sealed: string): Buffer | undefined => {
  const bytes = Buffer.from(sealed, "base64url")
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined
  try {
    const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(aad))
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
  } catch {
    return undefined
  }
}

export const newDataKey = (): Buffer => randomBytes(DATA_KEY_BYTES)

export const wrapDataKey = (master: Buffer, keyId: string, dataKey: Buffer): string => `v1.${encrypt(master, `datakey:${keyId}`, dataKey)}`

export const unwrapDataKey = (master: Buffer, keyId: string, wrapped: string): Buffer | undefined =>
  wrapped.startsWith("v1.") ? decrypt(master, `datakey:${keyId}`, wrapped.slice(3)) : undefined

// ---------------------------------------------------------------------------------------------
// Sealed values: `{"$sealed": "v1.<keyId>.<iv|tag|ciphertext>"}` in place of the JSON they hide.

export const SEALED = "$sealed"
/** What a sealed value reads as once its key is destroyed. */
export const ERASED = { $erased: true } as const

export interface Sealed {
  readonly [SEALED]: string
}

export const isSealed = (value: unknown): value is Sealed =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>)[SEALED] === "string" &&
  Object.keys(value).length === 1

export const sealWith = (keyId: string, dataKey: Buffer, value: unknown): Sealed => ({
  [SEALED]: `v1.${keyId}.${encrypt(dataKey, `field:${keyId}`, Buffer.from(JSON.stringify(value)))}`
})

/** The key id a sealed value names, or undefined when it is malformed. */
export const keyIdOf = (sealed: Sealed): string | undefined => {
  const [version, keyId, body] = sealed[SEALED].split(".")
  return version === "v1" && keyId !== undefined && body !== undefined ? keyId : undefined
}

/** The hidden JSON, or undefined when `dataKey` does not open it. */
export const openWith = (dataKey: Buffer, sealed: Sealed): unknown => {
  const [, keyId = "", body = ""] = sealed[SEALED].split(".")
  const plaintext = decrypt(dataKey, `field:${keyId}`, body)
  return plaintext === undefined ? undefined : JSON.parse(plaintext.toString("utf8"))
}
