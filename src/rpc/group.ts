/** Every RPC group the Hub serves, merged: what the server mounts and the client speaks. */
import { MonitoringRpcs } from "./monitoring.js"

export const HubRpcs = MonitoringRpcs
export type HubRpcs = typeof HubRpcs
