/**
 * What the main thread and a narrative worker say to each other: one request, a chunk of inputs,
 * answered by their analyses in the same order. Inputs cross as the analyzer's `AnalyzeInput`
 * (checked when encoded, so a text the door would refuse never reaches a worker); analyses as the
 * compact wire of codec.ts, which decodes to the analyzer's `Analysis` type. The answer is not
 * validated field by field: the worker is this build's own analyzer (its version is checked), and
 * `Schema.Array(Analysis)` on both sides cost ~60 µs per corpus text, more than the analysis itself.
 */
import { ParseResult, Schema } from "effect"
import { type Analysis, AnalyzeInput, ANALYZER_VERSION } from "../analyzer/index.js"
import { type AnalysesWire, decodeAnalyses, encodeAnalyses, MalformedWire } from "./codec.js"

const Wire = Schema.declare(
  (input: unknown): input is AnalysesWire =>
    typeof input === "object" && input !== null && "numbers" in input && input.numbers instanceof Float64Array &&
    "strings" in input && Array.isArray(input.strings) && "count" in input && typeof input.count === "number" &&
    "analyzerVersion" in input && typeof input.analyzerVersion === "string",
  { identifier: "NarrativeAnalysesWire" }
)

const AnalysisList = Schema.declare(
  (input: unknown): input is ReadonlyArray<Analysis> => Array.isArray(input),
  { identifier: "NarrativeAnalysisList" }
)

/** A chunk's analyses: the codec's wire on the way, `ReadonlyArray<Analysis>` at both ends. */
export const AnalysesFromWire = Schema.transformOrFail(Wire, AnalysisList, {
  strict: true,
  decode: (wire, _, ast) => {
    if (wire.analyzerVersion !== ANALYZER_VERSION) {
      return ParseResult.fail(
        new ParseResult.Type(ast, wire, `analyses of analyzer ${wire.analyzerVersion}, expected ${ANALYZER_VERSION}`)
      )
    }
    const analyses = decodeAnalyses(wire)
    return analyses instanceof MalformedWire
      ? ParseResult.fail(new ParseResult.Type(ast, wire, analyses.message))
      : ParseResult.succeed(analyses)
  },
  encode: (analyses) => ParseResult.succeed(encodeAnalyses(ANALYZER_VERSION, analyses))
})

export class AnalyzeChunk extends Schema.TaggedRequest<AnalyzeChunk>()("AnalyzeChunk", {
  failure: Schema.Never,
  success: AnalysesFromWire,
  payload: { inputs: Schema.Array(AnalyzeInput) }
}) {}

/** Every request a narrative worker serves. */
export const NarrativeWorkerRequest = Schema.Union(AnalyzeChunk)
export type NarrativeWorkerRequest = typeof NarrativeWorkerRequest.Type
