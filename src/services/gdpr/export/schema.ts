/**
 * The GDPR export's contract (SPEC concern 9, right of access): everything held about a user as one
 * JSON document, versioned by `schemaVersion`. It is produced in parts: the head (every bounded
 * field), then the transactions and the events page by page. The HTTP door writes the parts as one
 * JSON text (`ExportDocument`); the RPC door streams them as they are (`ExportPart`).
 */
import { Chunk, Effect, Schema, Stream } from "effect"
import { Balance, Transaction } from "../../energy/schema.js"
import { RecordedEvent } from "../../events/schema.js"
import { UserId } from "../../guardian/schema.js"
import { RateLimitStatus } from "../../rate-limit/admin.js"
import { StoredAnalysis } from "../../narrative/schema.js"
import { UserConsents } from "../consent/schema.js"

export const EXPORT_SCHEMA_VERSION = 1

export const ExportedDataKey = Schema.Struct({
  keyId: Schema.String.annotations({ description: "The key's own id, which its sealed fields name." }),
  algorithm: Schema.Literal("AES-256-GCM"),
  createdAt: Schema.DateTimeUtc
}).annotations({
  identifier: "GdprExportedDataKey",
  description: "A data key sealing the user's personal fields, as described to them: never the key itself."
})

/** Every field of the document but the two unbounded lists. */
export const ExportHead = Schema.Struct({
  schemaVersion: Schema.Literal(EXPORT_SCHEMA_VERSION).annotations({
    description: "The document's format; a change that is not an addition moves it."
  }),
  generatedAt: Schema.DateTimeUtc,
  userId: UserId,
  account: Schema.NullOr(Balance).annotations({ description: "The energy account with its plan; null when the user has none." }),
  consents: UserConsents.annotations({ description: "Each consent's state and every grant and withdrawal, oldest first." }),
  analyses: Schema.Array(StoredAnalysis).annotations({
    description: "The user's stored narrative analyses (decrypted), oldest first."
  }),
  dataKeys: Schema.Array(ExportedDataKey).annotations({ description: "The keys the user's personal fields are sealed with." }),
  rateLimits: RateLimitStatus.annotations({ description: "The state of every rate-limit scope counting by the user's id." })
})
export type ExportHead = typeof ExportHead.Type

export const ExportDocument = Schema.Struct({
  ...ExportHead.fields,
  transactions: Schema.Array(Transaction).annotations({ description: "Every ledger transaction of the user, newest first." }),
  events: Schema.Array(RecordedEvent).annotations({
    description: "Every event of the user's streams (`<type>:<userId>`, by stream id), each stream oldest first, personal " +
      "fields decrypted (or `ERASED` where their key was destroyed)."
  })
}).annotations({
  identifier: "GdprExport",
  description: "Everything the Hub holds about a user, as one document."
})
export type ExportDocument = typeof ExportDocument.Type

export const ExportPart = Schema.Union(
  Schema.TaggedStruct("Head", ExportHead.fields),
  Schema.TaggedStruct("Transactions", { transactions: Schema.Array(Transaction) }),
  Schema.TaggedStruct("Events", { events: Schema.Array(RecordedEvent) })
).annotations({
  identifier: "GdprExportPart",
  description: "The export in order: one `Head`, then `Transactions` pages (newest first), then `Events` pages."
})
export type ExportPart = typeof ExportPart.Type

/** The whole document from a stream of parts, for a client that wants it in memory. */
export const collectExport = <E, R>(parts: Stream.Stream<ExportPart, E, R>): Effect.Effect<ExportDocument, E, R> =>
  Effect.flatMap(Stream.runCollect(parts), (collected) => {
    const all = Chunk.toReadonlyArray(collected)
    const first = all[0]
    if (first?._tag !== "Head") return Effect.dieMessage("collectExport: the parts do not start with their Head")
    const { _tag: _head, ...head } = first
    return Effect.succeed({
      ...head,
      transactions: all.flatMap((part) => (part._tag === "Transactions" ? part.transactions : [])),
      events: all.flatMap((part) => (part._tag === "Events" ? part.events : []))
    })
  })
