/**
 * IP addresses, and their anonymisation by truncation: an IPv4 address keeps its /24 (the last
 * octet becomes 0), an IPv6 address its /48 (the first three groups), written in the canonical
 * compressed form (RFC 5952). An IPv4-mapped IPv6 address is truncated as the IPv4 it carries.
 */
import { isIPv4, isIPv6 } from "node:net"
import type { Detection } from "./detection.js"

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
/** Not inside a longer dotted number ("1.2.3.4.5" is a version, not an address). */
const IPV4 = new RegExp(`(?<!\\d)(?<!\\d\\.)${OCTET}(?:\\.${OCTET}){3}(?!\\d)(?!\\.\\d)`, "g")
/** Maximal runs, scanned once: what may be an IPv6 address is decided in code, without backtracking. */
const HEX_COLON_DOT_RUN = /[0-9A-Fa-f:.]+/g
const WORD_CHARACTER = /\w/
/** "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */
const MAX_IPV6_CHARACTERS = 45
/** "a::b" and "dead::beef" are valid addresses but read as words in prose; real ones hold a digit. */
const DECIMAL_DIGIT = /\d/
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/
const IPV6_GROUPS = 8
const KEPT_IPV6_GROUPS = 3

export const findIpAddresses = (text: string): ReadonlyArray<Detection> => {
  const found: Array<Detection> = []
  for (const match of text.matchAll(IPV4)) {
    found.push({ kind: "ip", start: match.index, end: match.index + match[0].length, value: match[0], normalised: match[0] })
  }
  for (const match of text.matchAll(HEX_COLON_DOT_RUN)) {
    const candidate = ipv6Candidate(text, match.index, match[0])
    if (candidate === undefined) continue
    const groups = parseIpv6(candidate.value)
    if (groups === undefined) continue
    found.push({ kind: "ip", start: candidate.start, end: candidate.start + candidate.value.length, value: candidate.value, normalised: formatIpv6(groups) })
  }
  return found
}

/**
 * The address a run may hold: not glued to a word on either side ("std::vector" is no address),
 * though it may follow a label and a colon ("client:2001:db8::1"), and without the punctuation
 * that may end a sentence ("… from 2001:db8::1.").
 */
const ipv6Candidate = (text: string, runStart: number, run: string): { readonly start: number; readonly value: string } | undefined => {
  if (WORD_CHARACTER.test(text.charAt(runStart + run.length))) return undefined
  let start = runStart
  let value = run
  if (WORD_CHARACTER.test(text.charAt(runStart - 1))) {
    if (!value.startsWith(":") || value.startsWith("::")) return undefined
    start += 1
    value = value.slice(1)
  }
  const leadingDots = /^\.*/.exec(value)?.[0].length ?? 0
  start += leadingDots
  value = trimTrailingPunctuation(value.slice(leadingDots))
  const plausible = value.length <= MAX_IPV6_CHARACTERS && countColons(value) >= 2 && DECIMAL_DIGIT.test(value)
  return plausible && isIPv6(value) ? { start, value } : undefined
}

/** The anonymised form of an address; undefined when `address` is not exactly an IP address. */
export const truncateIp = (address: string): string | undefined => {
  if (isIPv4(address)) return truncateIpv4(address)
  if (!isIPv6(address)) return undefined
  const groups = parseIpv6(withoutZone(address))
  if (groups === undefined) return undefined
  if (isIpv4Mapped(groups)) return `::ffff:${formatIpv4(groups[6] ?? 0, (groups[7] ?? 0) & 0xff00)}`
  return formatIpv6(groups.map((group, index) => (index < KEPT_IPV6_GROUPS ? group : 0)))
}

const truncateIpv4 = (address: string): string => `${address.slice(0, address.lastIndexOf("."))}.0`

/** A sentence may end right after an address ("…from 2001:db8::1."), and "a:b::c:" is no address. */
const trimTrailingPunctuation = (candidate: string): string => {
  let value = candidate.replace(/\.+$/, "")
  if (value.endsWith(":") && !value.endsWith("::")) value = value.slice(0, -1)
  return value
}

const countColons = (value: string): number => value.split(":").length - 1

const withoutZone = (address: string): string => {
  const zone = address.indexOf("%")
  return zone === -1 ? address : address.slice(0, zone)
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tail included); undefined if malformed. */
const parseIpv6 = (address: string): ReadonlyArray<number> | undefined => {
  const halves = address.split("::")
  if (halves.length > 2) return undefined
  const head = parseGroups(halves[0] ?? "")
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? "") : []
  if (head === undefined || tail === undefined) return undefined
  if (halves.length === 1) return head.length === IPV6_GROUPS ? head : undefined
  const missing = IPV6_GROUPS - head.length - tail.length
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined
}

const parseGroups = (part: string): Array<number> | undefined => {
  if (part === "") return []
  const pieces = part.split(":")
  const groups: Array<number> = []
  for (const [index, piece] of pieces.entries()) {
    if (HEX_GROUP.test(piece)) {
      groups.push(Number.parseInt(piece, 16))
    } else if (index === pieces.length - 1 && isIPv4(piece)) {
      const [a = 0, b = 0, c = 0, d = 0] = piece.split(".").map(Number)
      groups.push(a * 256 + b, c * 256 + d)
    } else {
      return undefined
    }
  }
  return groups
}

const isIpv4Mapped = (groups: ReadonlyArray<number>): boolean =>
  groups.length === IPV6_GROUPS && groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff

const formatIpv4 = (high: number, low: number): string => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`

/** RFC 5952: lower-case hex without leading zeros, the longest run (≥ 2) of zero groups as "::". */
const formatIpv6 = (groups: ReadonlyArray<number>): string => {
  if (isIpv4Mapped(groups)) return `::ffff:${formatIpv4(groups[6] ?? 0, groups[7] ?? 0)}`
  let bestStart = -1
  let bestLength = 0
  for (let start = 0; start < groups.length; ) {
    if (groups[start] !== 0) {
      start += 1
      continue
    }
    let end = start
    while (end < groups.length && groups[end] === 0) end += 1
    if (end - start > bestLength) {
      bestStart = start
      bestLength = end - start
    }
    start = end
  }
  const hex = groups.map((group) => group.toString(16))
  if (bestLength < 2) return hex.join(":")
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`
}
