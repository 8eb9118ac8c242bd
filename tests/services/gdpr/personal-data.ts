/**
 * Generators of valid personal data for the anonymiser's property tests, with the check digits
 * computed here (BigInt arithmetic, written apart from the module under test), and of text
 * around them that holds none.
 */
import * as fc from "fast-check"
import type { PersonalDataKind } from "../../../src/services/gdpr/anonymise/index.js"

export interface WrittenValue {
  /** The value as it appears in the text. */
  readonly written: string
  /** The kinds it may be reported as (a 14-digit card is also a valid SIRET, which wins). */
  readonly kinds: ReadonlyArray<PersonalDataKind>
}

const digits = (count: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: count, maxLength: count }).map((list) => list.join(""))

const fromAlphabet = (alphabet: string, count: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { minLength: count, maxLength: count }).map((list) => list.join(""))

/** The digit that makes `payload` followed by it pass Luhn. */
export const luhnCheckDigit = (payload: string): string => {
  let sum = 0
  for (let fromRight = 0; fromRight < payload.length; fromRight++) {
    let digit = Number(payload[payload.length - 1 - fromRight])
    if (fromRight % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2
    sum += digit
  }
  return String((10 - (sum % 10)) % 10)
}

export const nirKey = (first13: string): string => {
  const number = first13.slice(0, 5) + ({ "2A": "19", "2B": "18" }[first13.slice(5, 7)] ?? first13.slice(5, 7)) + first13.slice(7)
  return String(97n - (BigInt(number) % 97n)).padStart(2, "0")
}

export const ibanCheckDigits = (country: string, bban: string): string => {
  const numeric = [...`${bban}${country}00`].map((char) => (/[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char)).join("")
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, "0")
}

const groupsOf = (text: string, size: number, separator: string): string =>
  (text.match(new RegExp(`.{1,${size}}`, "g")) ?? []).join(separator)

export const sirens: fc.Arbitrary<WrittenValue> = fc
  .tuple(digits(8), fc.boolean())
  .map(([payload, spaced]) => {
    const siren = payload + luhnCheckDigit(payload)
    return { written: spaced ? groupsOf(siren, 3, " ") : siren, kinds: ["siren"] }
  })

export const sirets: fc.Arbitrary<WrittenValue> = fc
  .tuple(digits(13), fc.constantFrom("compact", "spaced", "siren+nic"))
  .map(([payload, layout]) => {
    const siret = payload + luhnCheckDigit(payload)
    const written =
      layout === "compact"
        ? siret
        : layout === "spaced"
          ? `${groupsOf(siret.slice(0, 9), 3, " ")} ${siret.slice(9)}`
          : `${siret.slice(0, 9)} ${siret.slice(9)}`
    return { written, kinds: ["siret"] }
  })

const pad = (value: number, width: number): string => String(value).padStart(width, "0")

export const nirs: fc.Arbitrary<WrittenValue> = fc
  .record({
    sex: fc.constantFrom("1", "2", "3", "4", "7", "8"),
    year: fc.integer({ min: 0, max: 99 }),
    month: fc.integer({ min: 1, max: 12 }),
    department: fc.oneof(
      fc.integer({ min: 1, max: 95 }).filter((department) => department !== 20).map((department) => pad(department, 2)),
      fc.constantFrom("2A", "2B")
    ),
    commune: fc.integer({ min: 1, max: 999 }),
    order: fc.integer({ min: 1, max: 999 }),
    spaced: fc.boolean()
  })
  .map(({ sex, year, month, department, commune, order, spaced }) => {
    const groups = [sex, pad(year, 2), pad(month, 2), department, pad(commune, 3), pad(order, 3)]
    const key = nirKey(groups.join(""))
    return { written: [...groups, key].join(spaced ? " " : ""), kinds: ["nir"] }
  })

/** BBAN shapes per country: n digit, a capital letter, c either. */
const IBAN_SHAPES: ReadonlyArray<readonly [string, ReadonlyArray<readonly ["n" | "a" | "c", number]>]> = [
  ["FR", [["n", 10], ["c", 11], ["n", 2]]],
  ["DE", [["n", 18]]],
  ["GB", [["a", 4], ["n", 14]]],
  ["BE", [["n", 12]]],
  ["NL", [["a", 4], ["n", 10]]],
  ["ES", [["n", 20]]],
  ["IT", [["a", 1], ["n", 10], ["c", 12]]],
  ["CH", [["n", 5], ["c", 12]]]
]
const ALPHABETS = { n: "0123456789", a: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", c: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" }

export const ibans: fc.Arbitrary<WrittenValue> = fc
  .constantFrom(...IBAN_SHAPES)
  .chain(([country, shape]) =>
    fc.tuple(
      fc.constant(country),
      fc.tuple(...shape.map(([alphabet, count]) => fromAlphabet(ALPHABETS[alphabet], count))).map((parts) => parts.join("")),
      fc.constantFrom("compact", "spaced", "lower")
    )
  )
  .map(([country, bban, layout]) => {
    const iban = country + ibanCheckDigits(country, bban) + bban
    const written = layout === "compact" ? iban : layout === "spaced" ? groupsOf(iban, 4, " ") : groupsOf(iban.toLowerCase(), 4, " ")
    return { written, kinds: ["iban"] }
  })

export const cards: fc.Arbitrary<WrittenValue> = fc
  .integer({ min: 13, max: 19 })
  .chain((length) => fc.tuple(fc.integer({ min: 1, max: 9 }), digits(length - 2), fc.constantFrom("", " ", "-")))
  .map(([first, rest, separator]) => {
    const payload = String(first) + rest
    const card = payload + luhnCheckDigit(payload)
    const written = separator === "" ? card : groupsOf(card, 4, separator)
    // In one piece, 14 Luhn-valid digits are a SIRET (which takes precedence) and 15 may be a NIR.
    const kinds: ReadonlyArray<PersonalDataKind> =
      separator === "" && card.length === 14 ? ["siret"] : separator === "" && card.length === 15 ? ["card", "nir"] : ["card"]
    return { written, kinds }
  })

const LOCAL = "abcdefghijklmnopqrstuvwxyz0123456789"
export const emails: fc.Arbitrary<WrittenValue> = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...LOCAL), minLength: 1, maxLength: 12 }),
    fc.constantFrom("", ".", "+", "_", "-"),
    fc.string({ unit: fc.constantFrom(...LOCAL), minLength: 1, maxLength: 8 }),
    fc.array(fc.string({ unit: fc.constantFrom(...LOCAL), minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 3 }),
    fc.constantFrom("fr", "com", "org", "co", "museum"),
    fc.boolean()
  )
  .map(([user, joiner, tag, labels, topLevel, upper]) => {
    const email = `${user}${joiner}${tag}@${labels.join(".")}.${topLevel}`
    return { written: upper ? email.toUpperCase() : email, kinds: ["email"] }
  })

