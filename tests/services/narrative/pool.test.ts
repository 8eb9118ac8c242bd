/**
 * The narrative worker pool: the same analyses as the pure `analyze`, in order, whichever path a
 * call takes (main thread, workers, fallback); small inputs stay on the main thread; no workers with
 * NARRATIVE_WORKERS=0; a pool that cannot start or whose worker dies or hangs falls back to the main
 * thread within its timeouts, with one warning; an interrupted caller leaves the pool serving.
 * Real worker threads and real time: these suites run without the test clock.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, LogLevel } from "effect"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import { HubConfig } from "../../../src/config.js"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { analyze, ANALYZER_VERSION, type AnalyzerInput, MAX_TEXT_CHARACTERS } from "../../../src/services/narrative/analyzer/index.js"
import { readCorpus } from "../../../src/services/narrative/analyzer/evaluation/read.js"
import { loggerLayer } from "../../../src/services/logging/logger.js"
import { chunkRanges, costOf } from "../../../src/services/narrative/pool/chunks.js"
import { decodeAnalyses, encodeAnalyses, MalformedWire } from "../../../src/services/narrative/pool/codec.js"
import {
  layer as poolLayer,
  MAIN_THREAD_MAX_COST,
  makeNarrativePool,
  NarrativePoolLive,
  type NarrativePoolOptions
} from "../../../src/services/narrative/pool/live.js"
import { NarrativePool, type PoolStats } from "../../../src/services/narrative/pool/NarrativePool.js"
import { readAnswer } from "../../../src/services/narrative/pool/protocol.js"
import { CORPUS_PATH } from "./support.js"

/** The labelled corpus, a language hint on every third text so hints cross the wire too. */
const corpus: ReadonlyArray<AnalyzerInput> = readCorpus(readFileSync(CORPUS_PATH, "utf8")).texts.map(({ text }, i) =>
  i % 3 === 0 ? { text: text.text, kind: text.kind, languageHint: i % 2 === 0 ? "fr" : "en" } : { text: text.text, kind: text.kind }
)
const expected = corpus.map(analyze)
/** The corpus five times over: enough chunks to keep every worker busy for a while. */
const large = Array.from({ length: corpus.length * 5 }, (_, i) => corpus[i % corpus.length]!)
const largeExpected = large.map(analyze)

const totalCost = (inputs: ReadonlyArray<AnalyzerInput>) => inputs.reduce((sum, input) => sum + costOf(input.text), 0)

/** Short budgets so a broken pool shows within a test's time. */
const BROKEN: Omit<NarrativePoolOptions, "workerUrl"> = {
  workers: 2,
  mainThreadMaxCost: 0,
  startTimeout: "3 seconds",
  callTimeout: "1 second",
  retryAfter: "1 hour"
}

interface LogLine {
  readonly level: string
  readonly logger: string
  readonly message: string
}

/** Runs `program` with the Hub's JSON logger writing into an array, and answers both. */
const withLogs = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.suspend(() => {
    const lines: Array<LogLine> = []
    return program.pipe(
      Effect.provide(loggerLayer({ format: "json", level: LogLevel.Debug, sink: (line) => lines.push(JSON.parse(line) as LogLine) })),
      Effect.map((value) => ({ value, lines }))
    )
  })

const warnings = (lines: ReadonlyArray<LogLine>) => lines.filter((line) => line.level === "WARNING")

/** A worker file written for one test, removed after it. */
const workerFile = (source: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "narrative-pool-"))
      const file = path.join(dir, "worker.mjs")
      writeFileSync(file, source)
      return { dir, url: pathToFileURL(file) }
    }),
    ({ dir }) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  ).pipe(Effect.map(({ url }) => url))

/** Says it is ready (the platform's handshake), then dies on the first request. */
const DYING_WORKER = `import { parentPort } from "node:worker_threads"
parentPort.on("message", () => process.exit(3))
parentPort.postMessage([0])
`
/** Says it is ready, then never answers: it spins on the first request. */
const HANGING_WORKER = `import { parentPort } from "node:worker_threads"
parentPort.on("message", (message) => { if (message[0] === 0) for (;;) {} })
parentPort.postMessage([0])
`

