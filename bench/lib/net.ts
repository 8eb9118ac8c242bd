// Loopback networking helpers: free ports and a tiny one-shot HTTP GET.
import http from "node:http";
import net from "node:net";

export const LOOPBACK = "127.0.0.1";

/** Asks the OS for a currently free TCP port on 127.0.0.1. */
export const getFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not determine a free port"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });

export interface HttpGetResult {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** One GET on a fresh connection (no keep-alive pool left behind). */
export const httpGet = (url: string, timeoutMs: number): Promise<HttpGetResult> =>
  new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on("error", reject);
  });
