/** Every RPC group the Hub serves, merged: what the server mounts and the client speaks. */
import { EventsRpcs } from "./events.js"
import { MonitoringRpcs } from "./monitoring.js"

export const HubRpcs = MonitoringRpcs.merge(EventsRpcs)
export type HubRpcs = typeof HubRpcs
