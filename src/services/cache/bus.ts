/**
 * The invalidation bus: one Redis pub/sub channel every instance listens on. A message names its
 * sender (an instance ignores its own) and what to drop from memory: keys, tags, glob patterns,
 * or everything. Pub/sub is at most once; a lost message is bounded by the memory tier's TTL.
 */
import { Either, Schema } from "effect"

const BusMessage = Schema.parseJson(Schema.Struct({
  s: Schema.String,
  k: Schema.optional(Schema.Array(Schema.String)),
  t: Schema.optional(Schema.Array(Schema.String)),
  p: Schema.optional(Schema.Array(Schema.String)),
  a: Schema.optional(Schema.Literal(1))
}))
export type BusMessage = typeof BusMessage.Type

const decode = Schema.decodeUnknownEither(BusMessage)
const encode = Schema.encodeSync(BusMessage)

/** The message, or undefined when it is not one of ours (another version, garbage). */
export const parseBusMessage = (text: string): BusMessage | undefined => Either.getOrUndefined(decode(text))

export const busMessage = (message: BusMessage): string => encode(message)
