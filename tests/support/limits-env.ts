/**
 * The rate-limit scopes of every test Hub and service unless a test sets `RATE_LIMIT_SCOPES`
 * itself: limiting stays on (so every door test goes through it) with allowances no suite reaches,
 * since suites send hundreds of requests, and failed authentications, from one address.
 */
const GENEROUS = { limit: 1_000_000 }

export const GENEROUS_LIMITS_ENV: Readonly<Record<string, string>> = {
  RATE_LIMIT_SCOPES: JSON.stringify({ GLOBAL_DDOS: GENEROUS, API_GENERAL: GENEROUS, API_CV_GENERATION: GENEROUS, AUTH_LOGIN: GENEROUS })
}
