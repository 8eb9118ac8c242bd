// Stock Effect HttpApi server: what a newcomer writes from the Effect docs
// ("Registering a HttpApi" in @effect/platform's README), nothing tuned.
// Run as a child process by the benchmarks:
//   PORT=<port> node --import tsx bench/lib/stock-httpapi-server.ts
// GET /monitoring/health answers 200 with {"status":"healthy"} and
// content-type: application/json, like the reference server and the Hub.
// Deliberately left at the defaults: the tracer is on (every request gets a
// span), the router, body encoding and error handling are the stock ones. Only
// the per-request logger is disabled, as the Hub is benchmarked without its
// access logs too. NodeRuntime.runMain interrupts the server on SIGTERM/SIGINT.
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpLayerRouter } from "@effect/platform";
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node";
import { Effect, Layer, Schema } from "effect";
import { createServer } from "node:http";

const Health = Schema.Struct({ status: Schema.Literal("healthy") });

class Api extends HttpApi.make("api").add(
  HttpApiGroup.make("monitoring").add(HttpApiEndpoint.get("health", "/monitoring/health").addSuccess(Health)),
) {}

const MonitoringLive = HttpApiBuilder.group(Api, "monitoring", (handlers) =>
  handlers.handle("health", () => Effect.succeed({ status: "healthy" as const })),
);

const ApiRoutes = HttpLayerRouter.addHttpApi(Api).pipe(Layer.provide(MonitoringLive));

HttpLayerRouter.serve(ApiRoutes, { disableLogger: true }).pipe(
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env["PORT"]), host: "127.0.0.1" })),
  Layer.launch,
  NodeRuntime.runMain,
);
