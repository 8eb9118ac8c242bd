/**
 * The anonymiser by example: each kind of personal data with valid and invalid check digits, the
 * spellings people use, the overlaps between kinds, and the two replacement modes.
 */
import { describe, expect, it } from "@effect/vitest"
import { createHmac } from "node:crypto"
import {
  anonymiseText,
  detectPersonalData,
  type PersonalDataKind,
  truncateIp
} from "../../../src/services/gdpr/anonymise/index.js"

const SALT = "a-salt-of-sixteen-chars"

/** The detections of `text` as [kind, value] pairs, in order. */
const found = (text: string): ReadonlyArray<readonly [PersonalDataKind, string]> =>
  detectPersonalData(text).map((detection) => [detection.kind, detection.value] as const)

const placeholders = (text: string): string => anonymiseText(text, { mode: "placeholder" })
const hashed = (text: string, salt = SALT): string => anonymiseText(text, { mode: "keyed_hash", salt })
const expectedToken = (kind: string, normalised: string, salt = SALT): string =>
  `[${kind}:${createHmac("sha256", salt).update(normalised).digest("hex").slice(0, 12)}]`

describe("emails", () => {
  it("are found in prose, with their tags and subdomains, and not past the address", () => {
    expect(found("Écrire à jean.dupont+luna@mail.example.fr.")).toEqual([["email", "jean.dupont+luna@mail.example.fr"]])
    expect(found("<Marie_O'Neil@Example.COM>, mailto:x@y.io")).toEqual([["email", "Marie_O'Neil@Example.COM"], ["email", "x@y.io"]])
    expect(found("josé@exemple.fr")).toEqual([["email", "josé@exemple.fr"]])
  })

  it("need a domain with a top-level domain", () => {
    expect(found("user@localhost, @handle, a@b, user@.fr, name@domain.")).toEqual([])
  })

  it("hash in lower case: the same address in capitals gives the same token", () => {
    expect(hashed("Jean.Dupont@Example.FR")).toBe(expectedToken("email", "jean.dupont@example.fr"))
    expect(hashed("jean.dupont@example.fr")).toBe(hashed("JEAN.DUPONT@EXAMPLE.FR"))
  })
})

describe("IP addresses", () => {
  it("IPv4 keeps its first three octets", () => {
    expect(truncateIp("192.168.1.77")).toBe("192.168.1.0")
    expect(truncateIp("8.8.8.8")).toBe("8.8.8.0")
    expect(placeholders("from 192.168.1.77:8080 and 10.0.0.255.")).toBe("from 192.168.1.0:8080 and 10.0.0.0.")
  })

  it("IPv6 keeps its /48, in canonical compressed form", () => {
    expect(truncateIp("2001:0db8:85a3:0000:0000:8a2e:0370:7334")).toBe("2001:db8:85a3::")
    expect(truncateIp("2001:DB8:85A3::8A2E:370:7334")).toBe("2001:db8:85a3::")
    expect(truncateIp("2001:db8::1")).toBe("2001:db8::")
    expect(truncateIp("2001:0:0:1::1")).toBe("2001::")
    expect(truncateIp("::1")).toBe("::")
    expect(truncateIp("fe80::1%eth0")).toBe("fe80::")
    expect(truncateIp("1:2:3:4:5:6:7:8")).toBe("1:2:3::")
  })

  it("an IPv4-mapped IPv6 address is truncated as the IPv4 address it carries", () => {
    expect(truncateIp("::ffff:192.168.1.77")).toBe("::ffff:192.168.1.0")
    expect(truncateIp("::ffff:c0a8:14d")).toBe("::ffff:192.168.1.0")
  })

  it("truncateIp is undefined for anything but exactly an address", () => {
    for (const notAnAddress of ["", "x", "256.1.1.1", "1.2.3", " 1.2.3.4", "1.2.3.4 ", "01.2.3.4", "1::2::3", "12:30:45", "2001:db8::g"]) {
      expect(truncateIp(notAnAddress)).toBeUndefined()
    }
  })

  it("are found in their usual contexts, IPv6 forms included", () => {
    expect(found("client:2001:db8::1. [2001:db8:85a3::8a2e:370:7334]:443 fe80::1%eth0 ::ffff:10.1.2.3")).toEqual([
      ["ip", "2001:db8::1"],
      ["ip", "2001:db8:85a3::8a2e:370:7334"],
      ["ip", "fe80::1"],
      ["ip", "::ffff:10.1.2.3"]
    ])
    expect(placeholders("client:2001:db8::1. [2001:db8:85a3::8a2e:370:7334]:443 fe80::1%eth0")).toBe(
      "client:2001:db8::. [2001:db8:85a3::]:443 fe80::%eth0"
    )
  })

  it("times, MAC addresses, versions and C++ scopes are not addresses", () => {
    expect(found("at 12:30:45 on 00:1A:2B:3C:4D:5E running 1.2.3.4.5 with std::vector, a::b and dead::beef")).toEqual([])
  })

  it("are truncated, not hashed, in keyed_hash mode", () => {
    expect(hashed("from 192.168.1.77")).toBe("from 192.168.1.0")
  })
})