describe("the wire between a worker and the main thread", () => {
  it("reads back every analysis of the corpus as analyze made it", () => {
    const wire = encodeAnalyses(ANALYZER_VERSION, expected)
    const decoded = decodeAnalyses(structuredClone(wire), corpus)
    expect(decoded).toEqual(expected)
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(expected))
  })

  it("refuses a wire cut short, with values left over, or from another analyzer version", () => {
    const inputs = corpus.slice(0, 3)
    const wire = encodeAnalyses(ANALYZER_VERSION, expected.slice(0, 3))
    expect(decodeAnalyses({ ...wire, numbers: wire.numbers.subarray(0, wire.numbers.length - 1) }, inputs)).toBeInstanceOf(MalformedWire)
    expect(decodeAnalyses({ ...wire, numbers: Float64Array.of(...wire.numbers, 0) }, inputs)).toBeInstanceOf(MalformedWire)
    expect(decodeAnalyses({ ...wire, count: 4 }, corpus.slice(0, 4))).toBeInstanceOf(MalformedWire)
    // Spans are sliced from the inputs: texts shorter than the ones analysed do not read back.
    expect(decodeAnalyses(wire, inputs.map((input) => ({ text: input.text.slice(0, 5) })))).toBeInstanceOf(MalformedWire)
    expect(readAnswer(wire, inputs)).toEqual(expected.slice(0, 3))
    expect(readAnswer(wire, corpus.slice(0, 4))).toBeInstanceOf(MalformedWire)
    expect(readAnswer({ ...wire, analyzerVersion: "0.0.0" }, inputs)).toBeInstanceOf(MalformedWire)
  })

  it("cuts inputs into contiguous chunks of about equal cost, a multiple of the workers", () => {
    const costs = large.map((input) => costOf(input.text))
    const ranges = chunkRanges(costs, { minChunks: 2, maxChunkCost: 32_000, multipleOf: 2 })
    expect(ranges.length % 2).toBe(0)
    expect(ranges[0]![0]).toBe(0)
    expect(ranges[ranges.length - 1]![1]).toBe(large.length)
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1])
    for (const [from, to] of ranges) expect(to).toBeGreaterThan(from)
    expect(chunkRanges([5, 5], { minChunks: 8, maxChunkCost: 1, multipleOf: 4 })).toEqual([[0, 1], [1, 2]])
    expect(chunkRanges([], { minChunks: 2, maxChunkCost: 1, multipleOf: 2 })).toEqual([])
  })
})

