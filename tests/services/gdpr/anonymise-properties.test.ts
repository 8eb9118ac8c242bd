/**
 * The anonymiser's promises on generated text: valid values (check digits computed by the
 * generators) are always found and fully removed, text without personal data is left as it is,
 * anonymising is idempotent and total, keyed hashes depend on the value and the salt only, and
 * no detected value survives.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { anonymiseText, detectPersonalData, truncateIp } from "../../../src/services/gdpr/anonymise/index.js"
import {
  canonicalIpv6,
  cards,
  emails,
  ibans,
  inertText,
  ipv4Addresses,
  ipv6Addresses,
  nirs,
  personalValues,
  phones,
  sirens,
  sirets,
  type WrittenValue
} from "./personal-data.js"

const RUNS = 500
const PLACEHOLDER = { mode: "placeholder" } as const
const salts = fc.string({ minLength: 16, maxLength: 32 })

const KINDS: ReadonlyArray<readonly [string, fc.Arbitrary<WrittenValue>]> = [
  ["SIREN", sirens],
  ["SIRET", sirets],
  ["NIR", nirs],
  ["IBAN", ibans],
  ["card number", cards],
  ["email", emails],
  ["phone number", phones]
]

/** Text that may hold anything: personal data, digits, separators, arbitrary Unicode, glued or apart. */
const mixedText = fc
  .array(
    fc.oneof(
      personalValues.map((value) => value.written),
      ipv4Addresses,
      ipv6Addresses.map((address) => address.written),
      inertText(12),
      fc.string({ unit: fc.constantFrom(..."0123456789 -.:@+,;()[]#x"), maxLength: 12 }),
      fc.string({ unit: "binary", maxLength: 8 })
    ),
    { maxLength: 8 }
  )
  .chain((pieces) => fc.tuple(fc.constant(pieces), fc.array(fc.constantFrom("", " ", "\n", ", ", "-", "."), { minLength: pieces.length, maxLength: pieces.length })))
  .map(([pieces, glue]) => pieces.map((piece, index) => piece + (glue[index] ?? "")).join(""))

const digitsOf = (text: string): string => text.replace(/\D/g, "")

