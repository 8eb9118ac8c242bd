/**
 * The figures this instance keeps about itself: every answered request (recorded by the HTTP
 * edge), and every 10 seconds a sample of the cache, rate-limit and runtime counters, for the
 * last hour. `/monitoring/metrics/current`, `/monitoring/performance`, the seed's gauges and the
 * alert rules read them.
 */
import { Context, Effect, Layer, Metric, type MetricPair, Schedule } from "effect"
import { builtOnRealTime } from "../cluster/real-time.js"
import type { CacheFigures, PerformancePoint, RateLimitFigures, RouteErrors, RuntimeFigures, WindowFigures } from "./figures-schema.js"
import { counterTotal, gaugeMax } from "./metric-reader.js"
import { HOUR_STEPS, RequestWindow, STEP_MS } from "./request-window.js"
import { aliveFibers, LoopDelaySampler } from "./runtime-sampler.js"

/** What a 10-second sample adds to a step beside its requests. */
interface StepSample {
  readonly index: number
  readonly cacheHitRatePct: number | null
  readonly rateLimitBlocked: number
  readonly eventLoopLagP99Ms: number
  readonly heapUsedBytes: number
}

interface Totals {
  readonly cacheHits: number
  readonly cacheMisses: number
  readonly rateLimitBlocked: number
}

export interface CounterFigures {
  readonly cache: CacheFigures
  readonly rateLimit: RateLimitFigures
}

export class Figures extends Context.Tag("luna/Figures")<Figures, {
  /** Synchronous and allocation-free: called by the edge for every answer. */
  readonly recordRequest: (route: string, status: number, durationMs: number) => void
  readonly window: (seconds: number) => Effect.Effect<WindowFigures>
  readonly errorsByRoute: (seconds: number, limit: number) => Effect.Effect<Array<RouteErrors>>
  readonly counters: Effect.Effect<CounterFigures>
  readonly runtime: Effect.Effect<RuntimeFigures>
  /** The last hour at 10-second resolution, oldest first. */
  readonly series: Effect.Effect<Array<PerformancePoint>>
}>() {}

const readTotals = (pairs: ReadonlyArray<MetricPair.MetricPair.Untyped>): Totals => ({
  cacheHits: counterTotal(pairs, "phoenix_cache_hits"),
  cacheMisses: counterTotal(pairs, "phoenix_cache_misses"),
  rateLimitBlocked: counterTotal(pairs, "phoenix_rate_limiter_refusals")
})

const percentOf = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 100

/** The figures of a Hub started now (or at `startMs`). */
export const makeFigures = (startMs?: number) =>
  Effect.gen(function* () {
    const requests = new RequestWindow(startMs ?? Date.now())
    const loopDelay = new LoopDelaySampler()
    yield* Effect.addFinalizer(() => Effect.sync(() => loopDelay.stop()))
    const samples: Array<StepSample | undefined> = new Array(HOUR_STEPS)
    let previous = readTotals(Metric.unsafeSnapshot())

    /** Closes the step that just ended: the counters' growth during it, and the runtime then. */
    const sample = Effect.sync(() => {
      const index = Math.floor(Date.now() / STEP_MS) - 1
      const totals = readTotals(Metric.unsafeSnapshot())
      const hits = totals.cacheHits - previous.cacheHits
      const lookups = hits + totals.cacheMisses - previous.cacheMisses
      samples[index % HOUR_STEPS] = {
        index,
        cacheHitRatePct: percentOf(hits, lookups),
        rateLimitBlocked: totals.rateLimitBlocked - previous.rateLimitBlocked,
        eventLoopLagP99Ms: loopDelay.take().p99,
        heapUsedBytes: process.memoryUsage().heapUsed
      }
      previous = totals
    })
    // Just after each step boundary, on real time whatever clock the caller has.
    const untilNextStep = Effect.suspend(() => Effect.sleep(STEP_MS - (Date.now() % STEP_MS) + 5))
    yield* Effect.forkScoped(untilNextStep.pipe(Effect.zipRight(sample), Effect.repeat(Schedule.forever)))

    const counters = Effect.sync((): CounterFigures => {
      const pairs = Metric.unsafeSnapshot()
      const { cacheHits: hits, cacheMisses: misses, rateLimitBlocked } = readTotals(pairs)
      return {
        cache: { hits, misses, hitRatePct: percentOf(hits, hits + misses), redisLatencyMs: gaugeMax(pairs, "phoenix_redis_latency_ms") },
        rateLimit: {
          totalRequests: counterTotal(pairs, "phoenix_rate_limiter_checks"),
          blocked: rateLimitBlocked,
          failedOpen: counterTotal(pairs, "phoenix_rate_limiter_failed_open")
        }
      }
    })

    const runtime = Effect.sync((): RuntimeFigures => {
      const memory = process.memoryUsage()
      return {
        eventLoopLagMs: loopDelay.latest,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        rssBytes: memory.rss,
        fibers: aliveFibers()
      }
    })

    const series = Effect.sync(() =>
      requests.steps(Date.now()).map((step): PerformancePoint => {
        const sampled = samples[step.index % HOUR_STEPS]
        const own = sampled?.index === step.index ? sampled : undefined
        return {
          at: new Date(step.index * STEP_MS).toISOString(),
          requests: step.requests,
          serverErrors: step.serverErrors,
          clientErrors: step.clientErrors,
          throughputPerSecond: step.requests / (STEP_MS / 1000),
          latencyMs: step.latencyMs,
          cacheHitRatePct: own?.cacheHitRatePct ?? null,
          rateLimitBlocked: own?.rateLimitBlocked ?? 0,
          eventLoopLagP99Ms: own?.eventLoopLagP99Ms ?? null,
          heapUsedBytes: own?.heapUsedBytes ?? null
        }
      })
    )

    return Figures.of({
      recordRequest: (route, status, durationMs) => requests.record(route, status, durationMs, Date.now()),
      window: (seconds) => Effect.sync(() => requests.window(seconds, Date.now())),
      errorsByRoute: (seconds, limit) => Effect.sync(() => requests.errorsByRoute(seconds, Date.now(), limit)),
      counters,
      runtime,
      series
    })
  })

export const FiguresLive: Layer.Layer<Figures> = builtOnRealTime(Layer.scoped(Figures, makeFigures()))
