// Minimal local typings for autocannon 9 (the package ships no types).
// Covers only what the benchmarks in bench/ use; extend as needed.
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    interface Options {
      /** Target URL, e.g. http://127.0.0.1:3000/monitoring/health. */
      readonly url: string;
      readonly title?: string;
      /** Concurrent connections (default 10). */
      readonly connections?: number;
      /** Run length in seconds (default 10). */
      readonly duration?: number;
      /** Requests in flight per connection (default 1). */
      readonly pipelining?: number;
      /** Per-request timeout in seconds (default 10). */
      readonly timeout?: number;
      readonly method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string | Buffer;
      /**
       * Requests sent in turn on each connection, instead of one fixed request. A request with
       * `setupRequest` is rebuilt before each send (e.g. a fresh body per request).
       */
      readonly requests?: ReadonlyArray<Request>;
    }

    /** What `setupRequest` receives and returns (a copy of the defaults merged with the request). */
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    interface Request {
      readonly method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
      readonly path?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string | Buffer;
      /** Called before each send; the returned request is sent (a falsy return skips it). */
      readonly setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams;
      /** Called with each response's status and body. */
      readonly onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }

    /** hdr-histogram-percentiles-obj shape (only the fields used). */
    interface Histogram {
      readonly average: number;
      readonly mean: number;
      readonly stddev: number;
      readonly min: number;
      readonly max: number;
      readonly p50: number;
      readonly p90: number;
      readonly p99: number;
      readonly p99_9: number;
    }

    interface RequestsHistogram extends Histogram {
      /** Completed requests. */
      readonly total: number;
      /** Requests sent. */
      readonly sent: number;
    }

    interface Result {
      readonly title?: string;
      readonly url: string;
      readonly connections: number;
      readonly pipelining: number;
      /** Seconds. */
      readonly duration: number;
      /** Connection errors, including timeouts. */
      readonly errors: number;
      readonly timeouts: number;
      readonly mismatches: number;
      /** 1xx + 3xx + 4xx + 5xx responses. */
      readonly non2xx: number;
      readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
      /** Milliseconds, 1 ms resolution. */
      readonly latency: Histogram;
      /** Requests per sample interval (per second by default). */
      readonly requests: RequestsHistogram;
      /** Bytes per second. */
      readonly throughput: Histogram;
    }

    interface Instance extends EventEmitter {
      /** Stops the run early; the callback still receives the partial result. */
      stop(): void;
    }

    type Callback = (err: Error | null, result: Result) => void;
  }

  function autocannon(options: autocannon.Options, callback: autocannon.Callback): autocannon.Instance;

  export = autocannon;
}