describe("detection of generated values", () => {
  for (const [name, values] of KINDS) {
    it(`a valid ${name} in text is found whole and replaced by its placeholder`, () => {
      fc.assert(
        fc.property(inertText(30), values, inertText(30), (before, value, after) => {
          const text = `${before} ${value.written} ${after}`
          const start = before.length + 1
          const end = start + value.written.length
          const detections = detectPersonalData(text)
          expect(detections).toHaveLength(1)
          const [detection] = detections
          if (detection === undefined) return
          expect(value.kinds).toContain(detection.kind)
          expect(detection).toMatchObject({ start, end, value: value.written })
          const anonymised = anonymiseText(text, PLACEHOLDER)
          expect(anonymised).toBe(`${before} [${detection.kind}] ${after}`)
          expect(digitsOf(anonymised)).toBe("")
        }),
        { numRuns: RUNS }
      )
    })
  }

  it("an IPv4 address in text is truncated to its /24", () => {
    fc.assert(
      fc.property(inertText(30), ipv4Addresses, inertText(30), (before, address, after) => {
        const truncated = address.replace(/\.\d+$/, ".0")
        expect(detectPersonalData(`${before} ${address} ${after}`)).toMatchObject([{ kind: "ip", value: address }])
        expect(anonymiseText(`${before} ${address} ${after}`, PLACEHOLDER)).toBe(`${before} ${truncated} ${after}`)
        expect(truncateIp(address)).toBe(truncated)
      }),
      { numRuns: RUNS }
    )
  })

  it("an IPv6 address in text, in any spelling, is truncated to its /48 in canonical form", () => {
    fc.assert(
      fc.property(inertText(30), ipv6Addresses, inertText(30), (before, address, after) => {
        const kept = address.groups.map((group, index) => (index < 3 ? group : 0))
        const mapped = address.groups.slice(0, 5).every((group) => group === 0) && address.groups[5] === 0xffff
        fc.pre(!mapped)
        const truncated = canonicalIpv6(kept.map((group) => group.toString(16)).join(":"))
        expect(truncateIp(address.written)).toBe(truncated)
        fc.pre(/\d/.test(address.written))
        expect(anonymiseText(`${before} ${address.written} ${after}`, PLACEHOLDER)).toBe(`${before} ${truncated} ${after}`)
      }),
      { numRuns: RUNS }
    )
  })

  it("in keyed_hash mode the value is gone too", () => {
    fc.assert(
      fc.property(inertText(20), personalValues, inertText(20), salts, (before, value, after, salt) => {
        const anonymised = anonymiseText(`${before} ${value.written} ${after}`, { mode: "keyed_hash", salt })
        expect(anonymised).not.toContain(value.written)
        expect(anonymised).toMatch(/^[^[]* \[[a-z]+:[0-9a-f]{12}\] [^[]*$/)
      }),
      { numRuns: RUNS }
    )
  })
})

describe("text without personal data", () => {
  it("comes back unchanged, and nothing is detected in it", () => {
    fc.assert(
      fc.property(inertText(200), salts, (text, salt) => {
        expect(detectPersonalData(text)).toEqual([])
        expect(anonymiseText(text, PLACEHOLDER)).toBe(text)
        expect(anonymiseText(text, { mode: "keyed_hash", salt })).toBe(text)
      }),
      { numRuns: RUNS }
    )
  })
})

describe("anonymiseText on any text", () => {
  const anyText = fc.oneof(mixedText, fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 40 }))

  it("is idempotent, in both modes", () => {
    fc.assert(
      fc.property(anyText, salts, (text, salt) => {
        const placeholders = anonymiseText(text, PLACEHOLDER)
        expect(anonymiseText(placeholders, PLACEHOLDER)).toBe(placeholders)
        const hashed = anonymiseText(text, { mode: "keyed_hash", salt })
        expect(anonymiseText(hashed, { mode: "keyed_hash", salt })).toBe(hashed)
      }),
      { numRuns: RUNS }
    )
  })

  it("leaves nothing detectable but truncated IP addresses", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const detection of detectPersonalData(anonymiseText(text, PLACEHOLDER))) {
          expect(detection.kind).toBe("ip")
          expect(truncateIp(detection.value)).toBe(detection.value)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it("never contains the original value of a detection", () => {
    fc.assert(
      fc.property(anyText, salts, (text, salt) => {
        const placeholders = anonymiseText(text, PLACEHOLDER)
        const hashed = anonymiseText(text, { mode: "keyed_hash", salt })
        for (const detection of detectPersonalData(text)) {
          if (detection.kind === "ip" && truncateIp(detection.value) === detection.value) continue
          expect(placeholders).not.toContain(detection.value)
          expect(hashed).not.toContain(detection.value)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it("keyed_hash is deterministic for a salt and differs across salts", () => {
    fc.assert(
      fc.property(mixedText, salts, salts, (text, salt, otherSalt) => {
        fc.pre(salt !== otherSalt)
        const hashed = anonymiseText(text, { mode: "keyed_hash", salt })
        expect(anonymiseText(text, { mode: "keyed_hash", salt })).toBe(hashed)
        if (detectPersonalData(text).some((detection) => detection.kind !== "ip")) {
          expect(anonymiseText(text, { mode: "keyed_hash", salt: otherSalt })).not.toBe(hashed)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it("is total: detections are sorted, non-overlapping and within the text", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        let previousEnd = 0
        for (const detection of detectPersonalData(text)) {
          expect(detection.start).toBeGreaterThanOrEqual(previousEnd)
          expect(detection.end).toBeGreaterThan(detection.start)
          expect(detection.end).toBeLessThanOrEqual(text.length)
          expect(text.slice(detection.start, detection.end)).toBe(detection.value)
          previousEnd = detection.end
        }
      }),
      { numRuns: RUNS }
    )
  })

  it("the same value spelt differently gets the same token", () => {
    fc.assert(
      fc.property(cards, salts, (card, salt) => {
        const digits = digitsOf(card.written)
        fc.pre(card.kinds.includes("card") && digits.length !== 14 && digits.length !== 15)
        const spaced = (digits.match(/.{1,4}/g) ?? []).join(" ")
        const dashed = (digits.match(/.{1,4}/g) ?? []).join("-")
        const token = anonymiseText(digits, { mode: "keyed_hash", salt })
        expect(anonymiseText(spaced, { mode: "keyed_hash", salt })).toBe(token)
        expect(anonymiseText(dashed, { mode: "keyed_hash", salt })).toBe(token)
      }),
      { numRuns: RUNS }
    )
  })
})
