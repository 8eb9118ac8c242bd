/**
 * The Hub's HTTP contract: every group, with the title and version of the OpenAPI document.
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { PACKAGE } from "../package-info.js"
import { CacheApi } from "./cache.js"
import { EnergyAdminApi, EnergyApi } from "./energy.js"
import { EventsApi } from "./events.js"
import { KeySelfApi, KeysApi } from "./keys.js"
import { MonitoringAdminApi, MonitoringApi } from "./monitoring.js"
import { RateLimitingApi } from "./rate-limiting.js"
import { GdprApi } from "./gdpr.js"
import { NarrativeApi } from "./narrative.js"
import { documentErrorEnvelope } from "./openapi.js"

export class LunaApi extends HttpApi.make("luna-hub")
  .add(MonitoringApi)
  .add(MonitoringAdminApi)
  .add(EventsApi)
  .add(KeysApi)
  .add(KeySelfApi)
  .add(EnergyApi)
  .add(EnergyAdminApi)
  .add(CacheApi)
  .add(RateLimitingApi)
  .add(GdprApi)
  .add(NarrativeApi)
  .annotateContext(
    OpenApi.annotations({
      title: "Luna Hub",
      version: PACKAGE.version,
      description:
        "Central backend of Phoenix. Every error answers `{\"error\": {\"tag\", \"message\", …details}}` with the " +
        "status declared on its endpoint. The same operations are available over RPC at `/rpc` (HTTP, ndjson) and " +
        "`/rpc/ws` (WebSocket).",
      transform: documentErrorEnvelope
    })
  )
{}
