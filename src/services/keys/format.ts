/**
 * The API key format: `luna_<env>_<32 random base62><6-char base62 CRC32 of everything before it>`.
 * The checksum lets a typo or a forged key be refused before any lookup; the key itself is kept
 * only as its SHA-256 (plus its first characters, to tell keys apart in listings).
 * CRC32 is Node's own (`zlib.crc32`); randomness is `crypto.randomInt`, unbiased per character.
 */
import { createHash, randomInt } from "node:crypto"
import { crc32 } from "node:zlib"

export const KEY_ENVS = ["dev", "staging", "prod"] as const
export type KeyEnv = (typeof KEY_ENVS)[number]

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const RANDOM_LENGTH = 32
const CHECKSUM_LENGTH = 6
/** `luna_dev_` plus this many random characters are shown in listings. */
const DISPLAY_RANDOM_CHARS = 4

const KEY_PATTERN = new RegExp(`^luna_(dev|staging|prod)_([0-9A-Za-z]{${RANDOM_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`)

/** A CRC32 (0 … 2^32−1) as exactly six base62 digits (62^6 > 2^32). */
const checksumOf = (body: string): string => {
  let n = crc32(body)
  let digits = ""
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    digits = BASE62[n % 62] + digits
    n = Math.floor(n / 62)
  }
  return digits
}

export const generateApiKey = (env: KeyEnv): string => {
  let random = ""
  for (let i = 0; i < RANDOM_LENGTH; i++) random += BASE62[randomInt(62)]
  const body = `luna_${env}_${random}`
  return body + checksumOf(body)
}

export type KeyFormatProblem = "malformed" | "checksum"

export interface ParsedApiKey {
  readonly env: KeyEnv
  readonly displayPrefix: string
}

/** Checks the shape and the checksum only: no I/O. */
export const parseApiKey = (candidate: string): ParsedApiKey | KeyFormatProblem => {
  const match = KEY_PATTERN.exec(candidate)
  if (match === null) return "malformed"
  const [, env, random, checksum] = match as unknown as [string, KeyEnv, string, string]
  if (checksumOf(`luna_${env}_${random}`) !== checksum) return "checksum"
  return { env, displayPrefix: `luna_${env}_${random.slice(0, DISPLAY_RANDOM_CHARS)}` }
}

/** What is stored and looked up: the SHA-256 of the whole key, hex. */
export const hashApiKey = (key: string): string => createHash("sha256").update(key).digest("hex")

/** Cheap pre-check to route a bearer credential: API keys start with `luna_`, JWTs do not. */
export const looksLikeApiKey = (credential: string): boolean => credential.startsWith("luna_")
