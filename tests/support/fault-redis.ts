/**
 * A Redis server of the fault suite's own (`redis-server` on a free loopback port, nothing saved to
 * disk), so stopping it takes down no other suite's Redis. `stop` and `start` are the outage: the
 * server comes back on the same port, empty (as a Redis without persistence restarts).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import * as net from "node:net"
import { getFreePort } from "../../bench/lib/net.js"

export interface OwnRedis {
  readonly port: number
  readonly url: string
  /** Starts the server (again) on `port` and resolves once it answers PING. */
  readonly start: () => Promise<void>
  /** SIGKILL, as a crashed server: connections drop at once, nothing is flushed. */
  readonly stop: () => Promise<void>
  readonly running: () => boolean
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One PING over a fresh connection: true when the server answers +PONG within `timeoutMs`. */
export const redisAnswers = (port: number, timeoutMs = 1_000): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once("error", () => done(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.once("data", (data) => done(data.toString("utf8").startsWith("+PONG")))
  })

export const ownRedis = async (): Promise<OwnRedis> => {
  const port = await getFreePort()
  let child: ChildProcess | undefined
  // Last resort (a timed-out test whose cleanup never ran): the server does not outlive the test process.
  process.once("exit", () => child?.kill("SIGKILL"))

  const start = async () => {
    if (child !== undefined) return
    const started = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore"
    })
    started.on("error", () => {})
    child = started
    void once(started, "exit").then(() => {
      if (child === started) child = undefined
    })
    const deadline = Date.now() + 15_000
    while (!(await redisAnswers(port))) {
      if (child !== started) throw new Error(`redis-server on port ${port} exited at start (is redis-server installed?)`)
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within 15 s`)
      await sleep(50)
    }
  }

  const stop = async () => {
    const running = child
    if (running === undefined) return
    child = undefined
    const exited = once(running, "exit")
    running.kill("SIGKILL")
    await exited
  }

  return { port, url: `redis://127.0.0.1:${port}`, start, stop, running: () => child !== undefined }
}
