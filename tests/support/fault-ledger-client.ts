/**
 * The fault suite's ledger client: sends energy writes and reads to any Hub instance over HTTP or
 * RPC (the exported `HubClient`), and records every attempt of every write, as a careful client
 * would: its idempotency key, where it went, and how it ended. Each attempt ends in one of
 * - `ok`: a 2xx answer (the transaction and the balance after it);
 * - `refused`: a definite refusal (402, 404, 409, 410, 429 or their RPC twins): nothing was stored;
 * - `unknown`: no answer, a timeout, a 5xx or the RPC client's own failure: the write may or may
 *   not have happened, and the client must retry it with the same key to find out.
 */
import { Cause, Effect, Exit, ManagedRuntime, Option } from "effect"
import { HubClient } from "../../src/rpc/client.js"
import type { UserId } from "../../src/services/guardian/schema.js"
import type { CommitPayload, ConsumePayload, PurchasePayload, RefundPayload, ReleasePayload, ReservePayload } from "../../src/rpc/energy.js"

export type Transport = "http" | "rpc"
export type WriteKind = "consume" | "refund" | "purchase" | "reserve" | "commit" | "release"
export type Phase = "load" | "retry" | "replay" | "limits"

export interface WrittenTransaction {
  readonly transactionId: string
  readonly kind: string
  readonly balanceDelta: number
  readonly balanceAfter: number
  readonly reservedAfter: number
  readonly replayed: boolean
}

export type Outcome =
  | ({ readonly type: "ok" } & WrittenTransaction)
  | { readonly type: "refused"; readonly status: number; readonly tag: string }
  /** `undocumented`: an answer the Hub does not document for these doors (500, 499, an interrupted RPC…). */
  | { readonly type: "unknown"; readonly reason: string; readonly undocumented?: true }

export interface Attempt {
  readonly instance: number
  readonly transport: Transport
  readonly phase: Phase
  readonly startedAt: number
  readonly endedAt: number
  readonly outcome: Outcome
  /** HTTP only: whether the answer's headers show an `api_cv_generation` decision (absent when the check failed open). */
  readonly generationDecided?: boolean
}

/** One logical write: one idempotency key, sent once or more. */
export interface WriteOp {
  readonly id: number
  readonly kind: WriteKind
  readonly userId: string
  /** The idempotency key (a purchase's payment reference). */
  readonly key: string
  /** The request as the HTTP door takes it (the RPC payload adds `userId`, and `reservationId` for commit and release). */
  readonly body: Readonly<Record<string, unknown>>
  readonly reservationId?: string
  /** Sent over this transport only (the rate-limit probe reads HTTP headers). */
  readonly pinnedTransport?: Transport
  readonly attempts: Array<Attempt>
}

/** An op's answers that were 2xx. */
export const okAnswers = (op: WriteOp): Array<Extract<Outcome, { type: "ok" }>> =>
  op.attempts.flatMap((a) => (a.outcome.type === "ok" ? [a.outcome] : []))

/** The op's last definite outcome (ok or refused), if it has one. */
export const settledOutcome = (op: WriteOp): Exclude<Outcome, { type: "unknown" }> | undefined => {
  for (let i = op.attempts.length - 1; i >= 0; i--) {
    const outcome = op.attempts[i]!.outcome
    if (outcome.type !== "unknown") return outcome
  }
  return undefined
}

/** Per request: past this the client gives up and counts the outcome unknown (the Hub's own actor deadline is 15 s). */
const REQUEST_TIMEOUT_MS = 20_000

const PATHS: { readonly [K in WriteKind]: (op: WriteOp) => string } = {
  consume: (op) => `/energy/${op.userId}/consume`,
  refund: (op) => `/energy/${op.userId}/refund`,
  purchase: (op) => `/energy/${op.userId}/purchase`,
  reserve: (op) => `/energy/${op.userId}/reservations`,
  commit: (op) => `/energy/${op.userId}/reservations/${op.reservationId}/commit`,
  release: (op) => `/energy/${op.userId}/reservations/${op.reservationId}/release`
}

