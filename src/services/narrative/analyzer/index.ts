/**
 * The narrative analyzer's pure core: `analyze` one text, `analyzeMany` texts of one user (their
 * analyses and the profile they make together), `aggregate` analyses already at hand (cached).
 * No I/O and no Effect here: the service, its worker pool and its cache wrap these functions.
 */
import { aggregate } from "./aggregate.js"
import { analyze, type AnalyzerInput } from "./analyze.js"
import type { NarrativeBatchAnalysis } from "./schema.js"

export { aggregate } from "./aggregate.js"
export { analyze, type AnalyzerInput } from "./analyze.js"
export { ANALYZER_VERSION } from "./version.js"
export * from "./limits.js"
export * from "./schema.js"

export const analyzeMany = (inputs: ReadonlyArray<AnalyzerInput>): NarrativeBatchAnalysis => {
  const analyses = inputs.map(analyze)
  return { analyses, profile: aggregate(analyses) }
}
