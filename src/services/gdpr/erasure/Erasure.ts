/**
 * Erasure (SPEC concern 9): everything held about a user goes, in one database transaction (every
 * table by its rule in rules.ts, the data key first among them), then their actors' memory, cached
 * reads and rate-limit state. The request is recorded with a certificate that names no one.
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import type { ErasureStatus, GdprRequestNotFound } from "./schema.js"

export class Erasure extends Context.Tag("luna/GdprErasure")<Erasure, {
  /**
   * Erases `userId`; idempotent: a request already running for the user is answered instead of a
   * second one. Answers once done, or with `running` after a short wait (ask `status` then).
   */
  readonly erase: (userId: string) => Effect.Effect<ErasureStatus, ServiceUnavailable>
  readonly status: (requestId: string) => Effect.Effect<ErasureStatus, GdprRequestNotFound | ServiceUnavailable>
}>() {}
