/**
 * What the main thread and a narrative worker say to each other: one request, a chunk of inputs,
 * answered by their analyses in the same order. Inputs cross as the analyzer's `AnalyzeInput`
 * (checked when encoded, so a text the door would refuse never reaches a worker); analyses as the
 * compact wire of codec.ts, read back by `readAnswer` once the call is over (live.ts says why not
 * inside the call). The answer is not validated field by field: the worker is this build's own
 * analyzer (its version is checked), and `Schema.Array(Analysis)` on both sides cost ~60 µs per
 * corpus text, more than the analysis itself.
 */
import { Schema } from "effect"
import { type Analysis, AnalyzeInput, type AnalyzerInput, ANALYZER_VERSION } from "../analyzer/index.js"
import { type AnalysesWire as Wire, decodeAnalyses, MalformedWire } from "./codec.js"

export const AnalysesWire = Schema.declare(
  (input: unknown): input is Wire =>
    typeof input === "object" && input !== null && "numbers" in input && input.numbers instanceof Float64Array &&
    "count" in input && typeof input.count === "number" &&
    "analyzerVersion" in input && typeof input.analyzerVersion === "string",
  { identifier: "NarrativeAnalysesWire" }
)

/** The analyses of `inputs` from a worker's answer for them, or why they cannot be read. */
export const readAnswer = (wire: Wire, inputs: ReadonlyArray<AnalyzerInput>): ReadonlyArray<Analysis> | MalformedWire =>
  wire.analyzerVersion === ANALYZER_VERSION
    ? decodeAnalyses(wire, inputs)
    : new MalformedWire(`analyses of analyzer ${wire.analyzerVersion}, expected ${ANALYZER_VERSION}`)

export class AnalyzeChunk extends Schema.TaggedRequest<AnalyzeChunk>()("AnalyzeChunk", {
  failure: Schema.Never,
  success: AnalysesWire,
  payload: { inputs: Schema.Array(AnalyzeInput) }
}) {}

/** Every request a narrative worker serves. */
export const NarrativeWorkerRequest = Schema.Union(AnalyzeChunk)
export type NarrativeWorkerRequest = typeof NarrativeWorkerRequest.Type
