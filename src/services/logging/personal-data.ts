/**
 * Free text in log lines (messages, failure texts) may quote what a user sent: it passes through
 * the GDPR anonymiser (emails, phones, NIR, SIRET, IBAN, cards replaced by typed placeholders; IP
 * addresses truncated) before it is written. Structured annotations are the code's own fields,
 * where identifiers are already keyed hashes.
 *
 * Cost: most lines cannot hold personal data at all (no `@`, fewer than 4 digits, fewer than two
 * colons) and skip the anonymiser; the rest are bounded to MAX_ANONYMISED_CHARS, since detection
 * costs tens of microseconds per short line and more on adversarial text.
 */
import { BlockList, isIP } from "node:net"
import { anonymiseText } from "../gdpr/anonymise/index.js"

export const MAX_ANONYMISED_CHARS = 8_192

/** The Hub's own and private networks' addresses: not a person's, and needed to read a log (e.g. where it listens). */
const INFRASTRUCTURE = new BlockList()
INFRASTRUCTURE.addSubnet("127.0.0.0", 8, "ipv4")
INFRASTRUCTURE.addSubnet("10.0.0.0", 8, "ipv4")
INFRASTRUCTURE.addSubnet("172.16.0.0", 12, "ipv4")
INFRASTRUCTURE.addSubnet("192.168.0.0", 16, "ipv4")
INFRASTRUCTURE.addAddress("0.0.0.0", "ipv4")
INFRASTRUCTURE.addAddress("::1", "ipv6")
INFRASTRUCTURE.addAddress("::", "ipv6")
INFRASTRUCTURE.addSubnet("fc00::", 7, "ipv6")
INFRASTRUCTURE.addSubnet("fe80::", 10, "ipv6")

const isInfrastructureAddress = (address: string): boolean => {
  const family = isIP(address)
  return family !== 0 && INFRASTRUCTURE.check(address, family === 4 ? "ipv4" : "ipv6")
}

/**
 * False only when no detector could match: every kind needs an `@` (emails), two colons (IPv6) or
 * at least four digits (IPv4, phones, NIR, SIREN/SIRET, IBAN, cards).
 */
export const mayHoldPersonalData = (text: string): boolean => {
  let digits = 0
  let colons = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 64 /* @ */) return true
    if (c >= 48 && c <= 57 && ++digits >= 4) return true
    if (c === 58 /* : */ && ++colons >= 2) return true
  }
  return false
}

export const anonymiseLogText = (text: string): string => {
  if (!mayHoldPersonalData(text)) return text
  const bounded = text.length > MAX_ANONYMISED_CHARS
    ? `${text.slice(0, MAX_ANONYMISED_CHARS)}… [${text.length - MAX_ANONYMISED_CHARS} characters cut]`
    : text
  return anonymiseText(bounded, { mode: "placeholder", keepAddress: isInfrastructureAddress })
}
