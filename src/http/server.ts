/**
 * Serves the shared router on one port behind the edge, and owns the graceful stop: when the
 * scope closes (SIGTERM/SIGINT), stop accepting, answer `Connection: close`, let in-flight
 * requests finish within the drain time, then close what is left before the pools close.
 */
import { FileSystem, HttpLayerRouter, HttpMiddleware, HttpServer } from "@effect/platform"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import { NodeHttpServer } from "@effect/platform-node"
import { Duration, Effect, FiberRef, Layer, LogLevel, Option } from "effect"
import * as http from "node:http"
import { HubConfig } from "../config.js"
import { Figures } from "../services/monitoring/figures.js"
import { Lifecycle } from "../services/monitoring/lifecycle.js"
import { withRequestSpan } from "../services/telemetry/http-span.js"
import { tracingEnabled } from "../services/telemetry/tracing.js"
import { Admission } from "../services/rate-limit/admission.js"
import { trustedProxies } from "./client-ip.js"
import { makeIdentifierHasher } from "../services/auth/identifier-hash.js"
import { makeEdge, InFlightRequests } from "./edge.js"
import { DOCS_PATH } from "./routes.js"

/** The address the Hub listens on, once it does (PORT=0 picks a free port). */
export class ListeningAddress extends Effect.Tag("luna/ListeningAddress")<ListeningAddress, {
  readonly host: string
  readonly port: number
  readonly url: string
}>() {}

const serveRouter = Effect.gen(function* () {
  const settings = yield* HubConfig
  const lifecycle = yield* Lifecycle
  const router = yield* HttpLayerRouter.HttpRouter
  const nodeServer = yield* NodeServer
  const inFlight = new InFlightRequests()
  const minimumLevel = yield* FiberRef.get(FiberRef.currentMinimumLogLevel)
  const admission = yield* Admission
  const figures = yield* Figures
  const edge = makeEdge(
    router.asHttpEffect(),
    {
      ...settings.server,
      accessLog: LogLevel.greaterThanEqual(LogLevel.Info, minimumLevel),
      hashIdentifier: makeIdentifierHasher(settings.gdpr.anonymizationSalt),
      recordRequest: figures.recordRequest,
      limits: settings.rateLimit.enabled
        ? { admit: admission.admit, trustedProxies: trustedProxies(settings.rateLimit.trustedProxies) }
        : undefined
    },
    inFlight
  )
  // A span per request only with an OTLP endpoint, and ours (telemetry/http-span.ts): the
  // platform's, always off here, records every header and measured about twice the cost.
  const requests = tracingEnabled(settings) ? withRequestSpan(edge) : edge
  yield* HttpServer.serveEffect(requests).pipe(
    Effect.locally(HttpMiddleware.currentTracerDisabledWhen, () => true),
    // Read by every request's body parser; set once here rather than per request.
    Effect.provideService(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(settings.server.maxBodyBytes)))
  )

  // Registered after serving, so it runs first when the scope closes.
  yield* Effect.addFinalizer(() =>
    Effect.gen(function* () {
      yield* lifecycle.beginDrain
      inFlight.draining = true
      nodeServer.close()
      nodeServer.closeIdleConnections()
      const pending = inFlight.size
      yield* Effect.logInfo(`Draining: ${pending} request(s) in flight`).pipe(Effect.annotateLogs({ logger: "lifecycle" }))
      const finished = yield* inFlight.idle.pipe(Effect.timeout(Duration.millis(settings.server.shutdownDrainMs)), Effect.isSuccess)
      if (!finished) {
        yield* Effect.logWarning(`Drain time elapsed with ${inFlight.size} request(s) still in flight; closing them`).pipe(
          Effect.annotateLogs({ logger: "lifecycle" })
        )
      }
      nodeServer.closeAllConnections()
    })
  )
})

class NodeServer extends Effect.Tag("luna/NodeServer")<NodeServer, http.Server>() {}

/** The Hub's HTTP server: router + edge on `HOST:PORT`, plus its listening address. */
export const HubHttpServer = <E, R>(routes: Layer.Layer<never, E, R>) =>
  Layer.unwrapEffect(
    Effect.map(HubConfig, (settings) => {
      const nodeServer = http.createServer({ keepAliveTimeout: 5_000 })
      const listening = Layer.effect(
        ListeningAddress,
        HttpServer.addressWith((address) => {
          const host = address._tag === "TcpAddress" ? address.hostname : "unix"
          const port = address._tag === "TcpAddress" ? address.port : 0
          const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host
          return Effect.succeed({ host, port, url: `http://${shownHost}:${port}` })
        })
      )
      return Layer.scopedDiscard(serveRouter).pipe(
        Layer.provide(routes),
        // Stream ids (`<type>:<id>`) may be 241 characters; the router's default limit is 100.
        Layer.provide(HttpLayerRouter.layer.pipe(Layer.provide(Layer.succeed(HttpLayerRouter.RouterConfig, { maxParamLength: 256 })))),
        Layer.merge(listening),
        Layer.provide(Layer.succeed(NodeServer, nodeServer)),
        Layer.provide(NodeHttpServer.layer(() => nodeServer, { port: settings.server.port, host: settings.server.host }))
      )
    })
  )

export const startupLine = (url: string, mode: string) =>
  `Luna Hub listening on ${url} (mode ${mode}); docs at ${url}${DOCS_PATH}`
