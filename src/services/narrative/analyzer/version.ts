/**
 * The analyzer's version: part of every cache key, so bump it whenever any output can change
 * (code, lexicons, thresholds, the learned layer's weights). Semver: major = a field changes shape,
 * minor = results change. 1.3.0: sentiment and stage from the learned layer (data/narrative-model.json).
 */
export const ANALYZER_VERSION = "1.3.0"
