// A local OTLP/HTTP sink for the tracing measurement: accepts every POST (the
// Hub's span batches to /v1/traces), answers 200 as a collector does, keeps
// nothing. It counts what arrived, so the report can tell whether spans were
// exported or dropped; counting `"spanId":` in the JSON body is enough for
// that and cheaper than parsing it (parentSpanId is spelled with a capital S).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { LOOPBACK } from "./net.js";

export interface OtlpSinkCounts {
  readonly posts: number;
  readonly spans: number;
  readonly bytes: number;
}

export interface OtlpSink {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  readonly endpoint: string;
  readonly counts: () => OtlpSinkCounts;
  readonly close: () => Promise<void>;
}

const SPAN_MARKER = '"spanId":';

const occurrences = (text: string, marker: string): number => {
  let count = 0;
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) count++;
  return count;
};

export const startOtlpSink = (): Promise<OtlpSink> =>
  new Promise((resolve, reject) => {
    let posts = 0;
    let spans = 0;
    let bytes = 0;
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks);
        posts++;
        bytes += body.length;
        spans += occurrences(body.toString("utf8"), SPAN_MARKER);
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port: 0 }, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://${LOOPBACK}:${port}`,
        counts: () => ({ posts, spans, bytes }),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
