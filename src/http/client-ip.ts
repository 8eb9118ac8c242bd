/**
 * The client's IP address, for limits per client: the socket's peer, unless that peer is a proxy
 * the operator trusts (`TRUSTED_PROXIES`), in which case `X-Forwarded-For` is read from the right
 * (each trusted proxy appended the address it saw) and the first address not itself trusted is the
 * client. An untrusted peer's `X-Forwarded-For` is ignored: anyone can send that header.
 */
import { randomBytes } from "node:crypto"
import { BlockList, isIP } from "node:net"

/**
 * How the edge hands the client's address to the RPC door, which sees only headers: a header whose
 * name is drawn at random per process, so no client can send it (an RPC message's own headers
 * are merged over the request's).
 */
export const PEER_HEADER = `x-luna-peer-${randomBytes(12).toString("hex")}`

export interface TrustedProxies {
  readonly trusts: (address: string) => boolean
  readonly empty: boolean
}

/** `1.2.3.4`, `10.0.0.0/8`, `::1`, `fd00::/8`: what `TRUSTED_PROXIES` lists. */
export const parseProxyEntry = (entry: string): { readonly address: string; readonly prefix?: number } | undefined => {
  const [address, prefix, ...rest] = entry.split("/")
  const family = isIP(address ?? "")
  if (family === 0 || rest.length > 0) return undefined
  if (prefix === undefined) return { address: address! }
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return undefined
  return { address: address!, prefix: Number(prefix) }
}

/** `::ffff:10.1.2.3` (an IPv4 peer on a dual-stack socket) is `10.1.2.3`. */
export const normaliseAddress = (address: string): string => {
  const trimmed = address.trim()
  return trimmed.startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed
}

export const trustedProxies = (entries: ReadonlyArray<string>): TrustedProxies => {
  const list = new BlockList()
  for (const entry of entries) {
    const parsed = parseProxyEntry(entry)
    if (parsed === undefined) throw new Error(`not an IP address or CIDR range: ${entry}`) // config validated it
    const type = isIP(parsed.address) === 4 ? "ipv4" : "ipv6"
    if (parsed.prefix === undefined) list.addAddress(parsed.address, type)
    else list.addSubnet(parsed.address, parsed.prefix, type)
  }
  return {
    empty: entries.length === 0,
    trusts: (address) => {
      const normalised = normaliseAddress(address)
      const family = isIP(normalised)
      return family !== 0 && list.check(normalised, family === 4 ? "ipv4" : "ipv6")
    }
  }
}

/** The client address, or undefined when the socket has none (a closed connection, a test double). */
export const clientIp = (
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies
): string | undefined => {
  if (socketAddress === undefined) return undefined
  const peer = normaliseAddress(socketAddress)
  if (trusted.empty || forwardedFor === undefined || !trusted.trusts(peer)) return peer
  const hops = forwardedFor.split(",").map(normaliseAddress).filter((hop) => isIP(hop) !== 0)
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted.trusts(hops[i]!)) return hops[i]
  }
  // Every hop is a trusted proxy: the leftmost is the closest thing to a client we know.
  return hops[0] ?? peer
}