layer(poolLayer({ workers: 2 }), { excludeTestServices: true, timeout: "60 seconds" })("a pool of two workers", (it) => {
  const stats = Effect.flatMap(NarrativePool, (pool) => pool.stats)

  it.effect("starts", () =>
    Effect.gen(function*() {
      const pool = yield* NarrativePool
      expect(yield* pool.ready).toBe(true)
      expect((yield* pool.stats).state).toBe("up")
    }))

  it.effect("answers the corpus, five times over, as analyze does, in input order", () =>
    Effect.gen(function*() {
      const pool = yield* NarrativePool
      yield* pool.ready
      expect(totalCost(large)).toBeGreaterThan(MAIN_THREAD_MAX_COST)
      const before = yield* stats
      const analyses = yield* pool.analyzeAll(large)
      const after = yield* stats
      expect(analyses).toEqual(largeExpected)
      // The same JSON text too: keys in the same order, so cached and served bytes do not depend on the path.
      expect(JSON.stringify(analyses)).toBe(JSON.stringify(largeExpected))
      expect(after.pooledChunks - before.pooledChunks).toBeGreaterThanOrEqual(2)
      expect(after.mainThread).toEqual(before.mainThread)
    }))

  it.effect("keeps one text, and inputs below the threshold, on the main thread", () =>
    Effect.gen(function*() {
      const pool = yield* NarrativePool
      yield* pool.ready
      const longest = { text: "word ".repeat(MAX_TEXT_CHARACTERS / 5 - 1) + "end", kind: "journal" } as const
      expect(totalCost([longest])).toBeLessThanOrEqual(MAIN_THREAD_MAX_COST)
      const before = yield* stats
      expect(yield* pool.analyzeAll([corpus[0]!])).toEqual([expected[0]])
      expect(yield* pool.analyzeAll([longest])).toEqual([analyze(longest)])
      expect(yield* pool.analyzeAll(corpus.slice(0, 10))).toEqual(expected.slice(0, 10))
      const after = yield* stats
      expect(after.mainThread.small - before.mainThread.small).toBe(3)
      expect(after.pooledChunks).toBe(before.pooledChunks)
      expect(yield* pool.analyzeAll([])).toEqual([])
    }))

  it.effect("keeps serving after a caller is interrupted mid-call", () =>
    Effect.gen(function*() {
      const pool = yield* NarrativePool
      yield* pool.ready
      const before = yield* stats
      const caller = yield* Effect.fork(pool.analyzeAll([...large, ...large, ...large]))
      yield* Effect.sleep("5 millis")
      yield* Fiber.interrupt(caller)
      expect(yield* pool.analyzeAll(large)).toEqual(largeExpected)
      const after = yield* stats
      expect(after.state).toBe("up")
      expect(after.outages).toBe(before.outages)
      expect(after.mainThread).toEqual(before.mainThread)
    }))

  it.effect("analyses, on the main thread, a chunk whose inputs AnalyzeInput refuses, and stays up", () =>
    Effect.gen(function*() {
      const pool = yield* NarrativePool
      yield* pool.ready
      const tooLong = { text: "mot ".repeat(MAX_TEXT_CHARACTERS / 4 + 10), kind: "journal" } as const
      const inputs = [...large, tooLong]
      const before = yield* stats
      expect(yield* pool.analyzeAll(inputs)).toEqual([...largeExpected, analyze(tooLong)])
      const after = yield* stats
      expect(after.mainThread.invalid_input - before.mainThread.invalid_input).toBe(1)
      expect(after.outages).toBe(before.outages)
      expect(after.state).toBe("up")
    }))
})

describe("NARRATIVE_WORKERS", () => {

  it.scopedLive("0 runs every call on the main thread, large ones too", () =>
    Effect.gen(function*() {
      const pool = yield* NarrativePool
      expect(yield* pool.ready).toBe(false)
      expect(yield* pool.analyzeAll(large)).toEqual(largeExpected)
      const stats: PoolStats = yield* pool.stats
      expect(stats).toMatchObject({ state: "disabled", workers: 0, pooledChunks: 0, outages: 0 })
      expect(stats.mainThread.disabled).toBe(1)
    }).pipe(Effect.provide(NarrativePoolLive.pipe(Layer.provide(HubConfig.fromRecord({ NARRATIVE_WORKERS: "0" }))))))

  it.effect("refuses a negative count", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Layer.build(NarrativePoolLive.pipe(Layer.provide(HubConfig.fromRecord({ NARRATIVE_WORKERS: "-1" })))).pipe(Effect.scoped))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain("NARRATIVE_WORKERS")
    }))
})

