// autocannon runs split into segments, so that two targets can be measured
// interleaved (A B B A) and each reported as one run: the segments' latency
// histograms are merged with autocannon.aggregateResult (exact percentiles,
// not an average of percentiles), and req/s is the mean of every 1 s sample
// of every segment, as autocannon's own `requests.average` is for one run.
import autocannon from "autocannon";
import { registerCleanup } from "./cleanup.js";
import type { LoadSummary } from "./load.js";

export interface SegmentTarget {
  readonly title: string;
  readonly url: string;
  /** Sent with every request (e.g. authorization). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Requests sent in turn instead of a fixed GET of `url` (autocannon `requests`): e.g. one POST
   * whose `setupRequest` gives each request its own path and body.
   */
  readonly requests?: ReadonlyArray<autocannon.Request>;
}

export interface SegmentSettings {
  readonly connections: number;
  readonly pipelining: number;
}

/** A run made with `skipAggregateResult`: raw counts and encoded histograms (only the fields used). */
export interface RawSegment {
  readonly totalCompletedRequests: number;
  /** 1 s samples taken. */
  readonly samples: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Seconds. */
  readonly duration: number;
}

// bench/autocannon.d.ts types the aggregated API only; these two entry points
// are documented in autocannon's README ("autocannon.aggregateResult").
interface SegmentApi {
  (
    options: autocannon.Options & { readonly skipAggregateResult: true },
    callback: (error: Error | null, result: RawSegment) => void,
  ): autocannon.Instance;
  aggregateResult(
    results: RawSegment[],
    options: { readonly url: string; readonly title: string; readonly connections: number; readonly pipelining: number },
  ): autocannon.Result;
}
const segmentApi = autocannon as unknown as SegmentApi;

let current: autocannon.Instance | undefined;
registerCleanup({
  name: "stop autocannon (segments)",
  run: async () => current?.stop(),
  runSync: () => current?.stop(),
});

/** One segment of load on `target` (never two at once). */
export const runSegment = (target: SegmentTarget, settings: SegmentSettings, durationSeconds: number): Promise<RawSegment> =>
  new Promise((resolve, reject) => {
    if (current !== undefined) {
      reject(new Error("runSegment: another load run is still in progress"));
      return;
    }
    current = segmentApi(
      {
        title: target.title,
        url: target.url,
        connections: settings.connections,
        pipelining: settings.pipelining,
        duration: durationSeconds,
        ...(target.headers === undefined ? {} : { headers: target.headers }),
        ...(target.requests === undefined ? {} : { requests: target.requests }),
        skipAggregateResult: true,
      },
      (error, result) => {
        current = undefined;
        if (error !== null) reject(error);
        else resolve(result);
      },
    );
  });

/** The segments of one target as one run. */
export const summarizeSegments = (target: SegmentTarget, settings: SegmentSettings, segments: readonly RawSegment[]): LoadSummary => {
  if (segments.length === 0) throw new Error(`summarizeSegments: no segment for ${target.title}`);
  // Read before aggregating: aggregateResult adds into the first segment's status-code counts.
  const completed = segments.reduce((sum, segment) => sum + segment.totalCompletedRequests, 0);
  const samples = segments.reduce((sum, segment) => sum + segment.samples, 0);
  const durationSeconds = segments.reduce((sum, segment) => sum + segment.duration, 0);
  const merged = segmentApi.aggregateResult([...segments], {
    url: target.url,
    title: target.title,
    connections: settings.connections,
    pipelining: settings.pipelining,
  });
  return {
    title: target.title,
    requestsPerSecond: samples > 0 ? completed / samples : 0,
    latencyAvgMs: merged.latency.average,
    latencyP50Ms: merged.latency.p50,
    latencyP99Ms: merged.latency.p99,
    completedRequests: completed,
    errors: merged.errors,
    timeouts: merged.timeouts,
    non2xx: merged.non2xx,
    statusCodes: Object.fromEntries(Object.entries(merged.statusCodeStats).map(([code, stat]) => [code, stat.count])),
    durationSeconds,
  };
};
