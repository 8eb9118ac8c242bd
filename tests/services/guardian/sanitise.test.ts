/**
 * sanitiseText: the documented cleanings by example, then its promises (idempotent, never longer,
 * no control character but \n and \t, nothing that reads as a tag) on random strings: arbitrary
 * UTF-16 (lone surrogates included), graphemes, and strings assembled from the pieces attacks and
 * Unicode edge cases are made of.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { sanitiseText } from "../../../src/services/guardian/sanitise.js"

const CONTROL_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/
const SPOOFING_FORMAT = /[\u200B-\u200D\u2060\u202A-\u202E\u2066-\u2069\uFEFF]/
const TAG_LIKE = /<[a-zA-Z!/?]/
/** NFC never crosses the start of an ASCII character: the parts the fallback is decided on. */
const NFC_PART = /[\u0000-\u007F]?[^\u0000-\u007F]+/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Pieces of markup tricks, invisible characters and Unicode normalisation edge cases. */
const FRAGMENTS = [
  "<", ">", "/", "!", "?", "-", "--", "<!--", "-->", "<b>", "</b>", "<script>", "</script>", "script", "style", "SCRIPT",
  "<style>", "</style>", " ", "  ", "\t", "\n", "\r", "\r\n", "\u0000", "\u0007", "\u001B", "\u007F", "\u0085", "\u202E",
  "\u202A", "\u2066", "\u2069", "\u200B", "\u200D", "\u2060", "\uFEFF", "e", "a", "K", "e\u0301", "\u0301", "\u0323",
  "\u0338", "\u212A", "\u2126", "\u037E", "\u0958", "\uFB2C", "\u1100", "\u1161", "\u11A8", "\uD834\uDD5E", "\uD800",
  "\uDC00", "\u00A0", "\u3000", "\u2028", "&lt;", "&gt;", "=", "\"", "'"
]
const fragments = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(""))

const ARBITRARIES: ReadonlyArray<readonly [string, fc.Arbitrary<string>]> = [
  ["code points (all of Unicode)", fc.string({ unit: "binary", maxLength: 200 })],
  ["any code unit, lone surrogates included", fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 100 })],
  ["graphemes", fc.string({ unit: "grapheme", maxLength: 60 })],
  ["composite graphemes", fc.string({ unit: "grapheme-composite", maxLength: 60 })],
  ["fragments", fragments],
  ["fragments mixed with code points", fc.array(fc.oneof(fragments, fc.string({ unit: "binary", maxLength: 5 })), { maxLength: 10 }).map((parts) => parts.join(""))]
]

const RUNS = 3000

