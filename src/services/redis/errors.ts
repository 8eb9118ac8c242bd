/**
 * How both backends fail.
 *
 * - Redis cannot answer (not connected, timed out, breaker open, server loading/read-only/out of
 *   memory, auth refused): a typed `ServiceUnavailable` the caller may fall back from.
 * - Redis answered "your command is wrong" (WRONGTYPE, INCRBY on a non-integer, a Lua error, a bad
 *   TTL, a script called with the wrong number of keys): a caller bug, so a defect carrying a
 *   `RedisCommandError` whose message is Redis's own text. The memory store dies with the same
 *   class and the same text, so a test sees the same thing in both backends. Such a reply proves
 *   Redis is up, so it never counts against the breaker.
 */
import { Data } from "effect"
import { ServiceUnavailable } from "../common/errors.js"
import { DEPENDENCY } from "./settings.js"

export class RedisCommandError extends Data.TaggedError("RedisCommandError")<{
  readonly command: string
  readonly message: string
}> {}

/** Redis's reply texts, reproduced by the memory store. */
export const REPLY = {
  wrongType: "WRONGTYPE Operation against a key holding the wrong kind of value",
  notInteger: "ERR value is not an integer or out of range",
  overflow: "ERR increment or decrement would overflow",
  invalidExpire: (command: string) => `ERR invalid expire time in '${command}' command`
} as const

export const unavailable = (reason: string, retryAfterSeconds = 1): ServiceUnavailable =>
  new ServiceUnavailable({
    dependency: DEPENDENCY,
    reason,
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds))
  })
