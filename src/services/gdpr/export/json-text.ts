/**
 * An export as the JSON text of one `ExportDocument`, written as it is read: the head's fields,
 * then each page of transactions and of events as it arrives, then the closing brackets.
 */
import { Chunk, Schema, Stream } from "effect"
import { Transaction } from "../../energy/schema.js"
import { RecordedEvent } from "../../events/schema.js"
import { ExportHead } from "./schema.js"

const encodeHead = Schema.encodeSync(ExportHead)
const encodeTransaction = Schema.encodeSync(Transaction)
const encodeEvent = Schema.encodeSync(RecordedEvent)

/** A JSON array's items, page by page: commas between pages too, nothing for an empty page. */
const items = <A, E, R>(pages: Stream.Stream<ReadonlyArray<A>, E, R>, encode: (item: A) => unknown): Stream.Stream<string, E, R> =>
  pages.pipe(
    Stream.filter((page) => page.length > 0),
    Stream.mapAccum(true, (first, page) => [false, (first ? "" : ",") + page.map((item) => JSON.stringify(encode(item))).join(",")] as const)
  )

export const exportJsonText = <E, R>(
  head: ExportHead,
  transactions: Stream.Stream<ReadonlyArray<Transaction>, E, R>,
  events: Stream.Stream<ReadonlyArray<RecordedEvent>, E, R>
): Stream.Stream<string, E, R> => {
  const headFields = JSON.stringify(encodeHead(head)).slice(0, -1)
  return Stream.concatAll(Chunk.make(
    Stream.succeed(`${headFields},"transactions":[`),
    items(transactions, encodeTransaction),
    Stream.succeed(`],"events":[`),
    items(events, encodeEvent),
    // Last, and only once every page was written: a text cut short before it never parses.
    Stream.succeed("]}")
  ))
}
