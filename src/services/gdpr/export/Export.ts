/**
 * The GDPR export (SPEC concern 9): everything held about a user, read page by page so no export
 * is ever held whole in memory. Both methods read the bounded fields first, so a dependency that is
 * down fails the call itself (the doors answer 503); a failure after that fails the stream, once
 * the caller has started answering. Each export logs one line with its counts.
 */
import { Context, type Effect, type Stream } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import type { UserId } from "../../guardian/schema.js"
import type { ExportPart } from "./schema.js"

export class GdprExport extends Context.Tag("luna/GdprExport")<GdprExport, {
  /** The export as typed parts: its `Head`, then `Transactions` pages, then `Events` pages. */
  readonly parts: (userId: UserId) => Effect.Effect<Stream.Stream<ExportPart, ServiceUnavailable>, ServiceUnavailable>
  /**
   * The same export as the JSON text of one `ExportDocument`, in chunks. Its closing brace comes
   * last: a text cut short by a failure never parses.
   */
  readonly jsonText: (userId: UserId) => Effect.Effect<Stream.Stream<string, ServiceUnavailable>, ServiceUnavailable>
}>() {}