describe("phone numbers", () => {
  it("are found in French spellings and international ones", () => {
    const text = "Appelez le +33 6 12 34 56 78, le 06 12 34 56 78 ou le 0612345678 ; à Londres +44 20 7946 0958."
    expect(found(text)).toEqual([
      ["phone", "+33 6 12 34 56 78"],
      ["phone", "06 12 34 56 78"],
      ["phone", "0612345678"],
      ["phone", "+44 20 7946 0958"]
    ])
    expect(placeholders(text)).toBe("Appelez le [phone], le [phone] ou le [phone] ; à Londres [phone].")
  })

  it("hash as E.164: every spelling of one number gives one token", () => {
    const token = expectedToken("phone", "+33612345678")
    for (const spelling of ["+33 6 12 34 56 78", "06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33612345678"]) {
      expect(hashed(spelling)).toBe(token)
    }
    expect(hashed("+44 20 7946 0958")).toBe(expectedToken("phone", "+442079460958"))
  })

  it("a list of numbers is read as several numbers, not a number and an extension", () => {
    expect(found("0612345678, 0698765432;0145678901")).toEqual([
      ["phone", "0612345678"],
      ["phone", "0698765432"],
      ["phone", "0145678901"]
    ])
  })

  it("brackets before a number do not hide it, brackets inside one stay part of it", () => {
    expect(found("() +33 6 03 14 01 11")).toEqual([["phone", "+33 6 03 14 01 11"]])
    expect(found("[[ 06 03 14 01 11")).toEqual([["phone", "06 03 14 01 11"]])
    expect(found("US: +1 (650) 253-0000")).toEqual([["phone", "+1 (650) 253-0000"]])
  })

  it("a number stops before its extension", () => {
    expect(found("0612345678 x 4111 1111 1111 1111")).toEqual([["phone", "0612345678"], ["card", "4111 1111 1111 1111"]])
  })

  it("numbers that are no valid phone number are left alone", () => {
    expect(found("order 1234567890, code 42")).toEqual([])
  })

  it("a number written without a country code needs its trunk prefix 0", () => {
    expect(found("order 612345679, ticket 732829321")).toEqual([])
    expect(found("(0)6 12 34 56 78")).toEqual([["phone", "(0)6 12 34 56 78"]])
    expect(found("0033 6 12 34 56 78")).toEqual([["phone", "0033 6 12 34 56 78"]])
  })
})

describe("NIR (French social security number)", () => {
  it("is found with a valid key, spaced or in one piece", () => {
    expect(found("NIR 1 85 05 78 006 084 91 ou 185057800608491.")).toEqual([
      ["nir", "1 85 05 78 006 084 91"],
      ["nir", "185057800608491"]
    ])
  })

  it("is not found with a wrong key", () => {
    expect(found("1 85 05 78 006 084 92")).toEqual([])
    expect(found("185057800608490")).toEqual([])
  })

  it("in Corsica, 2A counts as 19 and 2B as 18 for the key", () => {
    expect(found("2 90 02 2A 004 123 04 et 290022b00412331")).toEqual([
      ["nir", "2 90 02 2A 004 123 04"],
      ["nir", "290022b00412331"]
    ])
    // 74 is the key of the number with "20" in place of "2A": wrong.
    expect(found("2 90 02 2A 004 123 74").filter(([kind]) => kind === "nir")).toEqual([])
  })

  it("hashes in upper case without spaces", () => {
    expect(hashed("2 90 02 2a 004 123 04")).toBe(expectedToken("nir", "290022A00412304"))
    expect(hashed("1 85 05 78 006 084 91")).toBe(hashed("185057800608491"))
  })
})

describe("SIREN and SIRET", () => {
  it("a SIREN passes Luhn, in one piece or in groups of three", () => {
    expect(found("SIREN 732829320 ou 732 829 320.")).toEqual([["siren", "732829320"], ["siren", "732 829 320"]])
    expect(found("SIREN 732829321")).toEqual([])
    expect(found("SIREN 732 829 321")).toEqual([])
  })

  it("a SIRET passes Luhn, and wins over the SIREN it starts with and the card it could be", () => {
    expect(found("SIRET 73282932000074, 732 829 320 00074, 732829320 00074")).toEqual([
      ["siret", "73282932000074"],
      ["siret", "732 829 320 00074"],
      ["siret", "732829320 00074"]
    ])
  })

  it("a 14-digit number failing Luhn is no SIRET", () => {
    expect(found("SIRET 73282932000075")).toEqual([])
  })

  it("La Poste's SIRETs add up to a multiple of 5; its head office passes Luhn", () => {
    expect(found("35600000049837 et 35600000000048")).toEqual([["siret", "35600000049837"], ["siret", "35600000000048"]])
    expect(found("35600000049838")).toEqual([])
  })

  it("hash as digits only", () => {
    expect(hashed("732 829 320 00074")).toBe(expectedToken("siret", "73282932000074"))
  })
})

