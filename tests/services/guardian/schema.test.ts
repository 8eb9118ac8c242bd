/**
 * The guardian's schemas: FreeText cleans, then holds the cleaned text to its bounds, and refuses
 * raw input past its pre-bound before doing any work; UserId accepts its format and names it when
 * it refuses.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, JSONSchema, ParseResult, Schema } from "effect"
import { FreeText, RAW_LENGTH_FACTOR, UserId } from "../../../src/services/guardian/schema.js"

const messagesOf = <A, I>(schema: Schema.Schema<A, I>, input: unknown): ReadonlyArray<string> => {
  const result = Schema.decodeUnknownEither(schema)(input)
  return Either.isRight(result) ? [] : ParseResult.ArrayFormatter.formatErrorSync(result.left).map((issue) => issue.message)
}

describe("FreeText", () => {
  const Name = FreeText({ maxLength: 10, minLength: 1 })

  it("decodes to the cleaned text", () => {
    expect(Schema.decodeUnknownSync(Name)("  <b>Phoenix</b>\u202E ")).toBe("Phoenix")
    expect(Schema.decodeUnknownSync(Name)("Cafe\u0301")).toBe("Caf\u00E9")
  })

  it("holds the bounds after cleaning, naming them", () => {
    expect(messagesOf(Name, "x".repeat(10))).toEqual([])
    expect(messagesOf(Name, "x".repeat(11))).toEqual(["at most 10 characters once markup and extra spaces are removed"])
    expect(messagesOf(Name, "<b></b>   ")).toEqual(["at least 1 character once markup and extra spaces are removed"])
    // Longer than the limit as sent, within it once cleaned.
    expect(Schema.decodeUnknownSync(Name)(`<p>${"x".repeat(10)}</p>          `)).toBe("x".repeat(10))
  })

  it("refuses raw input past the pre-bound before cleaning it", () => {
    const bound = 10 * RAW_LENGTH_FACTOR
    const atBound = "x".padEnd(bound, " ")
    expect(atBound).toHaveLength(bound)
    expect(Schema.decodeUnknownSync(Name)(atBound)).toBe("x")
    // Would clean to one character, but is one code unit too long to be looked at.
    expect(messagesOf(Name, "x" + " ".repeat(bound))).toEqual([`at most ${bound} characters before cleaning`])
    expect(messagesOf(Name, 42)).toHaveLength(1)
  })

  it("encodes cleaned text as it is", () => {
    expect(Schema.encodeSync(Name)(Schema.decodeUnknownSync(Name)("Phoenix"))).toBe("Phoenix")
  })

  it("shows the cleaned bounds in the JSON Schema", () => {
    expect(JSONSchema.make(Name)).toMatchObject({ type: "string", minLength: 1, maxLength: 10 })
    expect(JSONSchema.make(Name.annotations({ description: "A key's name" }))).toMatchObject({ maxLength: 10, description: "A key's name" })
  })
})

describe("UserId", () => {
  it("accepts 1 to 64 letters, digits, . _ -, starting with a letter or digit", () => {
    for (const id of ["u", "7", "u-123", "Ada.Lovelace_1815", "x".repeat(64)]) {
      expect(messagesOf(UserId, id)).toEqual([])
    }
  })

  it("refuses anything else, naming the format", () => {
    for (const id of ["", "-u", ".u", "_u", "u 1", "u/1", "u:1", "u\n", "\u00E9", "x".repeat(65), "<script>"]) {
      expect(messagesOf(UserId, id)).toEqual(["a user id: 1 to 64 letters, digits, . _ or -, starting with a letter or digit"])
    }
    expect(messagesOf(UserId, 7)).toHaveLength(1)
  })
})