/** French mobile numbers (06 6[0-24-8]…, all valid) and London numbers, in their usual spellings. */
export const phones: fc.Arbitrary<WrittenValue> = fc
  .oneof(
    fc.tuple(fc.constantFrom("0", "1", "2", "4", "5", "6", "7", "8"), digits(7)).map(([third, rest]) => {
      const national = `6${third}${rest}`
      return fc.constantFrom(
        `0${national}`,
        `0${national[0]} ${groupsOf(national.slice(1), 2, " ")}`,
        `+33 ${national[0]} ${groupsOf(national.slice(1), 2, " ")}`,
        `+33${national}`,
        `0${national[0]}.${groupsOf(national.slice(1), 2, ".")}`
      )
    }),
    digits(4).map((last) => fc.constantFrom(`+44 20 7946 ${last}`, `+442079460${last.slice(1)}`))
  )
  .chain((spellings) => spellings)
  .map((written) => ({ written, kinds: ["phone"] }))

export const personalValues: fc.Arbitrary<WrittenValue> = fc.oneof(sirens, sirets, nirs, ibans, cards, emails, phones)

/** Letters, spaces and punctuation: nothing of it can be read as personal data. */
export const INERT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèàçÉ .,;!?'\"()-\n"
export const inertText = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...INERT_ALPHABET), maxLength })

export const ipv4Addresses: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
  .map((octets) => octets.join("."))

/** Eight groups written in full, without leading zeros, or in WHATWG URL's canonical (compressed) form. */
export const ipv6Addresses: fc.Arbitrary<{ readonly written: string; readonly groups: ReadonlyArray<number> }> = fc
  .tuple(
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
    fc.constantFrom("full", "short", "canonical")
  )
  .map(([groups, spelling]) => {
    const full = groups.map((group) => group.toString(16).padStart(4, "0")).join(":")
    const written =
      spelling === "full" ? full : spelling === "short" ? groups.map((group) => group.toString(16)).join(":") : canonicalIpv6(full)
    return { written, groups }
  })

/** WHATWG URL serialises an IPv6 host in RFC 5952 form: an oracle written apart from the module. */
export const canonicalIpv6 = (address: string): string => new URL(`http://[${address}]/`).hostname.slice(1, -1)
