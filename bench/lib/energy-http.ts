// The HTTP side of bench:energy: JSON requests to a Hub over a keep-alive agent (setup), the
// service key, and the autocannon target that sends `POST /energy/{userId}/consume`, each request
// with its own idempotency key, while recording every answer that is not 200.
import http from "node:http";
import type autocannon from "autocannon";
import { registerCleanup } from "./cleanup.js";
import type { SegmentTarget } from "./segmented-load.js";
import { describeServerFailure, type ServerProcess } from "./server.js";

export interface JsonAnswer {
  readonly status: number;
  readonly body: string;
}

/** A keep-alive agent for the setup requests, destroyed at cleanup. */
export const setupAgent = (maxSockets: number): http.Agent => {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  registerCleanup({ name: "destroy the setup HTTP agent", run: async () => agent.destroy(), runSync: () => agent.destroy() });
  return agent;
};

/** One request with a JSON body (or none); answers status and body text. */
export const requestJson = (
  agent: http.Agent | false,
  method: "GET" | "POST",
  url: string,
  headers: Readonly<Record<string, string>>,
  body?: unknown,
): Promise<JsonAnswer> =>
  new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = http.request(
      url,
      {
        method,
        agent,
        headers: payload === undefined ? headers : { ...headers, "content-type": "application/json", "content-length": String(payload.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    request.setTimeout(15_000, () => request.destroy(new Error(`${method} ${url} timed out after 15000 ms`)));
    request.on("error", reject);
    request.end(payload);
  });

export const bearer = (key: string): Readonly<Record<string, string>> => ({ authorization: `Bearer ${key}` });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `key` is accepted by GET /admin/keys (the bootstrap key is installed once migrated). */
export const waitForAdminKey = async (server: ServerProcess, key: string, timeoutMs: number): Promise<number> => {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < timeoutMs) {
    if (server.exitInfo() !== undefined) throw new Error(describeServerFailure(server, `${server.name} stopped before the admin key worked`));
    const answer = await requestJson(false, "GET", `${server.origin}/admin/keys`, bearer(key)).catch((error: unknown) => ({
      status: 0,
      body: error instanceof Error ? error.message : String(error),
    }));
    if (answer.status === 200) return Date.now() - started;
    last = `HTTP ${answer.status} ${answer.body.slice(0, 200)}`;
    await sleep(200);
  }
  throw new Error(describeServerFailure(server, `the bootstrap admin key did not work within ${timeoutMs / 1000} s (last: ${last})`));
};

/** POST /admin/keys with the admin key: a new key with `scopes`; answers the key itself. */
export const createServiceKey = async (origin: string, adminKey: string, scopes: ReadonlyArray<string>): Promise<string> => {
  const answer = await requestJson(false, "POST", `${origin}/admin/keys`, bearer(adminKey), { name: "bench", env: "dev", scopes });
  const key = answer.status === 200 || answer.status === 201 ? (JSON.parse(answer.body) as { key?: unknown }).key : undefined;
  if (typeof key !== "string") throw new Error(`POST /admin/keys answered ${answer.status} ${answer.body.slice(0, 300)}`);
  return key;
};

/** Runs `task` over `items`, at most `concurrency` at a time; the first failure rejects. */
export const forEachConcurrently = async <A>(items: ReadonlyArray<A>, concurrency: number, task: (item: A) => Promise<void>): Promise<void> => {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};

/** Answers that were not 200: counts by status and the first few bodies. */
export class UnexpectedAnswers {
  readonly byStatus = new Map<number, number>();
  readonly samples: Array<string> = [];
  total = 0;

  record(status: number, body: string, what: string): void {
    this.total++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (this.samples.length < 5) this.samples.push(`${status} ${what}: ${body.slice(0, 300)}`);
  }

  describe(): string {
    return [...this.byStatus].map(([status, count]) => `${status}×${count}`).join(", ");
  }
}

export interface ConsumeTargetOptions {
  readonly title: string;
  readonly origin: string;
  readonly key: string;
  /** The user of the n-th request. */
  readonly userOf: (n: number) => string;
  /** Numbers requests across runs, so that every idempotency key is new. */
  readonly counter: { next: number };
  /** Prefix of the idempotency keys (unique per bench run). */
  readonly keyPrefix: string;
  readonly unexpected: UnexpectedAnswers;
}

/** `POST /energy/{userOf(n)}/consume` {"action":"coach_message","idempotencyKey":"<prefix>-<n>"}. */
export const consumeTarget = (options: ConsumeTargetOptions): SegmentTarget => {
  const request: autocannon.Request = {
    method: "POST",
    setupRequest: (params) => {
      const n = options.counter.next++;
      const user = options.userOf(n);
      return {
        ...params,
        method: "POST",
        path: `/energy/${user}/consume`,
        body: `{"action":"coach_message","idempotencyKey":"${options.keyPrefix}-${n}"}`,
      };
    },
    onResponse: (status, body) => {
      if (status !== 200) options.unexpected.record(status, body, options.title);
    },
  };
  return {
    title: options.title,
    url: `${options.origin}/energy/${options.userOf(0)}/consume`,
    headers: { ...bearer(options.key), "content-type": "application/json" },
    requests: [request],
  };
};

/** Opens a `pack` account for each user and buys it `amount` energy, `connections` requests at a time. */
export const seedAccounts = async (origin: string, key: string, all: ReadonlyArray<string>, amount: number, connections: number): Promise<void> => {
  const agent = setupAgent(connections);
  const expectOk = (what: string, answer: { status: number; body: string }) => {
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`${what} answered ${answer.status} ${answer.body.slice(0, 300)}`);
  };
  try {
    await forEachConcurrently(all, connections, async (user) =>
      expectOk(`POST /energy/${user}/account`, await requestJson(agent, "POST", `${origin}/energy/${user}/account`, bearer(key), { plan: "pack" })),
    );
    await forEachConcurrently(all, connections, async (user) =>
      expectOk(
        `POST /energy/${user}/purchase`,
        await requestJson(agent, "POST", `${origin}/energy/${user}/purchase`, bearer(key), { amount, paymentReference: `seed-${user}` }),
      ),
    );
  } finally {
    agent.destroy();
  }
};