describe("IBAN", () => {
  it("is found for any country, in groups of four or in one piece, in either case", () => {
    expect(found("IBAN FR76 3000 6000 0112 3456 7890 189, DE89370400440532013000, gb82 west 1234 5698 7654 32.")).toEqual([
      ["iban", "FR76 3000 6000 0112 3456 7890 189"],
      ["iban", "DE89370400440532013000"],
      ["iban", "gb82 west 1234 5698 7654 32"]
    ])
  })

  it("stops at its country's length even when a group of four follows", () => {
    expect(found("BE68 5390 0754 7034 CODE")).toEqual([["iban", "BE68 5390 0754 7034"]])
  })

  it("is not found with a wrong check, a wrong length or an unknown country", () => {
    expect(found("FR77 3000 6000 0112 3456 7890 189")).toEqual([])
    expect(found("FR76 3000 6000 0112 3456 7890 18")).toEqual([])
    expect(found("DE89370400440532013000X")).toEqual([])
    expect(found("ZZ89370400440532013000")).toEqual([])
  })

  it("wins over the numbers inside it, and hashes in electronic format", () => {
    expect(placeholders("FR76 3000 6000 0112 3456 7890 189")).toBe("[iban]")
    expect(hashed("fr76 3000 6000 0112 3456 7890 189")).toBe(expectedToken("iban", "FR7630006000011234567890189"))
  })
})

describe("payment cards", () => {
  it("are found with a valid Luhn check, with spaces, dashes or none", () => {
    expect(found("4111 1111 1111 1111 / 4111-1111-1111-1111 / 5555555555554444 / 3782 822463 10005")).toEqual([
      ["card", "4111 1111 1111 1111"],
      ["card", "4111-1111-1111-1111"],
      ["card", "5555555555554444"],
      ["card", "3782 822463 10005"]
    ])
  })

  it("a card-like number failing Luhn is left alone", () => {
    expect(found("4111 1111 1111 1112")).toEqual([])
    expect(placeholders("card 4111111111111112")).toBe("card 4111111111111112")
  })

  it("a number written after the card is not taken into it", () => {
    expect(found("4111 1111 1111 1111 2025")).toEqual([["card", "4111 1111 1111 1111"]])
  })

  it("hash as digits only", () => {
    expect(hashed("4111-1111-1111-1111")).toBe(expectedToken("card", "4111111111111111"))
  })
})

describe("overlaps", () => {
  it("the longest valid match wins", () => {
    // The email's local part is a phone number, the card starts with a valid SIREN.
    expect(found("0612345678@example.com 7328293201234565")).toEqual([
      ["email", "0612345678@example.com"],
      ["card", "7328293201234565"]
    ])
    // The phone matcher also reads a dotted quad as a number.
    expect(found("192.168.1.77")).toEqual([["ip", "192.168.1.77"]])
  })

  it("what a replacement uncovers is replaced too", () => {
    expect(placeholders("4111111111111111FR7630006000011234567890189")).toBe("[card][iban]")
  })
})

describe("anonymiseText", () => {
  const text = "Jean (jean@example.fr, 06 12 34 56 78) paid with 4111 1111 1111 1111 from 192.168.1.77, IBAN FR76 3000 6000 0112 3456 7890 189."

  it("replaces each value by a typed placeholder and truncates IP addresses", () => {
    expect(placeholders(text)).toBe("Jean ([email], [phone]) paid with [card] from 192.168.1.0, IBAN [iban].")
  })

  it("in keyed_hash mode writes the first 12 hex digits of HMAC-SHA256 under the salt", () => {
    expect(hashed(text)).toBe(
      `Jean (${expectedToken("email", "jean@example.fr")}, ${expectedToken("phone", "+33612345678")}) paid with ` +
        `${expectedToken("card", "4111111111111111")} from 192.168.1.0, IBAN ${expectedToken("iban", "FR7630006000011234567890189")}.`
    )
    expect(hashed(text, "another-salt-16chars")).not.toBe(hashed(text))
  })

  it("leaves text without personal data as it is", () => {
    expect(placeholders("")).toBe("")
    expect(placeholders("Rien à signaler, 42 fois : tout va bien (v1.2).")).toBe("Rien à signaler, 42 fois : tout va bien (v1.2).")
  })

  it("leaves its own tokens alone, even when their digits read as a phone number", () => {
    expect(placeholders("[phone:061234567812] [email] [iban:0a1b2c3d4e5f]")).toBe("[phone:061234567812] [email] [iban:0a1b2c3d4e5f]")
  })
})
