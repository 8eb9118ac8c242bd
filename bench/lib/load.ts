// Running autocannon programmatically and reducing its result to the numbers
// the benchmarks report.
import autocannon from "autocannon";
import { registerCleanup } from "./cleanup.js";

export interface LoadOptions {
  readonly title: string;
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly pipelining: number;
}

export interface LoadSummary {
  readonly title: string;
  /** autocannon `requests.average`: mean of the per-second completed-request samples. */
  readonly requestsPerSecond: number;
  readonly latencyAvgMs: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly completedRequests: number;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly durationSeconds: number;
}

const summarize = (title: string, result: autocannon.Result): LoadSummary => ({
  title,
  requestsPerSecond: result.requests.average,
  latencyAvgMs: result.latency.average,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  completedRequests: result.requests.total,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count])),
  durationSeconds: result.duration,
});

/** The autocannon run in progress, stopped by the cleanup registry on interrupt. */
let current: autocannon.Instance | undefined;
registerCleanup({
  name: "stop autocannon",
  run: async () => current?.stop(),
  runSync: () => current?.stop(),
});

/** One autocannon run (never two at once). */
export const runLoad = (options: LoadOptions): Promise<LoadSummary> =>
  new Promise((resolve, reject) => {
    if (current !== undefined) {
      reject(new Error("runLoad: another load run is still in progress"));
      return;
    }
    current = autocannon(
      {
        title: options.title,
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        pipelining: options.pipelining,
      },
      (error, result) => {
        current = undefined;
        if (error !== null) reject(error);
        else resolve(summarize(options.title, result));
      },
    );
  });
