// The Hub (embedded mode, its real layers, as src/main.ts builds it) plus three
// bench-only routes, for `npm run bench:auth`. Run as a child process:
//   PORT=<port> HOST=127.0.0.1 DATA_DIR=<dir> HUB_BOOTSTRAP_ADMIN_KEY=<key> \
//     node --import tsx bench/lib/auth-hub-server.ts
// - GET /bench/authenticated: behind the Hub's `Authentication` middleware with
//   an `Access.admin` policy, like /admin/keys; answers {"status":"ok"}.
// - GET /bench/public: the same endpoint without the middleware, same body.
// - GET /bench/settings: {"keyCacheSeconds":<API_KEY_CACHE_SECONDS in force>}.
// - GET /bench/cpu: this process's CPU time so far (process.cpuUsage()), so the
//   bench can report server CPU per request, which machine load distorts less than req/s.
// Both measured endpoints do no other work, so their difference is what
// authentication costs per request. The bench API is a second HttpApi on the
// Hub's router, next to the Hub's own routes, behind the same edge.
// NodeRuntime.runMain interrupts the Hub on SIGTERM/SIGINT (graceful drain).
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpLayerRouter } from "@effect/platform";
import { NodeRuntime } from "@effect/platform-node";
import { Cause, Effect, Layer, Option, Schema } from "effect";
import { HubConfig } from "../../src/config.js";
import { Authentication, AuthenticationLive } from "../../src/http/authentication.js";
import { RouteLabel } from "../../src/http/route-label.js";
import { ListeningAddress } from "../../src/http/server.js";
import { EmbeddedInfrastructure } from "../../src/layers/embedded.js";
import { makeHub } from "../../src/layers/hub.js";
import { Access, AccessAnnotation } from "../../src/services/auth/schema.js";
import { loggerLayer } from "../../src/services/logging/logger.js";
import { innermostMessage, settingsOrExit } from "../../src/startup.js";
import { AUTHENTICATED_PATH, CPU_PATH, PUBLIC_PATH, SETTINGS_PATH } from "./auth-paths.js";

const Ok = Schema.Struct({ status: Schema.Literal("ok") });
const ok = { status: "ok" as const };

class BenchAuthApi extends HttpApi.make("luna-bench-auth")
  .add(
    HttpApiGroup.make("authenticated")
      .add(HttpApiEndpoint.get("authenticated", AUTHENTICATED_PATH).addSuccess(Ok))
      .middleware(Authentication)
      .annotate(AccessAnnotation, Access.admin),
  )
  .add(
    HttpApiGroup.make("public")
      .add(HttpApiEndpoint.get("public", PUBLIC_PATH).addSuccess(Ok))
      .add(HttpApiEndpoint.get("settings", SETTINGS_PATH).addSuccess(Schema.Struct({ keyCacheSeconds: Schema.Int })))
      .add(HttpApiEndpoint.get("cpu", CPU_PATH).addSuccess(Schema.Struct({ userMicros: Schema.Number, systemMicros: Schema.Number }))),
  ) {}

const AuthenticatedLive = HttpApiBuilder.group(BenchAuthApi, "authenticated", (handlers) =>
  handlers.handle("authenticated", () => Effect.succeed(ok)),
).pipe(Layer.provide(AuthenticationLive(BenchAuthApi)));

const PublicLive = HttpApiBuilder.group(BenchAuthApi, "public", (handlers) =>
  Effect.map(HubConfig, (settings) =>
    handlers
      .handle("public", () => Effect.succeed(ok))
      .handle("settings", () => Effect.succeed({ keyCacheSeconds: settings.auth.keyCacheSeconds }))
      .handle("cpu", () =>
        Effect.sync(() => {
          const usage = process.cpuUsage();
          return { userMicros: usage.user, systemMicros: usage.system };
        }),
      ),
  ),
);

// Same route-label middleware as the Hub's own routes (src/http/routes.ts).
const BenchAuthRoutes = HttpLayerRouter.addHttpApi(BenchAuthApi).pipe(
  Layer.provide([AuthenticatedLive, PublicLive]),
  Layer.provide(RouteLabel.layer),
);

const hubSettings = settingsOrExit();
if (hubSettings.mode !== "embedded") {
  process.stderr.write(`auth-hub-server: expected embedded mode (no DATABASE_URL), got ${hubSettings.mode}\n`);
  process.exit(1);
}

// From here on, as src/main.ts runs the Hub.
const program = Effect.gen(function* () {
  const address = yield* ListeningAddress;
  yield* Effect.logInfo(`bench auth Hub listening on ${address.url}`);
  return yield* Effect.never;
}).pipe(
  Effect.provide(makeHub(EmbeddedInfrastructure, BenchAuthRoutes).pipe(Layer.provide(Layer.succeed(HubConfig, hubSettings)))),
  Effect.tapErrorCause((cause) => Effect.logError(`bench auth Hub could not start: ${innermostMessage(Cause.squash(cause))}`, cause)),
  Effect.withTracerEnabled(Option.isSome(hubSettings.telemetry.otlpEndpoint)),
  Effect.provide(loggerLayer(hubSettings.log)),
);

NodeRuntime.runMain(program, { disablePrettyLogger: true, disableErrorReporting: true });
