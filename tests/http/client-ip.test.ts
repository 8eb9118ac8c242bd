/**
 * Which address a request comes from: the socket's peer, or, behind proxies the operator trusts,
 * the first untrusted address of `X-Forwarded-For` read from the right.
 */
import { describe, expect, it } from "@effect/vitest"
import { clientIp, normaliseAddress, parseProxyEntry, trustedProxies } from "../../src/http/client-ip.js"

const none = trustedProxies([])
const proxies = trustedProxies(["10.0.0.0/8", "127.0.0.1", "fd00::/8"])

describe("client IP", () => {
  it("without trusted proxies, the socket's peer, whatever X-Forwarded-For says", () => {
    expect(clientIp("203.0.113.7", undefined, none)).toBe("203.0.113.7")
    expect(clientIp("203.0.113.7", "198.51.100.1", none)).toBe("203.0.113.7")
  })

  it("an untrusted peer's X-Forwarded-For is ignored (anyone can send it)", () => {
    expect(clientIp("203.0.113.7", "198.51.100.1", proxies)).toBe("203.0.113.7")
  })

  it("behind trusted proxies, the first untrusted hop from the right", () => {
    expect(clientIp("10.1.2.3", "198.51.100.1", proxies)).toBe("198.51.100.1")
    // The client forged a first hop; the proxies appended what they saw after it.
    expect(clientIp("10.1.2.3", "1.1.1.1, 198.51.100.1, 10.9.9.9", proxies)).toBe("198.51.100.1")
    expect(clientIp("127.0.0.1", "2001:db8::1, fd00::2", proxies)).toBe("2001:db8::1")
  })

  it("all hops trusted: the leftmost; no usable header: the peer", () => {
    expect(clientIp("10.1.2.3", "10.4.4.4, 10.5.5.5", proxies)).toBe("10.4.4.4")
    expect(clientIp("10.1.2.3", undefined, proxies)).toBe("10.1.2.3")
    expect(clientIp("10.1.2.3", "not-an-ip, ", proxies)).toBe("10.1.2.3")
  })

  it("an IPv4 peer on a dual-stack socket is its IPv4 address", () => {
    expect(normaliseAddress("::ffff:10.1.2.3")).toBe("10.1.2.3")
    expect(clientIp("::ffff:10.1.2.3", "198.51.100.1", proxies)).toBe("198.51.100.1")
    expect(clientIp("::ffff:203.0.113.7", undefined, none)).toBe("203.0.113.7")
  })

  it("no socket address: unknown", () => {
    expect(clientIp(undefined, "198.51.100.1", proxies)).toBeUndefined()
  })

  it("TRUSTED_PROXIES entries are addresses or CIDR ranges of their family", () => {
    expect(parseProxyEntry("10.0.0.0/8")).toEqual({ address: "10.0.0.0", prefix: 8 })
    expect(parseProxyEntry("::1")).toEqual({ address: "::1" })
    expect(parseProxyEntry("fd00::/128")).toEqual({ address: "fd00::", prefix: 128 })
    for (const bad of ["10.0.0.0/33", "fd00::/129", "10.0.0.0/8/1", "example.com", "10.0.0.0/", "10.0.0.0/x"]) {
      expect(parseProxyEntry(bad), bad).toBeUndefined()
    }
  })
})