describe("a broken pool", () => {
  it.scopedLive("that cannot start (no such worker file) gives up within its start timeout and falls back", () =>
    withLogs(Effect.gen(function*() {
      const pool = yield* makeNarrativePool({ ...BROKEN, workerUrl: new URL("./no-such-worker.mjs", import.meta.url) })
      const started = Date.now()
      expect(yield* pool.analyzeAll(large)).toEqual(largeExpected)
      expect(yield* pool.ready).toBe(false)
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(yield* pool.analyzeAll(corpus)).toEqual(expected)
      return yield* pool.stats
    })).pipe(Effect.map(({ lines, value: stats }) => {
      expect(stats.state).toBe("down")
      expect(stats.outages).toBe(1)
      expect(stats.pooledChunks).toBe(0)
      expect(stats.mainThread.starting + stats.mainThread.down).toBe(2)
      expect(warnings(lines)).toHaveLength(1)
      expect(warnings(lines)[0]).toMatchObject({ logger: "narrative" })
      expect(warnings(lines)[0]!.message).toContain("not started within")
    })))

  it.scopedLive("whose worker dies falls back at once, with one warning", () =>
    withLogs(Effect.gen(function*() {
      const pool = yield* makeNarrativePool({ ...BROKEN, workerUrl: yield* workerFile(DYING_WORKER) })
      expect(yield* pool.ready).toBe(true)
      const started = Date.now()
      expect(yield* pool.analyzeAll(large)).toEqual(largeExpected)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(yield* pool.analyzeAll(large)).toEqual(largeExpected)
      return yield* pool.stats
    })).pipe(Effect.map(({ lines, value: stats }) => {
      expect(stats.state).toBe("down")
      expect(stats.outages).toBe(1)
      expect(stats.mainThread.failed).toBeGreaterThanOrEqual(1)
      // The call's later chunks, then the second call: on the main thread while the pool is down.
      expect(stats.mainThread.down).toBeGreaterThanOrEqual(1)
      expect(warnings(lines)).toHaveLength(1)
      expect(warnings(lines)[0]).toMatchObject({ logger: "narrative" })
      expect(warnings(lines)[0]!.message).toContain("exited with code 3")
    })))

  it.scopedLive("whose worker hangs falls back after the call timeout", () =>
    withLogs(Effect.gen(function*() {
      const pool = yield* makeNarrativePool({ ...BROKEN, workerUrl: yield* workerFile(HANGING_WORKER) })
      expect(yield* pool.ready).toBe(true)
      const started = Date.now()
      expect(yield* pool.analyzeAll(large)).toEqual(largeExpected)
      const elapsedMs = Date.now() - started
      expect(elapsedMs).toBeGreaterThanOrEqual(1_000)
      expect(elapsedMs).toBeLessThan(5_000)
      return yield* pool.stats
    })).pipe(Effect.map(({ lines, value: stats }) => {
      expect(stats).toMatchObject({ state: "down", outages: 1 })
      expect(warnings(lines)).toHaveLength(1)
      expect(warnings(lines)[0]!.message).toContain("longer than 1000 ms")
    })), { timeout: 30_000 })

  it.scopedLive("starts again on the first call after retryAfter", () =>
    Effect.gen(function*() {
      const pool = yield* makeNarrativePool({ ...BROKEN, retryAfter: "200 millis", workerUrl: yield* workerFile(DYING_WORKER) })
      expect(yield* pool.ready).toBe(true)
      yield* pool.analyzeAll(large)
      expect((yield* pool.stats).state).toBe("down")
      yield* Effect.sleep("300 millis")
      expect(yield* pool.analyzeAll(corpus)).toEqual(expected)
      expect((yield* pool.stats).state).toBe("starting")
      expect(yield* pool.ready).toBe(true)
      expect((yield* pool.stats).state).toBe("up")
    }).pipe(Effect.provide(loggerLayer({ format: "json", level: LogLevel.None }))))
})

describe("a pool not needed yet", () => {
  it.scopedLive("starts no worker until a call needs one: that call runs on the main thread", () =>
    Effect.gen(function*() {
      const pool = yield* makeNarrativePool({ workers: 1 })
      expect((yield* pool.stats).state).toBe("idle")
      expect(yield* pool.analyzeAll(corpus.slice(0, 3))).toEqual(expected.slice(0, 3))
      expect((yield* pool.stats)).toMatchObject({ state: "idle", pooledChunks: 0 })
      expect(yield* pool.analyzeAll(large)).toEqual(largeExpected)
      const started = yield* pool.stats
      expect(["starting", "up"]).toContain(started.state)
      expect(started.mainThread).toMatchObject({ small: 1, starting: 1 })
      expect(yield* pool.ready).toBe(true)
      yield* pool.analyzeAll(large)
      expect((yield* pool.stats).pooledChunks).toBeGreaterThan(0)
    }), { timeout: 30_000 })
})
