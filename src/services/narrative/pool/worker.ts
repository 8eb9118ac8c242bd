/**
 * A narrative worker thread: loads the analyzer (its lexicons compile here, once per worker) and
 * answers `AnalyzeChunk` requests until the pool closes it. Started through `worker.mjs` under tsx.
 */
import { WorkerRunner } from "@effect/platform"
import { NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { analyze, ANALYZER_VERSION } from "../analyzer/index.js"
import { encodeAnalyses } from "./codec.js"
import { NarrativeWorkerRequest } from "./protocol.js"

const Runner = WorkerRunner.layerSerialized(NarrativeWorkerRequest, {
  AnalyzeChunk: ({ inputs }) => Effect.sync(() => encodeAnalyses(ANALYZER_VERSION, inputs.map(analyze)))
})

NodeRuntime.runMain(WorkerRunner.launch(Layer.provide(Runner, NodeWorkerRunner.layer)), {
  disablePrettyLogger: true
})