interface WriteAnswer {
  readonly transaction: { readonly transactionId: string; readonly kind: string; readonly balanceDelta: number; readonly balanceAfter: number; readonly reservedAfter: number }
  readonly replayed: boolean
}

const okOf = (answer: WriteAnswer): Outcome => ({
  type: "ok",
  transactionId: answer.transaction.transactionId,
  kind: answer.transaction.kind,
  balanceDelta: answer.transaction.balanceDelta,
  balanceAfter: answer.transaction.balanceAfter,
  reservedAfter: answer.transaction.reservedAfter,
  replayed: answer.replayed
})

/** Whether a `RateLimit` header (IETF draft) carries an item for `policy`. */
const headerHasItem = (header: string | null, policy: string): boolean =>
  header !== null && header.split(",").some((item) => item.trim().startsWith(`"${policy}"`))

/** The documented refusals of the energy doors (nothing stored); 503 is the documented "retry". */
const REFUSAL_STATUSES = new Set([400, 401, 402, 403, 404, 409, 410, 413, 429])

/** RPC failures that are answers (the request was decided and nothing stored); anything else is unknown. */
const REFUSAL_TAGS = new Set([
  "InsufficientEnergy", "UnknownAction", "UserNotFound", "IdempotencyKeyReused", "NotRefundable", "TransactionNotFound",
  "ReservationNotFound", "ReservationExpired", "ReservationResolved", "CommitExceedsReservation", "RateLimited",
  "Unauthorized", "Forbidden"
])

export interface LedgerClient {
  readonly instanceCount: number
  /** Sends `op` once to `instance` and records the attempt. */
  readonly send: (op: WriteOp, instance: number, transport: Transport, phase: Phase) => Promise<Attempt>
  /** A user's balance from `instance` (undefined when it could not answer). */
  readonly balance: (userId: string, instance: number, transport: Transport) => Promise<{ balance: number; reserved: number } | undefined>
  /** The user's newest transactions page (ids, newest first) from `instance`, through its cache. */
  readonly latestTransactions: (userId: string, instance: number, limit: number) => Promise<ReadonlyArray<string> | undefined>
  readonly close: () => Promise<void>
}

