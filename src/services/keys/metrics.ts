/** Key metrics (exported through OpenTelemetry with the rest; the alerting issue reads them). */
import { Metric } from "effect"
import { counterFamily } from "../monitoring/metric-family.js"

export const keysExpiringSoon = Metric.gauge("phoenix_api_keys_expiring_soon", {
  description: "Working API keys that stop within API_KEY_EXPIRY_WARNING_DAYS"
})

/** By outcome. */
export const keyVerifications = counterFamily(
  "phoenix_api_key_verifications",
  "API key verifications, by outcome (ok, malformed, unknown, expired, revoked)"
)

export const keyRotations = Metric.counter("phoenix_api_key_rotations", {
  description: "API key rotations, by trigger (manual, scheduled)",
  incremental: true
})

/** Non-critical security checks that failed open (e.g. recording a key's last use), by check. */
export const securityFailOpen = Metric.counter("phoenix_security_fail_open", {
  description: "Non-critical security checks that failed open, by check",
  incremental: true
})
