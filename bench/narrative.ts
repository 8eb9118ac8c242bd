// npm run bench:narrative — the narrative analyzer: one text's latency, a batch across the worker
// pool, and wink-nlp's English sentiment as the reference, in one process.
//
// Measured, same run:
// (a) one 300-word text, French then English (corpus texts of that language joined and cut at 300
//     words), through `NarrativePool.analyzeAll([text])` of the default pool: the path a single text
//     takes (the main thread, below the pool's threshold; the run fails if it took another). p50/p95/p99.
// (b) a batch of 1,000 corpus texts (the 200 cycled) through a pool of 1 worker and through the
//     default pool (NARRATIVE_WORKERS' default: one worker per core): texts/s, in two halves in mirrored
//     order (1, N, N, 1), after a discarded warm-up of 50,000 texts per worker; speed-up = N workers ÷
//     1 worker. The main thread alone on the same batch is a diagnostic row. Every chunk must have
//     been answered by a worker.
// (c) the reference: wink-nlp's English sentiment (`readDoc(text).out(its.sentiment)`) against the
//     Hub's whole analysis, one text at a time on the main thread, over the corpus's English texts;
//     ratio = Hub texts/s ÷ wink-nlp texts/s (two halves, mirrored). The 300-word English text is a
//     diagnostic row.
// (d) cache-hit latency: `Narrative.analyze` of the 300-word English text once cached, on an embedded
//     Hub's services (the memory tier answers a hit, with or without Redis). p50/p95/p99.
//
// stdout: tables, goals, notes, then as the LAST line
//   {"bench":"narrative","p95Ms":<the worse of the two single-text p95s>,"speedup":…,"ratio":…,…}
// (only on success). Progress on stderr. Exit 1 when a figure was measured on the wrong path (a
// single text off the main thread, a batch chunk that fell back), a pool did not start, or the time
// budget ran out. The goals (p95 ≤ 5 ms, speed-up ≥ 1.6× on 2 cores) are reported, not enforced.
//
// Env knobs: BENCH_NARRATIVE_SECONDS (measured time per target and figure, default 2),
// BENCH_NARRATIVE_WARMUP_SECONDS (discarded warm-up per target, default 1; a batch pool's warm-up
// stops after 50,000 texts per worker or 4 × this).
import { Duration, Effect, Layer } from "effect";
import { readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";
import { ServiceLayers } from "../src/layers/hub.js";
import { TestInfrastructure } from "../src/layers/test.js";
import { Cache } from "../src/services/cache/Cache.js";
import { Narrative } from "../src/services/narrative/Narrative.js";
import { type AnalyzerInput, MAX_TEXT_CHARACTERS } from "../src/services/narrative/analyzer/index.js";
import { readCorpus } from "../src/services/narrative/analyzer/evaluation/read.js";
import { costOf } from "../src/services/narrative/pool/chunks.js";
import { MAIN_THREAD_MAX_COST, makeNarrativePool } from "../src/services/narrative/pool/live.js";
import type { NarrativePool, PoolStats } from "../src/services/narrative/pool/NarrativePool.js";
import { installedVersion } from "./lib/async-workers.js";
import { positiveNumberFromEnv } from "./lib/env.js";
import { type Column, formatTable, round } from "./lib/report.js";
import { progress, runBench } from "./lib/run.js";

const NAME = "narrative";
const log = progress(NAME);
const MEASURE_SECONDS = positiveNumberFromEnv("BENCH_NARRATIVE_SECONDS", 2);
const WARMUP_SECONDS = positiveNumberFromEnv("BENCH_NARRATIVE_WARMUP_SECONDS", 1);
const SINGLE_WORDS = 300;
const BATCH_TEXTS = 1_000;
const WARMUP_TEXTS_PER_WORKER = 50_000;
const BATCH_WARMUP_SECONDS = 4 * WARMUP_SECONDS;
/** Bounds on one measured run, whatever the machine. */
const MAX_CALLS_PER_RUN = 200_000;
const GOAL_P95_MS = 5;
const GOAL_SPEEDUP = 1.6;
const DEFAULT_WORKERS = os.availableParallelism();
const CORPUS_URL = new URL("../tests/fixtures/narrative/corpus.jsonl", import.meta.url);
/** Everything but cleanup (stopping the workers); a run takes about 40 s with the defaults. */
const TIME_BUDGET = Duration.seconds(35 + 8 * MEASURE_SECONDS + 16 * WARMUP_SECONDS);
const HARD_EXIT_MS = Duration.toMillis(TIME_BUDGET) + 15_000;

type Pool = NarrativePool["Type"];

interface Latency {
  readonly calls: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

interface Throughput {
  readonly texts: number;
  readonly seconds: number;
  readonly textsPerSec: number;
  /** Time the main thread's event loop was busy (its utilisation × the time), per text. */
  readonly mainBusyUsPerText: number;
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;

const latencyOf = (samples: ReadonlyArray<number>): Latency => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { calls: sorted.length, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95), p99Ms: percentile(sorted, 0.99) };
};

const addThroughput = (a: Throughput, b: Throughput): Throughput => {
  const texts = a.texts + b.texts;
  const seconds = a.seconds + b.seconds;
  const mainBusyUsPerText = (a.mainBusyUsPerText * a.texts + b.mainBusyUsPerText * b.texts) / texts;
  return { texts, seconds, textsPerSec: texts / seconds, mainBusyUsPerText };
};

/** Runs `call` back to back for `seconds` (at most MAX_CALLS_PER_RUN times), each call timed. */
const timeCalls = <E>(call: Effect.Effect<unknown, E>, seconds: number) =>
  Effect.gen(function* () {
    const samples: Array<number> = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end && samples.length < MAX_CALLS_PER_RUN) {
      const started = performance.now();
      yield* call;
      samples.push(performance.now() - started);
    }
    return samples;
  });

