/**
 * Secrets never reach a log line: sensitive annotation keys are masked whole, and values that
 * look like credentials (bearer tokens, Luna API keys, passwords in URLs, JWTs) are scrubbed.
 */

const SENSITIVE_KEY = /authorization|cookie|password|passwd|secret|token|api[-_]?key|salt|credential/i

const SCRUBBERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [REDACTED]"],
  [/\bluna_(?:dev|staging|prod)_[A-Za-z0-9]+/g, "luna_[REDACTED]"],
  [/\b(eyJ[A-Za-z0-9_-]{5,})\.([A-Za-z0-9_-]{5,})\.([A-Za-z0-9_-]+)/g, "[REDACTED_JWT]"],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]+@/gi, "$1[REDACTED]@"],
  [/((?:password|passwd|secret|token|api[-_]?key)\s*[=:]\s*)[^\s&,;"']+/gi, "$1[REDACTED]"]
]

export const REDACTED = "[REDACTED]"

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key)

export const scrub = (text: string): string => {
  let out = text
  for (const [pattern, replacement] of SCRUBBERS) out = out.replace(pattern, replacement)
  return out
}

/** Deep copy of a log value with sensitive keys masked and strings scrubbed (bounded depth). */
export const redactValue = (value: unknown, depth = 0): unknown => {
  if (typeof value === "string") return scrub(value)
  if (value === null || typeof value !== "object") return value
  if (depth > 6) return "[…]"
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSensitiveKey(k) ? REDACTED : redactValue(v, depth + 1)
  }
  return out
}
