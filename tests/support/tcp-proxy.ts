/**
 * A TCP proxy on a free loopback port that tests put between a client and a real server to
 * simulate outages: `cut` (connections reset, new ones refused), `freeze` (connections kept, bytes
 * held back: a hung server) and `restore`. Closed with the scope.
 */
import { Effect, type Scope } from "effect"
import * as net from "node:net"

export interface TcpProxy {
  readonly port: number
  /** Resets every open connection and resets new ones until `restore`. */
  readonly cut: Effect.Effect<void>
  /** Keeps the connections but stops forwarding in both directions until `restore`. */
  readonly freeze: Effect.Effect<void>
  readonly restore: Effect.Effect<void>
  /** Connections currently forwarded (or held). */
  readonly openConnections: Effect.Effect<number>
}

type Pair = readonly [client: net.Socket, remote: net.Socket]

export const tcpProxy = (
  upstream: { readonly host: string; readonly port: number },
  options: { readonly startCut?: boolean } = {}
): Effect.Effect<TcpProxy, never, Scope.Scope> =>
  Effect.gen(function* () {
    let up = options.startCut !== true
    let frozen = false
    const pairs = new Set<Pair>()

    // Frozen = unpiped and paused: bytes wait in the socket buffers and flow again on `restore`.
    const forward = ([client, remote]: Pair) => {
      client.pipe(remote)
      remote.pipe(client)
      client.resume()
      remote.resume()
    }
    const hold = ([client, remote]: Pair) => {
      client.unpipe(remote)
      remote.unpipe(client)
      client.pause()
      remote.pause()
    }

    const server = net.createServer((client) => {
      client.on("error", () => {})
      if (!up) {
        client.resetAndDestroy()
        return
      }
      const remote = net.connect({ host: upstream.host, port: upstream.port })
      remote.on("error", () => {})
      const pair: Pair = [client, remote]
      pairs.add(pair)
      const close = () => {
        pairs.delete(pair)
        client.destroy()
        remote.destroy()
      }
      client.on("close", close)
      remote.on("close", close)
      if (frozen) hold(pair)
      else forward(pair)
    })

    const resetAll = () => {
      for (const [client, remote] of pairs) {
        client.resetAndDestroy()
        remote.destroy()
      }
      pairs.clear()
    }

    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          resetAll()
          server.close(() => resume(Effect.void))
        })
    )

    return {
      port,
      cut: Effect.sync(() => {
        up = false
        resetAll()
      }),
      freeze: Effect.sync(() => {
        frozen = true
        pairs.forEach(hold)
      }),
      restore: Effect.sync(() => {
        up = true
        if (frozen) {
          frozen = false
          pairs.forEach(forward)
        }
      }),
      openConnections: Effect.sync(() => pairs.size)
    }
  })