/** Texts per second of `call` (which analyses `textsPerCall` texts) over `seconds`. */
const throughput = <E>(call: Effect.Effect<unknown, E>, textsPerCall: number, seconds: number) =>
  Effect.gen(function* () {
    const before = performance.eventLoopUtilization();
    const samples = yield* timeCalls(call, seconds);
    const busyMs = performance.eventLoopUtilization(before).active;
    const spent = samples.reduce((sum, ms) => sum + ms, 0) / 1000;
    const texts = samples.length * textsPerCall;
    return { texts, seconds: spent, textsPerSec: texts / spent, mainBusyUsPerText: (busyMs * 1000) / texts } satisfies Throughput;
  });

/**
 * Batches until every worker has analysed WARMUP_TEXTS_PER_WORKER texts (or BATCH_WARMUP_SECONDS
 * passed): a worker's analyzer reaches its speed only after some tens of thousands of texts (its
 * JIT), and a pool of N workers gives each one N times fewer texts per second of warm-up.
 */
const warmUp = <E>(call: Effect.Effect<unknown, E>, workers: number) =>
  Effect.gen(function* () {
    const end = performance.now() + BATCH_WARMUP_SECONDS * 1000;
    let texts = 0;
    while (texts < WARMUP_TEXTS_PER_WORKER * workers && performance.now() < end) {
      yield* call;
      texts += BATCH_TEXTS;
    }
    return texts;
  });

/** A then B, then B then A: neither the order nor a drift of the machine favours one side. */
const mirrored = <E>(a: Effect.Effect<Throughput, E>, b: Effect.Effect<Throughput, E>) =>
  Effect.gen(function* () {
    const a1 = yield* a;
    const b1 = yield* b;
    const b2 = yield* b;
    const a2 = yield* a;
    return [addThroughput(a1, a2), addThroughput(b1, b2)] as const;
  });

/** Corpus texts of one language joined in corpus order and cut at `words` words. */
const joinedText = (texts: ReadonlyArray<string>, words: number): string => {
  const all = texts.join(" ").split(/\s+/).filter((w) => w.length > 0);
  if (all.length < words) throw new Error(`the corpus has only ${all.length} words in that language, ${words} needed`);
  return all.slice(0, words).join(" ");
};

const stat = (pool: Pool) => pool.stats;
const fellBack = (before: PoolStats, after: PoolStats): number =>
  Object.keys(after.mainThread).reduce(
    (sum, reason) => sum + (after.mainThread[reason as keyof PoolStats["mainThread"]] - before.mainThread[reason as keyof PoolStats["mainThread"]]),
    0,
  );

/**
 * (d) Cache-hit latency: `Narrative.analyze` (the service both doors call) of a text whose analysis
 * is cached, on a Hub's services in embedded mode (PGlite in memory, the in-memory cache tier; the
 * pool on the main thread, which a hit never reaches). The first call misses and fills the cache;
 * every measured call must then be a hit (the cache's own counters say so, or the run fails).
 * With Redis configured a hit is answered by the same memory tier first, so this is its latency too.
 */
