/**
 * The fault suite's mixed load: workers that each pick an operation (consume, refund of a known
 * charge, reserve then commit or release, purchase, balance and transaction reads), a user, an
 * instance and a transport at random, with a fresh idempotency key per write. A write whose
 * outcome is unknown is sent once more at once, with the same key, to another instance (as a
 * client behind a load balancer would); whatever stays unknown is left for the retry phase.
 */
import { randomUUID } from "node:crypto"
import type { LedgerClient, Phase, Transport, WriteKind, WriteOp } from "./fault-ledger-client.js"

/** Costs of the catalogue's actions the load uses (none of them is rate limited). */
const ACTIONS = [["coach_message", 5], ["narrative_analysis", 10], ["cv_analysis", 15]] as const

export interface LoadCounters {
  writes: number
  reads: number
  readFailures: number
}

/** Every write the suite sent, and what the ledger must show for it afterwards. */
export class WriteJournal {
  readonly ops: Array<WriteOp> = []
  private nextId = 0

  create(kind: WriteKind, userId: string, body: Record<string, unknown>, reservationId?: string, pinnedTransport?: Transport): WriteOp {
    const key = kind === "purchase" ? String(body.paymentReference) : String(body.idempotencyKey)
    const op: WriteOp = {
      id: this.nextId++,
      kind,
      userId,
      key,
      body,
      attempts: [],
      ...(reservationId === undefined ? {} : { reservationId }),
      ...(pinnedTransport === undefined ? {} : { pinnedTransport })
    }
    this.ops.push(op)
    return op
  }
}

const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(Math.random() * items.length)]!
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1))
export const newKey = (prefix: string) => `${prefix}-${randomUUID()}`

export interface MixedLoadOptions {
  readonly client: LedgerClient
  readonly journal: WriteJournal
  readonly users: ReadonlyArray<string>
  readonly workers: number
  readonly counters: LoadCounters
  /** The load runs until this says stop. */
  readonly running: () => boolean
}

/**
 * Sends `op` to a random instance; if the outcome is unknown, once more to another instance with
 * the same key. Answers the last attempt's outcome.
 */
export const sendWithOneRetry = async (client: LedgerClient, op: WriteOp, phase: Phase, transport: Transport = op.pinnedTransport ?? pick(["http", "rpc"])) => {
  const first = between(0, client.instanceCount - 1)
  const attempt = await client.send(op, first, transport, phase)
  if (attempt.outcome.type !== "unknown") return attempt.outcome
  const other = (first + between(1, client.instanceCount - 1)) % client.instanceCount
  return (await client.send(op, other, transport, phase)).outcome
}

export const runMixedLoad = async (options: MixedLoadOptions): Promise<void> => {
  const { client, counters, journal, users } = options
  // What later operations may refer to: charges not refunded yet, reservations not resolved yet.
  const refundable: Array<{ userId: string; transactionId: string; amount: number }> = []
  const openReservations: Array<{ userId: string; reservationId: string; amount: number }> = []

  const write = async (op: WriteOp) => {
    counters.writes++
    const outcome = await sendWithOneRetry(client, op, "load")
    // Behind a fault, back off a little rather than spin through unknown outcomes.
    if (outcome.type === "unknown") await new Promise((resolve) => setTimeout(resolve, 250))
    return outcome
  }

  const consume = async () => {
    const userId = pick(users)
    const [action, cost] = pick(ACTIONS)
    const outcome = await write(journal.create("consume", userId, { action, idempotencyKey: newKey("c") }))
    if (outcome.type === "ok" && !outcome.replayed) refundable.push({ userId, transactionId: outcome.transactionId, amount: cost })
  }

  const refund = async () => {
    const charge = refundable.splice(Math.floor(Math.random() * refundable.length), 1)[0]
    if (charge === undefined) return consume()
    // Each charge is refunded once, for part of it or all of it: a refund never finds too little left.
    const body = Math.random() < 0.5
      ? { transactionId: charge.transactionId, idempotencyKey: newKey("r"), reason: "fault suite" }
      : { transactionId: charge.transactionId, amount: between(1, charge.amount), idempotencyKey: newKey("r") }
    await write(journal.create("refund", charge.userId, body))
  }

  const reserve = async () => {
    const userId = pick(users)
    const amount = between(10, 30)
    const outcome = await write(journal.create("reserve", userId, { amount, idempotencyKey: newKey("h") }))
    if (outcome.type === "ok" && !outcome.replayed) openReservations.push({ userId, reservationId: outcome.transactionId, amount })
  }

  const resolve = async () => {
    const held = openReservations.splice(Math.floor(Math.random() * openReservations.length), 1)[0]
    if (held === undefined) return reserve()
    const roll = Math.random()
    if (roll < 0.25) {
      await write(journal.create("release", held.userId, { idempotencyKey: newKey("x") }, held.reservationId))
    } else {
      // Commit all of it, or less (the rest returns).
      const body = roll < 0.6 ? { idempotencyKey: newKey("k") } : { amount: between(0, held.amount), idempotencyKey: newKey("k") }
      await write(journal.create("commit", held.userId, body, held.reservationId))
    }
  }

  const purchase = async () => {
    await write(journal.create("purchase", pick(users), { amount: between(20, 120), paymentReference: newKey("p") }))
  }

  const read = async () => {
    counters.reads++
    const userId = pick(users)
    const instance = between(0, client.instanceCount - 1)
    const answered = Math.random() < 0.7
      ? await client.balance(userId, instance, pick(["http", "rpc"]))
      : await client.latestTransactions(userId, instance, 10)
    if (answered === undefined) counters.readFailures++
  }

  // Weights of each operation in the mix.
  const mix: ReadonlyArray<readonly [number, () => Promise<void>]> = [
    [30, consume],
    [10, refund],
    [12, reserve],
    [10, resolve],
    [8, purchase],
    [30, read]
  ]
  const total = mix.reduce((sum, [weight]) => sum + weight, 0)
  const next = () => {
    let roll = Math.random() * total
    for (const [weight, operation] of mix) {
      roll -= weight
      if (roll < 0) return operation
    }
    return read
  }

  const worker = async () => {
    while (options.running()) await next()()
  }
  await Promise.all(Array.from({ length: options.workers }, worker))
}
