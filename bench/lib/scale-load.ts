// The mixed load of bench:scale over HTTP (keep-alive), the same mix as the fault suite's
// (tests/support/fault-load.ts) without its faults: consume, refund of a known charge, reserve then
// commit or release, purchase, and balance and transaction-page reads, each with a fresh
// idempotency key, sent by `workers` concurrent clients to instances picked at random. Every answer
// is timed; any answer but 2xx is counted as an error.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { registerCleanup } from "./cleanup.js";
import { bearer, requestJson } from "./energy-http.js";

export type OperationKind = "consume" | "refund" | "reserve" | "commit" | "release" | "purchase" | "balance" | "transactions";

export interface LoadResult {
  readonly seconds: number;
  readonly operations: number;
  readonly errors: number;
  readonly errorSamples: ReadonlyArray<string>;
  /** Milliseconds of each answered operation, by kind. */
  readonly latencies: ReadonlyMap<OperationKind, ReadonlyArray<number>>;
}

const ACTIONS = [["coach_message", 5], ["narrative_analysis", 10], ["cv_analysis", 15]] as const;

const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(Math.random() * items.length)]!;
const between = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low + 1));

/** A keep-alive agent with room for every worker, destroyed at cleanup. */
export const loadAgent = (workers: number): http.Agent => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  registerCleanup({ name: "destroy the load agent", run: async () => agent.destroy(), runSync: () => agent.destroy() });
  return agent;
};

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

export const runMixedLoad = async (options: {
  readonly origins: ReadonlyArray<string>;
  readonly key: string;
  readonly users: ReadonlyArray<string>;
  readonly workers: number;
  readonly seconds: number;
  readonly agent: http.Agent;
}): Promise<LoadResult> => {
  const headers = bearer(options.key);
  const latencies = new Map<OperationKind, Array<number>>();
  const errorSamples: Array<string> = [];
  let errors = 0;
  let operations = 0;
  const refundable: Array<{ userId: string; transactionId: string; cost: number }> = [];
  const held: Array<{ userId: string; reservationId: string; amount: number }> = [];

  /** One timed request; answers the body of a 2xx, undefined otherwise. */
  const timed = async (kind: OperationKind, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> => {
    const started = performance.now();
    const answer = await requestJson(options.agent, method, `${pick(options.origins)}${path}`, headers, body).catch((error: unknown) => ({
      status: 0,
      body: error instanceof Error ? error.message : String(error),
    }));
    const elapsed = performance.now() - started;
    operations++;
    if (answer.status < 200 || answer.status >= 300) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`${kind} ${answer.status} ${answer.body.slice(0, 200)}`);
      return undefined;
    }
    let list = latencies.get(kind);
    if (list === undefined) latencies.set(kind, (list = []));
    list.push(elapsed);
    return JSON.parse(answer.body) as unknown;
  };
  const transactionOf = (body: unknown): string | undefined => (body as { transaction?: { transactionId?: string } } | undefined)?.transaction?.transactionId;

  const consume = async () => {
    const userId = pick(options.users);
    const [action, cost] = pick(ACTIONS);
    const transactionId = transactionOf(await timed("consume", "POST", `/energy/${userId}/consume`, { action, idempotencyKey: randomUUID() }));
    if (transactionId !== undefined) refundable.push({ userId, transactionId, cost });
  };
  const refund = async () => {
    const charge = refundable.splice(Math.floor(Math.random() * refundable.length), 1)[0];
    if (charge === undefined) return consume();
    await timed("refund", "POST", `/energy/${charge.userId}/refund`, { transactionId: charge.transactionId, amount: between(1, charge.cost), idempotencyKey: randomUUID() });
  };
  const reserve = async () => {
    const userId = pick(options.users);
    const amount = between(10, 30);
    const reservationId = transactionOf(await timed("reserve", "POST", `/energy/${userId}/reservations`, { amount, idempotencyKey: randomUUID() }));
    if (reservationId !== undefined) held.push({ userId, reservationId, amount });
  };
  const resolve = async () => {
    const reservation = held.splice(Math.floor(Math.random() * held.length), 1)[0];
    if (reservation === undefined) return reserve();
    const path = `/energy/${reservation.userId}/reservations/${reservation.reservationId}`;
    if (Math.random() < 0.25) await timed("release", "POST", `${path}/release`, { idempotencyKey: randomUUID() });
    else await timed("commit", "POST", `${path}/commit`, { amount: between(0, reservation.amount), idempotencyKey: randomUUID() });
  };
  const purchase = async () => {
    await timed("purchase", "POST", `/energy/${pick(options.users)}/purchase`, { amount: between(20, 120), paymentReference: randomUUID() });
  };
  const read = async () => {
    const userId = pick(options.users);
    if (Math.random() < 0.7) await timed("balance", "GET", `/energy/${userId}/balance`);
    else await timed("transactions", "GET", `/energy/${userId}/transactions?limit=10`);
  };

  // The fault suite's weights.
  const mix: ReadonlyArray<readonly [number, () => Promise<void>]> = [[30, consume], [10, refund], [12, reserve], [10, resolve], [8, purchase], [30, read]];
  const total = mix.reduce((sum, [weight]) => sum + weight, 0);
  const next = (): (() => Promise<void>) => {
    let roll = Math.random() * total;
    for (const [weight, operation] of mix) {
      roll -= weight;
      if (roll < 0) return operation;
    }
    return read;
  };

  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) await next()();
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return { seconds: (performance.now() - started) / 1000, operations, errors, errorSamples, latencies };
};
