/**
 * `GdprExport` over the services that hold user data: Energy (account, transactions), the event
 * store as the Hub composes it (personal fields opened with the user's key), Consent, DataKeys and
 * RateLimitAdmin. Only the head is read up front; transactions and events are read a page at a
 * time as the caller pulls them, so an export holds one page in memory whatever its size.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Exit, Layer, Option, Stream } from "effect"
import { HubConfig } from "../../../config.js"
import { makeIdentifierHasher } from "../../auth/identifier-hash.js"
import type { ServiceUnavailable } from "../../common/errors.js"
import { Database } from "../../database/Database.js"
import { Energy } from "../../energy/Energy.js"
import { MAX_PAGE, type Transaction } from "../../energy/schema.js"
import { EventStore } from "../../events/EventStore.js"
import type { RecordedEvent, StreamId } from "../../events/schema.js"
import type { UserId } from "../../guardian/schema.js"
import { RateLimitAdmin } from "../../rate-limit/admin.js"
import { Narrative } from "../../narrative/Narrative.js"
import { Consent } from "../consent/Consent.js"
import { DataKeys } from "../data-keys/DataKeys.js"
import { GdprExport } from "./Export.js"
import { exportJsonText } from "./json-text.js"
import { EXPORT_SCHEMA_VERSION, type ExportHead, type ExportPart } from "./schema.js"

const TRANSACTIONS_PER_PAGE = MAX_PAGE
/** Events are at most 64 KiB each: a page stays within a few MiB. */
const EVENTS_PER_PAGE = 100

type Pages<A> = Stream.Stream<ReadonlyArray<A>, ServiceUnavailable>
type Render<A> = (head: ExportHead, transactions: Pages<Transaction>, events: Pages<RecordedEvent>) => Stream.Stream<A, ServiceUnavailable>

const asParts: Render<ExportPart> = (head, transactions, events) =>
  Stream.make<[ExportPart]>({ _tag: "Head", ...head }).pipe(
    Stream.concat(Stream.map(transactions, (page): ExportPart => ({ _tag: "Transactions", transactions: page }))),
    Stream.concat(Stream.map(events, (page): ExportPart => ({ _tag: "Events", events: page })))
  )

export const GdprExportLive: Layer.Layer<
  GdprExport,
  never,
  Energy | EventStore | Consent | DataKeys | RateLimitAdmin | Narrative | Database | SqlClient.SqlClient | HubConfig
> = Layer.effect(
  GdprExport,
  Effect.gen(function*() {
    const energy = yield* Energy
    const eventStore = yield* EventStore
    const consent = yield* Consent
    const keys = yield* DataKeys
    const rateLimits = yield* RateLimitAdmin
    const narrative = yield* Narrative
    const db = yield* Database
    const sql = yield* SqlClient.SqlClient
    const hash = makeIdentifierHasher((yield* HubConfig).gdpr.anonymizationSalt)

    // The streams erasure rewrites (erasure/rules.ts): at most one per stream type.
    const streamsOf = (userId: UserId) =>
      Effect.map(
        db.guard(sql<{ readonly stream_id: string }>`SELECT stream_id FROM streams WHERE stream_id = stream_type || ':' || ${userId} ORDER BY stream_id`),
        (rows) => rows.map((row) => row.stream_id as StreamId)
      )

    const readHead = (userId: UserId) =>
      Effect.all({
        generatedAt: DateTime.now,
        account: Effect.catchTag(energy.balance(userId), "UserNotFound", () => Effect.succeed(null)),
        consents: consent.ofUser(userId),
        dataKeys: Effect.map(keys.describe(userId), Option.toArray),
        rateLimits: rateLimits.status(userId),
        analyses: narrative.stored(userId),
        streams: streamsOf(userId)
      }, { concurrency: 5 }).pipe(
        Effect.tapError((error) =>
          Effect.logWarning("GDPR export refused: a dependency is unavailable").pipe(
            Effect.annotateLogs({ logger: "gdpr", user: hash(userId), dependency: error.dependency })
          ))
      )

    const transactionPages = (userId: UserId): Pages<Transaction> =>
      Stream.paginateEffect(undefined as string | undefined, (cursor) =>
        energy.transactions(userId, cursor === undefined ? { limit: TRANSACTIONS_PER_PAGE } : { cursor, limit: TRANSACTIONS_PER_PAGE }).pipe(
          Effect.map((page) => [page.transactions, Option.fromNullable(page.nextCursor)] as const),
          // No account (any more): nothing to list.
          Effect.catchTag("UserNotFound", () => Effect.succeed([[], Option.none()] as const))
        ))

    const streamPages = (streamId: StreamId): Pages<RecordedEvent> =>
      Stream.paginateEffect(1, (fromVersion) =>
        eventStore.readStream(streamId, { fromVersion, limit: EVENTS_PER_PAGE, direction: "forward" }).pipe(
          Effect.map((page) => {
            const last = page.at(-1)
            const next = last === undefined || page.length < EVENTS_PER_PAGE ? Option.none() : Option.some(last.streamVersion + 1)
            return [page, next] as const
          }),
          // Gone since it was listed (an erasure ran): nothing more to read.
          Effect.catchTag("StreamNotFound", () => Effect.succeed([[], Option.none()] as const))
        ))

    const logOutcome = (userId: UserId, head: ExportHead, counts: Record<string, number>, exit: Exit.Exit<unknown, unknown>) => {
      const line = Exit.isSuccess(exit)
        ? Effect.logInfo("GDPR export completed")
        : Exit.isInterrupted(exit)
          ? Effect.logWarning("GDPR export interrupted: the caller went away")
          : Effect.logError("GDPR export failed part-way: the caller gets no complete document", exit.cause)
      return line.pipe(Effect.annotateLogs({
        logger: "gdpr",
        user: hash(userId),
        ...counts,
        consentRecords: head.consents.history.length,
        dataKeys: head.dataKeys.length,
        rateLimitScopes: head.rateLimits.scopes.length
      }))
    }

    const exportAs = <A>(render: Render<A>) => (userId: UserId) =>
      Effect.map(readHead(userId), ({ streams, ...fields }) => {
        const head: ExportHead = { schemaVersion: EXPORT_SCHEMA_VERSION, userId, ...fields }
        return Stream.suspend(() => {
          // Per run, and touched only by the fiber pulling the stream.
          const counts = { streams: streams.length, transactions: 0, events: 0 }
          const transactions = Stream.tap(transactionPages(userId), (page) => Effect.sync(() => void (counts.transactions += page.length)))
          const events = Stream.tap(Stream.flatMap(Stream.fromIterable(streams), streamPages), (page) =>
            Effect.sync(() => void (counts.events += page.length)))
          return render(head, transactions, events).pipe(Stream.ensuringWith((exit) => logOutcome(userId, head, counts, exit)))
        })
      })

    return GdprExport.of({ parts: exportAs(asParts), jsonText: exportAs(exportJsonText) })
  })
)
