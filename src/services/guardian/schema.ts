/**
 * Input schemas every door uses, so no free text reaches a service uncleaned and no identifier
 * takes a shape the Hub cannot log, key or route safely.
 */
import { Schema } from "effect"
import { sanitiseText } from "./sanitise.js"

/** Raw input may be this many times the limit (markup and spaces that cleaning removes), no more: it bounds the work. */
export const RAW_LENGTH_FACTOR = 4

export interface FreeTextOptions {
  /** In UTF-16 code units, after cleaning. */
  readonly maxLength: number
  /** In UTF-16 code units, after cleaning (markup-only or blank input cleans to ""). */
  readonly minLength?: number
}

const characters = (n: number) => (n === 1 ? "1 character" : `${n} characters`)

/**
 * A string cleaned by `sanitiseText` (markup, invisible characters and extra spaces removed, NFC),
 * then held to its bounds. Lengths count UTF-16 code units, as JavaScript and the JSON Schema
 * `maxLength` of the OpenAPI document do for the characters people type.
 */
export const FreeText = (options: FreeTextOptions) => {
  const { maxLength, minLength = 0 } = options
  const rawMaxLength = maxLength * RAW_LENGTH_FACTOR
  // The document shows the bounds a client must meet once cleaned, not the raw bound; set on
  // the encoded side, so a caller's own `.annotations({ description })` still shows.
  const raw = Schema.String.pipe(
    Schema.maxLength(rawMaxLength, { message: () => `at most ${characters(rawMaxLength)} before cleaning` })
  ).annotations({
    jsonSchema: {
      type: "string",
      minLength,
      maxLength,
      description: `Free text, cleaned on input (markup, control and invisible characters removed, spaces collapsed); ${minLength} to ${maxLength} characters once cleaned.`
    }
  })
  const cleaned = Schema.String.pipe(
    Schema.minLength(minLength, {
      message: () => `at least ${characters(minLength)} once markup and extra spaces are removed`
    }),
    Schema.maxLength(maxLength, {
      message: () => `at most ${characters(maxLength)} once markup and extra spaces are removed`
    })
  )
  return Schema.transform(raw, cleaned, { strict: true, decode: sanitiseText, encode: (text) => text })
}

/** What a user is known by in every service: safe in URLs, keys, logs and stream ids. */
export const UserId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: () => "a user id: 1 to 64 letters, digits, . _ or -, starting with a letter or digit"
  }),
  Schema.brand("UserId")
)
export type UserId = typeof UserId.Type