describe("sanitiseText", () => {
  it("normalises to NFC", () => {
    expect(sanitiseText("e\u0301")).toBe("\u00E9")
    expect(sanitiseText("Cafe\u0301 cre\u0300me")).toBe("Caf\u00E9 cr\u00E8me")
    expect(sanitiseText("\u1100\u1161")).toBe("\uAC00")
    expect(sanitiseText("\u212A")).toBe("K")
  })

  it("keeps a piece as given where NFC would lengthen it, and normalises the rest", () => {
    // U+0958 is excluded from composition: NFC makes it two code units.
    expect("\u0958".normalize("NFC")).toHaveLength(2)
    expect(sanitiseText("\u0958")).toBe("\u0958")
    expect(sanitiseText("e\u0301 \u0958")).toBe("\u00E9 \u0958")
  })

  it("removes script and style elements with their content", () => {
    expect(sanitiseText("<script>alert(1)</script>Hello")).toBe("Hello")
    expect(sanitiseText("a<SCRIPT type=\"text/javascript\">x < y && steal()</ScRiPt >b")).toBe("ab")
    expect(sanitiseText("<style>body { display: none }</style>Hi")).toBe("Hi")
  })

  it("removes other tags and comments, keeping the inner text", () => {
    expect(sanitiseText("<p>Hello <b>world</b></p>")).toBe("Hello world")
    expect(sanitiseText("<a href=\"https://evil.example\">click</a>")).toBe("click")
    expect(sanitiseText("a<!-- hidden -->b")).toBe("ab")
    expect(sanitiseText("<img src=x onerror=alert(1)>")).toBe("")
    expect(sanitiseText("<?xml version=\"1.0\"?><!DOCTYPE html>ok")).toBe("ok")
  })

  it("cannot be tricked into making a tag out of what surrounds a removed one", () => {
    expect(sanitiseText("<<b>script>alert(1)<</b>/script>")).toBe("script>alert(1)/script>")
    expect(sanitiseText("<scr<script>ipt>alert(1)</script>")).toBe("scr")
    expect(sanitiseText("<<<b>b>b>")).toBe("b>b>")
    expect(sanitiseText("<\u0000script>alert(1)</script>")).toBe("")
    expect(sanitiseText("<\u200Bscript>alert(1)</script>")).toBe("")
    // KELVIN SIGN normalises to `K`: normalised before the scan, so the tag is seen.
    expect(sanitiseText("<\u212Aeygen>x")).toBe("x")
    // The removed <b> lets NFC accept the first piece, turning KELVIN SIGN into `K` after the `<`:
    // a second pass takes the `<` away.
    expect(sanitiseText("<\u212A\u0958\u1100<b>\u1161")).toBe("K\u0915\u093C\uAC00")
    expect(sanitiseText("<script>unclosed")).toBe("unclosed")
    expect(sanitiseText("<a href=x")).toBe("a href=x")
  })

  it("decodes nothing and keeps `<` and `>` that start no tag", () => {
    expect(sanitiseText("&lt;script&gt;alert(1)&lt;/script&gt;")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;")
    expect(sanitiseText("a < b and c > d")).toBe("a < b and c > d")
    expect(sanitiseText("I <3 you, 2 <= 3")).toBe("I <3 you, 2 <= 3")
  })

  it("strips control characters but \\n and \\t, and turns CRLF and CR into \\n", () => {
    expect(sanitiseText("a\u0000b\u0007c\u001Bd\u007Fe\u0085f\u009Fg")).toBe("abcdefg")
    expect(sanitiseText("one\r\ntwo\rthree\nfour")).toBe("one\ntwo\nthree\nfour")
    expect(sanitiseText("a\tb")).toBe("a b")
  })

  it("strips bidi controls, zero-width characters, the BOM and lone surrogates", () => {
    expect(sanitiseText("invoice_\u202Egpj.exe")).toBe("invoice_gpj.exe")
    expect(sanitiseText("a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069i")).toBe("abcdefghi")
    expect(sanitiseText("pay\u200Bp\u200Ca\u200Dl\u2060\uFEFF")).toBe("paypal")
    expect(sanitiseText("a\uD800b\uDC00c\uD83D\uDE00")).toBe("abc\uD83D\uDE00")
  })

  it("collapses spaces and tabs, trims line ends and the whole text", () => {
    expect(sanitiseText("  Hello   \t world  \n  next line \t \n\n")).toBe("Hello world\n next line")
    expect(sanitiseText(" \t\n ")).toBe("")
  })

  // Quadratic work on these would take minutes at this size; linear work takes milliseconds.
  it("stays linear on inputs built to make a scanner backtrack", { timeout: 10_000 }, () => {
    const n = 200_000
    const inputs = [
      "<".repeat(n), "<<b>".repeat(n / 4), "<a".repeat(n / 2), "<".repeat(n / 2) + "b>".repeat(n / 4), "<!--".repeat(n / 4),
      "<script>".repeat(n / 8), "<script><style>".repeat(n / 15), "</script".repeat(n / 8), "<a\u0000".repeat(n / 3),
      "e\u0301".repeat(n / 2), " \t".repeat(n / 2), "\u0958<b>".repeat(n / 4)
    ]
    for (const input of inputs) {
      const cleaned = sanitiseText(input)
      expect(cleaned.length).toBeLessThanOrEqual(input.length)
      expect(cleaned).not.toMatch(TAG_LIKE)
    }
  })

  describe.each(ARBITRARIES)("on %s", (_name, strings) => {
    it("is idempotent", () => {
      fc.assert(fc.property(strings, (input) => {
        const once = sanitiseText(input)
        expect(sanitiseText(once)).toBe(once)
      }), { numRuns: RUNS })
    })

    it("never lengthens the text", () => {
      fc.assert(fc.property(strings, (input) => {
        expect(sanitiseText(input).length).toBeLessThanOrEqual(input.length)
      }), { numRuns: RUNS })
    })

    it("leaves no control character but \\n and \\t, no spoofing format character, no lone surrogate", () => {
      fc.assert(fc.property(strings, (input) => {
        const cleaned = sanitiseText(input)
        expect(cleaned).not.toMatch(CONTROL_BUT_TAB_AND_NEWLINE)
        expect(cleaned).not.toMatch(SPOOFING_FORMAT)
        expect(cleaned).not.toMatch(LONE_SURROGATE)
        expect(cleaned).not.toContain("\r")
      }), { numRuns: RUNS })
    })

    it("leaves nothing that reads as a tag", () => {
      fc.assert(fc.property(strings, (input) => {
        expect(sanitiseText(input)).not.toMatch(TAG_LIKE)
      }), { numRuns: RUNS })
    })

    it("is in NFC, but for the parts NFC would lengthen", () => {
      fc.assert(fc.property(strings, (input) => {
        for (const part of sanitiseText(input).match(NFC_PART) ?? []) {
          const normal = part.normalize("NFC")
          if (normal !== part) expect(normal.length).toBeGreaterThan(part.length)
        }
      }), { numRuns: RUNS })
    })
  })
})
