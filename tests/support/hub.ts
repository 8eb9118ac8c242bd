/**
 * A whole Hub for door tests: the real layers on a backend of the suite's choice ("embedded":
 * PGlite + memory store; "real": Postgres + Redis), listening on a free loopback port, with
 * optional extra routes, a cuttable proxy in front of the database and captured log lines.
 */
import { type HttpLayerRouter } from "@effect/platform"
import { expect } from "@effect/vitest"
import { type Clock, Context, Effect, Layer, Logger, Option, type Scope } from "effect"
import { ListeningAddress } from "../../src/http/server.js"
import { makeHub } from "../../src/layers/hub.js"
import { jsonLogger } from "../../src/services/logging/logger.js"
import { awaitMigrated } from "../../src/services/database/live.js"
import { ApiKeys } from "../../src/services/keys/ApiKeys.js"
import { TEST_ADMIN_KEY } from "./auth.js"
import { type BackendName, runToken, TEST_REDIS_URL } from "./backends.js"
import { databaseLayer, eventually, tcpProxy, type TcpProxy } from "./database.js"
import { runnerPortEnv } from "./energy.js"
import { redisLayer } from "./redis.js"

export interface TestHubOptions {
  /** Settings as environment variables (PORT and HOST are set for you). */
  readonly env?: Readonly<Record<string, string>>
  /** Put a TCP proxy between the pool and the database, reachable through `TestHub.databaseProxy`. */
  readonly databaseProxy?: boolean
  /** Real: put a TCP proxy between the Hub and Redis (store, cache and limits), as `TestHub.redisProxy`. */
  readonly redisProxy?: boolean
  /** Extra routes served beside the Hub's (e.g. one that dies, to test the edge). */
  readonly routes?: Layer.Layer<never, never, HttpLayerRouter.HttpRouter>
  /** Real: use this database (kept) instead of a fresh one, e.g. for two Hubs of one cluster. */
  readonly databaseUrl?: string
  /** The Hub's clock (default: the live one), e.g. an `adjustableClock()`. */
  readonly clock?: Clock.Clock
}

export interface TestHubService {
  readonly url: string
  readonly logs: ReadonlyArray<string>
  readonly databaseProxy: Option.Option<TcpProxy>
  readonly redisProxy: Option.Option<TcpProxy>
}

export class TestHub extends Context.Tag("test/TestHub")<TestHub, TestHubService>() {}

export const testHubLayer = (backend: BackendName, options: TestHubOptions = {}) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const logs: Array<string> = []
      const logger = jsonLogger((line) => logs.push(line))
      let proxy = Option.none<TcpProxy>()
      const route = options.databaseProxy
        ? (upstream: { readonly host: string; readonly port: number }): Effect.Effect<{ host: string; port: number }, never, Scope.Scope> =>
            Effect.map(tcpProxy(upstream), (p) => {
              proxy = Option.some(p)
              return { host: "127.0.0.1", port: p.port }
            })
        : undefined
      // Over Postgres each Hub is a cluster runner listening on a port of its own.
      const runner = yield* runnerPortEnv
      // Real: the Hub's settings name the suite's Redis prefix too (the cache opens its own connections from them).
      const redisPrefix = `luna_t_${runToken()}:`
      const redisProxy = backend === "real" && options.redisProxy === true
        ? Option.some(yield* tcpProxy(redisAddress(TEST_REDIS_URL)))
        : Option.none<TcpProxy>()
      const redisUrl = Option.match(redisProxy, { onNone: () => TEST_REDIS_URL, onSome: (p) => `redis://127.0.0.1:${p.port}` })
      const redisEnv = backend === "real" ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisPrefix } : {}
      const database = databaseLayer(backend, {
        env: { PORT: "0", HOST: "127.0.0.1", ...runner, ...redisEnv, ...options.env },
        layer: route === undefined ? {} : { route },
        logger,
        ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl })
      })
      // The database layer's settings win: they carry PORT/HOST and the test's env.
      const infrastructure = Layer.merge(redisLayer(backend, { logger, prefix: redisPrefix, url: redisUrl }), database)
      const hub = makeHub(infrastructure, options.routes ?? Layer.empty)
      const testHub = Layer.effect(
        TestHub,
        Effect.map(ListeningAddress, (address) => ({
          url: address.url,
          logs,
          get databaseProxy() {
            return proxy
          },
          redisProxy
        }))
      )
      // The bootstrap admin key (TEST_ADMIN_KEY) is installed in the background once migrated:
      // tests start when it exists.
      const bootstrapped = Layer.effectDiscard(
        Effect.zipRight(
          awaitMigrated,
          Effect.flatMap(ApiKeys, (keys) => eventually(Effect.orDie(keys.list), (list) => list.length > 0, "30 seconds"))
        )
      )
      return Layer.merge(testHub, bootstrapped).pipe(
        Layer.provideMerge(hub),
        Layer.provide(Logger.replace(Logger.defaultLogger, logger)),
        Layer.provide(options.clock === undefined ? Layer.empty : Layer.setClock(options.clock))
      )
    })
  )

const redisAddress = (url: string) => {
  const parsed = new URL(url)
  return { host: parsed.hostname, port: Number(parsed.port || 6379) }
}

/** A JSON body as tests read it. */
export type Json = Record<string, any>

/** The answer's JSON body, once its status is `status` (the body is shown when it is not). */
export const ok = (answer: HttpAnswer, status = 200): Json => {
  expect(answer.status, answer.text).toBe(status)
  return answer.json as Json
}

export interface HttpAnswer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

/**
 * One HTTP request to the test Hub (plain fetch: what a Phoenix app does), as the bootstrap admin
 * unless `init.headers` sets its own `authorization`. `callAs` picks the credential (none: undefined).
 */
export const call = (path: string, init: RequestInit = {}): Effect.Effect<HttpAnswer, never, TestHub> =>
  callAs(TEST_ADMIN_KEY, path, init)

export const callAs = (credential: string | undefined, path: string, init: RequestInit = {}): Effect.Effect<HttpAnswer, never, TestHub> =>
  Effect.flatMap(TestHub, (hub) =>
    Effect.promise(async () => {
      const headers = new Headers(init.headers)
      if (credential !== undefined && !headers.has("authorization")) headers.set("authorization", `Bearer ${credential}`)
      const response = await fetch(`${hub.url}${path}`, { ...init, headers })
      const text = await response.text()
      let json: unknown = undefined
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, headers: response.headers, text, json }
    })
  )

/** The envelope's `error` object of an answer, typed loosely for assertions. */
export const errorOf = (answer: HttpAnswer): Record<string, unknown> =>
  ((answer.json as { error?: Record<string, unknown> } | undefined)?.error ?? {})
