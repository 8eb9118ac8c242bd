/**
 * Security headers the edge puts on every answer, built once (the edge is the hot path). The API
 * answers JSON and text only, so its policy lets a browser load nothing; the docs page runs the
 * Scalar bundle inlined in its HTML (offline, no CDN), so its policy allows inline script and style
 * from the page itself and nothing from elsewhere. The dashboard page loads its script, styles and
 * chart library as files from the Hub, so its policy needs no inline script or style at all.
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

/**
 * uPlot draws on canvas and sizes its elements through `element.style`, which CSP does not govern
 * (only `style` attributes in markup, `<style>` elements and `setAttribute("style")` are). The
 * `data:` image is the page's empty favicon: without it the browser asks for /favicon.ico and logs a 404.
 */
const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
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

/** Every answer except the docs and dashboard pages. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...COMMON,
  "content-security-policy": API_CONTENT_SECURITY_POLICY
})

/** The docs page (Scalar UI). */
export const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...COMMON,
  "content-security-policy": DOCS_CONTENT_SECURITY_POLICY
})

/** The dashboard page (/monitoring/dashboard). */
export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...COMMON,
  "content-security-policy": DASHBOARD_CONTENT_SECURITY_POLICY
})
