/** A key's status at a given time: pure, so the verifier, listings and the status report agree. */
import type { KeyStatus } from "./schema.js"

export interface KeyTimes {
  readonly status: "active" | "rotating" | "revoked"
  readonly expiresAtMs: number
  readonly overlapEndsAtMs: number | null
}

/** When the key stops working: its expiry, or the end of its rotation overlap if sooner. */
export const stopsAtMs = (key: KeyTimes): number =>
  key.overlapEndsAtMs === null ? key.expiresAtMs : Math.min(key.expiresAtMs, key.overlapEndsAtMs)

export const effectiveStatus = (key: KeyTimes, nowMs: number): KeyStatus => {
  if (key.status === "revoked") return "revoked"
  if (nowMs >= stopsAtMs(key)) return "expired"
  return key.status
}

export const isWorking = (status: KeyStatus): boolean => status === "active" || status === "rotating"
