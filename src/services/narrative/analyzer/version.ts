/**
 * The analyzer's version: part of every cache key, so bump it whenever any output can change
 * (code, lexicons, thresholds). Semver: major = a field changes shape, minor = results change.
 */
export const ANALYZER_VERSION = "1.2.0"
