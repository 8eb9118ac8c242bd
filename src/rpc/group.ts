/** Every RPC group the Hub serves, merged: what the server mounts and the client speaks. */
import { RpcAdmission } from "./authentication.js"
import { CacheRpcs } from "./cache.js"
import { EnergyRpcs } from "./energy.js"
import { EventsRpcs } from "./events.js"
import { KeySelfRpcs, KeysRpcs } from "./keys.js"
import { MonitoringAdminRpcs, MonitoringRpcs } from "./monitoring.js"
import { RateLimitingRpcs } from "./rate-limiting.js"
import { GdprRpcs } from "./gdpr.js"
import { NarrativeRpcs } from "./narrative.js"

// Added last, so it runs first: GLOBAL_DDOS before authentication (see RpcAdmission).
export const HubRpcs = MonitoringRpcs.merge(MonitoringAdminRpcs, EventsRpcs, KeysRpcs, KeySelfRpcs, EnergyRpcs, CacheRpcs, RateLimitingRpcs, GdprRpcs, NarrativeRpcs).middleware(RpcAdmission)
export type HubRpcs = typeof HubRpcs
