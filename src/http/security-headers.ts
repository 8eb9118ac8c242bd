/**
 * Security headers the edge puts on every answer, built once (the edge is the hot path). The API
 * answers JSON and text only, so its policy lets a browser load nothing; the docs page runs the
 * Scalar bundle inlined in its HTML (offline, no CDN), so its policy allows inline script and style
 * from the page itself and nothing from elsewhere.
 */

const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"

const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'"
].join("; ")

const COMMON: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  // Two years, the preload list's minimum; browsers ignore it over plain HTTP.
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "permissions-policy": "camera=(), microphone=(), geolocation=()"
}

/** Every answer except the docs page. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...COMMON,
  "content-security-policy": API_CONTENT_SECURITY_POLICY
})

/** The docs page (Scalar UI). */
export const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...COMMON,
  "content-security-policy": DOCS_CONTENT_SECURITY_POLICY
})