export const ledgerClient = (urls: ReadonlyArray<string>, credential: string): LedgerClient => {
  const rpc = urls.map((url) => ManagedRuntime.make(HubClient.layer({ url, credential })))
  const authorization = { authorization: `Bearer ${credential}` }

  const http = async (url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: unknown } | { error: string }> => {
    try {
      const response = await fetch(url, {
        ...init,
        headers: { ...authorization, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
      })
      const text = await response.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // not JSON: kept as text
      }
      return { status: response.status, headers: response.headers, body }
    } catch (error) {
      return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
    }
  }

  const sendHttp = async (op: WriteOp, instance: number): Promise<{ outcome: Outcome; generationDecided?: boolean }> => {
    const answer = await http(`${urls[instance]}${PATHS[op.kind](op)}`, { method: "POST", body: JSON.stringify(op.body) })
    if ("error" in answer) return { outcome: { type: "unknown", reason: answer.error } }
    const generationDecided = answer.headers.get("ratelimit-policy")?.includes('"api_cv_generation"')
      ? headerHasItem(answer.headers.get("ratelimit"), "api_cv_generation")
      : undefined
    const extra = generationDecided === undefined ? {} : { generationDecided }
    if (answer.status >= 200 && answer.status < 300) return { outcome: okOf(answer.body as WriteAnswer), ...extra }
    const error = (answer.body as { error?: { tag?: string; message?: string } } | undefined)?.error
    const tag = error?.tag ?? `HTTP ${answer.status}`
    if (REFUSAL_STATUSES.has(answer.status)) return { outcome: { type: "refused", status: answer.status, tag }, ...extra }
    const reason = `${answer.status} ${tag}${error?.message === undefined ? "" : `: ${error.message}`}`
    return { outcome: answer.status === 503 ? { type: "unknown", reason } : { type: "unknown", reason, undocumented: true }, ...extra }
  }

  const rpcCall = <A>(instance: number, call: (hub: HubClient["Type"]) => Effect.Effect<A, unknown>) =>
    rpc[instance]!.runPromiseExit(Effect.flatMap(HubClient, call).pipe(Effect.timeout(REQUEST_TIMEOUT_MS)))

  const sendRpc = async (op: WriteOp, instance: number): Promise<Outcome> => {
    // The RPC payload is the HTTP body plus what HTTP carries in the path.
    const payload = { ...op.body, userId: op.userId, ...(op.reservationId === undefined ? {} : { reservationId: op.reservationId }) }
    const exit = await rpcCall(instance, (hub): Effect.Effect<WriteAnswer, unknown> => {
      switch (op.kind) {
        case "consume":
          return hub.Energy.Consume(payload as typeof ConsumePayload.Type)
        case "refund":
          return hub.Energy.Refund(payload as typeof RefundPayload.Type)
        case "purchase":
          return hub.Energy.Purchase(payload as typeof PurchasePayload.Type)
        case "reserve":
          return hub.Energy.Reserve(payload as typeof ReservePayload.Type)
        case "commit":
          return hub.Energy.Commit(payload as typeof CommitPayload.Type)
        case "release":
          return hub.Energy.Release(payload as typeof ReleasePayload.Type)
      }
    })
    if (Exit.isSuccess(exit)) return okOf(exit.value)
    const failure = Cause.failureOption(exit.cause)
    const tag = Option.isSome(failure) ? (failure.value as { _tag?: string })._tag : undefined
    if (tag !== undefined && REFUSAL_TAGS.has(tag)) return { type: "refused", status: 0, tag }
    // The documented "retry": ServiceUnavailable; the transport failing (a Hub gone) or this client's timeout.
    if (tag === "ServiceUnavailable" || tag === "RpcClientError" || tag === "TimeoutException") {
      const message = Option.isSome(failure) ? (failure.value as { message?: string }).message : undefined
      return { type: "unknown", reason: message === undefined || message === "" ? tag : `${tag}: ${message}` }
    }
    return { type: "unknown", reason: tag ?? (Cause.isInterruptedOnly(exit.cause) ? "interrupted" : Cause.pretty(exit.cause).split("\n")[0] ?? "defect"), undocumented: true }
  }

  return {
    instanceCount: urls.length,
    send: async (op, instance, transport, phase) => {
      const startedAt = Date.now()
      const sent = transport === "http" ? await sendHttp(op, instance) : { outcome: await sendRpc(op, instance) }
      const attempt: Attempt = { instance, transport, phase, startedAt, endedAt: Date.now(), ...sent }
      op.attempts.push(attempt)
      return attempt
    },
    balance: async (userId, instance, transport) => {
      if (transport === "http") {
        const answer = await http(`${urls[instance]}/energy/${userId}/balance`)
        if ("error" in answer || answer.status !== 200) return undefined
        const body = answer.body as { balance: number; reserved: number }
        return { balance: body.balance, reserved: body.reserved }
      }
      const exit = await rpcCall(instance, (hub) => hub.Energy.Balance({ userId: userId as UserId }))
      return Exit.isSuccess(exit) ? { balance: exit.value.balance, reserved: exit.value.reserved } : undefined
    },
    latestTransactions: async (userId, instance, limit) => {
      const answer = await http(`${urls[instance]}/energy/${userId}/transactions?limit=${limit}`)
      if ("error" in answer || answer.status !== 200) return undefined
      return (answer.body as { transactions: Array<{ transactionId: string }> }).transactions.map((t) => t.transactionId)
    },
    close: async () => {
      await Promise.all(rpc.map((runtime) => runtime.dispose()))
    }
  }
}
