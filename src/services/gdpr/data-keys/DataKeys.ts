/**
 * Per-user data keys (SPEC concern 9): personal fields are sealed with their owner's key before
 * they are stored (event data), and read back through `open`. Erasure deletes the key row, after
 * which every value sealed with it reads as `ERASED`: crypto-shredding, without rewriting history.
 */
import { Context, type DateTime, type Effect, type Option } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import type { Sealed } from "./crypto.js"

export interface DataKeyInfo {
  readonly keyId: string
  readonly algorithm: "AES-256-GCM"
  readonly createdAt: DateTime.Utc
}

export class DataKeys extends Context.Tag("luna/GdprDataKeys")<DataKeys, {
  /** `value` (any JSON) sealed with `userId`'s key, which is created on first use. */
  readonly seal: (userId: string, value: unknown) => Effect.Effect<Sealed, ServiceUnavailable>
  /**
   * `value` with its sealed parts opened: the value itself when sealed, else its top-level fields
   * (where personal fields live). A value whose key was destroyed reads as `ERASED`. Returns the same
   * reference when nothing in it is sealed.
   */
  readonly open: (value: unknown) => Effect.Effect<unknown, ServiceUnavailable>
  /** The user's key as an export shows it (never the key itself). */
  readonly describe: (userId: string) => Effect.Effect<Option.Option<DataKeyInfo>, ServiceUnavailable>
  /** Drops what this process remembers of `userId`'s key, once its row is deleted. */
  readonly forget: (userId: string) => Effect.Effect<void>
}>() {}