const cacheHitLatency = (input: AnalyzerInput) =>
  Effect.gen(function* () {
    const narrative = yield* Narrative;
    const cache = yield* Cache;
    // Built per call, as a door builds it per request: the content hash is part of every hit.
    const call = Effect.suspend(() => narrative.analyze(input));
    yield* call;
    yield* timeCalls(call, WARMUP_SECONDS / 2);
    const before = yield* cache.stats;
    const samples = yield* timeCalls(call, MEASURE_SECONDS / 2);
    const after = yield* cache.stats;
    const hits = after.hits.l1 + after.hits.l2 - (before.hits.l1 + before.hits.l2);
    if (hits !== samples.length || after.misses !== before.misses) {
      return yield* Effect.fail(new Error(`(d) ${samples.length - hits} of ${samples.length} calls were not cache hits`));
    }
    return latencyOf(samples);
  }).pipe(
    Effect.provide(ServiceLayers.pipe(Layer.provideMerge(TestInfrastructure({ NARRATIVE_WORKERS: "0" })))),
    Effect.scoped,
  );

const program = Effect.gen(function* () {
  const loadAtStart = os.loadavg();
  const corpus = readCorpus(readFileSync(CORPUS_URL, "utf8"));
  if (corpus.problems.length > 0) return yield* Effect.fail(new Error(`corpus: ${corpus.problems.length} bad lines`));
  const texts = corpus.texts.map(({ text }) => text);
  const inputs: ReadonlyArray<AnalyzerInput> = texts.map((t) => ({ text: t.text, kind: t.kind }));
  const batch = Array.from({ length: BATCH_TEXTS }, (_, i) => inputs[i % inputs.length]!);
  const english = texts.filter((t) => t.expected.language === "en").map((t) => t.text);
  const single = {
    fr: { text: joinedText(texts.filter((t) => t.expected.language === "fr").map((t) => t.text), SINGLE_WORDS), kind: "journal" as const },
    en: { text: joinedText(english, SINGLE_WORDS), kind: "journal" as const },
  };

  yield* log(`starting a pool of 1 worker and one of ${DEFAULT_WORKERS} (the default), and a main-thread-only one`);
  const one = yield* makeNarrativePool({ workers: 1 });
  const all = yield* makeNarrativePool({ workers: DEFAULT_WORKERS });
  const mainOnly = yield* makeNarrativePool({ workers: 0 });
  if (!(yield* one.ready) || !(yield* all.ready)) return yield* Effect.fail(new Error("a worker pool did not start"));

  // (a) one 300-word text, on the path a single text takes.
  const singles: Record<"fr" | "en", Latency> = { fr: latencyOf([]), en: latencyOf([]) };
  for (const language of ["fr", "en"] as const) {
    const input = single[language];
    if (costOf(input.text) > MAIN_THREAD_MAX_COST) return yield* Effect.fail(new Error("a 300-word text is above the main-thread threshold"));
    const call = all.analyzeAll([input]);
    yield* log(`(a) one ${SINGLE_WORDS}-word ${language} text (${input.text.length} characters): ${WARMUP_SECONDS} s warm-up, ${MEASURE_SECONDS} s measured`);
    yield* timeCalls(call, WARMUP_SECONDS);
    const before = yield* stat(all);
    const samples = yield* timeCalls(call, MEASURE_SECONDS);
    const after = yield* stat(all);
    if (after.mainThread.small - before.mainThread.small !== samples.length || after.pooledChunks !== before.pooledChunks) {
      return yield* Effect.fail(new Error(`(a) a single text did not take the main-thread path`));
    }
    singles[language] = latencyOf(samples);
  }

  // (b) the batch on 1 worker, on the default pool, and on the main thread alone.
  yield* log(
    `(b) a batch of ${BATCH_TEXTS} corpus texts: warm-up (${WARMUP_TEXTS_PER_WORKER.toLocaleString("en-US")} texts per worker,` +
      ` at most ${BATCH_WARMUP_SECONDS} s per pool), then 1 / ${DEFAULT_WORKERS} / ${DEFAULT_WORKERS} / 1 worker(s), ${MEASURE_SECONDS / 2} s each`,
  );
  const oneWarm = yield* warmUp(one.analyzeAll(batch), 1);
  const allWarm = yield* warmUp(all.analyzeAll(batch), DEFAULT_WORKERS);
  const oneBefore = yield* stat(one);
  const allBefore = yield* stat(all);
  const [oneWorker, allWorkers] = yield* mirrored(
    throughput(one.analyzeAll(batch), BATCH_TEXTS, MEASURE_SECONDS / 2),
    throughput(all.analyzeAll(batch), BATCH_TEXTS, MEASURE_SECONDS / 2),
  );
  const oneAfter = yield* stat(one);
  const allAfter = yield* stat(all);
  const fallbacks = fellBack(oneBefore, oneAfter) + fellBack(allBefore, allAfter);
  if (fallbacks > 0 || oneAfter.state !== "up" || allAfter.state !== "up") {
    return yield* Effect.fail(new Error(`(b) ${fallbacks} chunk(s) ran on the main thread instead of a worker (pools: ${oneAfter.state}, ${allAfter.state})`));
  }
  yield* log(`(b) diagnostic: the same batch on the main thread alone, ${MEASURE_SECONDS / 2} s`);
  const mainThread = yield* throughput(mainOnly.analyzeAll(batch), BATCH_TEXTS, MEASURE_SECONDS / 2);
  const speedup = allWorkers.textsPerSec / oneWorker.textsPerSec;

  // (c) the reference: wink-nlp's English sentiment, one text at a time, against the Hub's analysis.
  yield* log(`(c) wink-nlp ${installedVersion("wink-nlp")} with wink-eng-lite-web-model ${installedVersion("wink-eng-lite-web-model")}: loading`);
  const nlp = winkNLP(model);
  const its = nlp.its;
  const winkSentiment = (text: string): number => nlp.readDoc(text).out(its.sentiment) as number;
  let englishIndex = 0;
  const nextEnglish = () => english[englishIndex++ % english.length]!;
  const hubEnglish = Effect.suspend(() => all.analyzeAll([{ text: nextEnglish(), kind: "journal" }]));
  const winkEnglish = Effect.sync(() => winkSentiment(nextEnglish()));
  if (!Number.isFinite(winkSentiment(english[0]!))) return yield* Effect.fail(new Error("(c) wink-nlp gave no sentiment score"));
  yield* timeCalls(hubEnglish, WARMUP_SECONDS / 2);
  yield* timeCalls(winkEnglish, WARMUP_SECONDS / 2);
  yield* log(`(c) ${english.length} English corpus texts cycled, one at a time: Hub / wink / wink / Hub, ${MEASURE_SECONDS / 2} s each`);
  const [hubCorpus, winkCorpus] = yield* mirrored(
    throughput(hubEnglish, 1, MEASURE_SECONDS / 2),
    throughput(winkEnglish, 1, MEASURE_SECONDS / 2),
  );
  const ratio = hubCorpus.textsPerSec / winkCorpus.textsPerSec;
  yield* log(`(c) diagnostic: the ${SINGLE_WORDS}-word English text, ${MEASURE_SECONDS / 2} s each`);
  const winkLong = latencyOf(yield* timeCalls(Effect.sync(() => winkSentiment(single.en.text)), MEASURE_SECONDS / 2));

  yield* log(`(d) cache hits through Narrative.analyze on an embedded Hub's services: starting them`);
  const cacheHit = yield* cacheHitLatency(single.en);
  const loadAtEnd = os.loadavg();

  // Report.
  interface LatencyRow {
    readonly what: string;
    readonly latency: Latency;
  }
  const latencyColumns: ReadonlyArray<Column<LatencyRow>> = [
    { header: "latency", align: "left", cell: (r) => r.what },
    { header: "calls", align: "right", cell: (r) => String(r.latency.calls) },
    { header: "p50 ms", align: "right", cell: (r) => r.latency.p50Ms.toFixed(3) },
    { header: "p95 ms", align: "right", cell: (r) => r.latency.p95Ms.toFixed(3) },
    { header: "p99 ms", align: "right", cell: (r) => r.latency.p99Ms.toFixed(3) },
  ];
  interface ThroughputRow {
    readonly what: string;
    readonly run: Throughput;
  }
  const throughputColumns: ReadonlyArray<Column<ThroughputRow>> = [
    { header: "throughput", align: "left", cell: (r) => r.what },
    { header: "texts", align: "right", cell: (r) => String(r.run.texts) },
    { header: "seconds", align: "right", cell: (r) => r.run.seconds.toFixed(2) },
    { header: "texts/s", align: "right", cell: (r) => Math.round(r.run.textsPerSec).toLocaleString("en-US") },
    { header: "µs/text", align: "right", cell: (r) => (1e6 / r.run.textsPerSec).toFixed(1) },
    { header: "main thread busy µs/text", align: "right", cell: (r) => r.run.mainBusyUsPerText.toFixed(1) },
  ];
  const p95Ms = Math.max(singles.fr.p95Ms, singles.en.p95Ms);
  const lines = [
    "",
    formatTable(latencyColumns, [
      { what: `(a) one ${SINGLE_WORDS}-word French text, Hub (main thread)`, latency: singles.fr },
      { what: `(a) one ${SINGLE_WORDS}-word English text, Hub (main thread)`, latency: singles.en },
      { what: `    diagnostic: the same English text, wink-nlp sentiment`, latency: winkLong },
      { what: `(d) the same English text, cache hit (Narrative.analyze)`, latency: cacheHit },
    ]),
    "",
    formatTable(throughputColumns, [
      { what: `(b) ${BATCH_TEXTS} corpus texts, pool of 1 worker`, run: oneWorker },
      { what: `(b) ${BATCH_TEXTS} corpus texts, pool of ${DEFAULT_WORKERS} workers (default)`, run: allWorkers },
      { what: `    diagnostic: the same batch, main thread alone`, run: mainThread },
      { what: `(c) English corpus texts one at a time, Hub analysis`, run: hubCorpus },
      { what: `(c) English corpus texts one at a time, wink-nlp sentiment`, run: winkCorpus },
    ]),
    "",
    `p95 of one ${SINGLE_WORDS}-word text (the worse language): ${p95Ms.toFixed(3)} ms (goal ≤ ${GOAL_P95_MS} ms: ${p95Ms <= GOAL_P95_MS ? "met" : "NOT met"})`,
    `speed-up, ${DEFAULT_WORKERS} workers ÷ 1 worker: ${speedup.toFixed(3)}× (goal ≥ ${GOAL_SPEEDUP}× on 2 cores: ${speedup >= GOAL_SPEEDUP ? "met" : "NOT met"})`,
    `Hub ÷ wink-nlp, texts/s on the English corpus texts: ${ratio.toFixed(3)} (the Hub's whole analysis against wink-nlp's sentiment alone)`,
    `cache-hit p95: ${cacheHit.p95Ms.toFixed(3)} ms, ${(singles.en.p95Ms / cacheHit.p95Ms).toFixed(1)}× below analysing the same text`,
    "",
    "Notes:",
    `- ${os.availableParallelism()} cores; load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")} at the start, ${loadAtEnd.map((l) => l.toFixed(2)).join(" ")} at the end` +
      " (the bench's own threads count: 1 to 3 busy). Anything else running moves the figures: compare within one run.",
    `- A single text runs on the main thread: the pool takes a call only above ${MAIN_THREAD_MAX_COST.toLocaleString("en-US")} characters of cost` +
      ` (a text's length + 150), i.e. never one text (at most ${MAX_TEXT_CHARACTERS.toLocaleString("en-US")} characters).`,
    `- The batch's chunks: ${allAfter.pooledChunks - allBefore.pooledChunks} on ${DEFAULT_WORKERS} workers, ${oneAfter.pooledChunks - oneBefore.pooledChunks} on 1; none fell back.` +
      ` Warm-up: ${oneWarm.toLocaleString("en-US")} texts on 1 worker, ${allWarm.toLocaleString("en-US")} on ${DEFAULT_WORKERS}.`,
    "- On 2 cores the speed-up is bounded: one worker already keeps ~1.5 cores busy (the worker, the main thread receiving and" +
      " building the analyses, V8's GC helper threads), and two busy threads slow each other here (see bench/README.md).",
  ];
  yield* Effect.sync(() => process.stdout.write(`${lines.join("\n")}\n`));
  const line = {
    bench: NAME,
    p95Ms: round(p95Ms, 3),
    speedup: round(speedup, 3),
    ratio: round(ratio, 3),
    cacheHitP95Ms: round(cacheHit.p95Ms, 3),
    workers: DEFAULT_WORKERS,
    p50MsFr: round(singles.fr.p50Ms, 3),
    p95MsFr: round(singles.fr.p95Ms, 3),
    p99MsFr: round(singles.fr.p99Ms, 3),
    p50MsEn: round(singles.en.p50Ms, 3),
    p95MsEn: round(singles.en.p95Ms, 3),
    p99MsEn: round(singles.en.p99Ms, 3),
    oneWorkerTextsPerSec: Math.round(oneWorker.textsPerSec),
    oneWorkerMainBusyUsPerText: round(oneWorker.mainBusyUsPerText, 1),
    poolMainBusyUsPerText: round(allWorkers.mainBusyUsPerText, 1),
    poolTextsPerSec: Math.round(allWorkers.textsPerSec),
    mainThreadTextsPerSec: Math.round(mainThread.textsPerSec),
    hubEnglishTextsPerSec: Math.round(hubCorpus.textsPerSec),
    winkEnglishTextsPerSec: Math.round(winkCorpus.textsPerSec),
  };
  yield* Effect.sync(() => process.stdout.write(`${JSON.stringify(line)}\n`));
  yield* log("stopping the workers");
  return 0;
});

runBench(NAME, program, { timeBudget: TIME_BUDGET, hardExitMs: HARD_EXIT_MS });
