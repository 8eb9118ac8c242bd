/**
 * What both limiters (the store's scripts in live.ts, in-process memory in memory.ts) share: the
 * key of an identifier's state, the validation of a call, and the metrics of a decided check.
 */
import type { Metric, MetricLabel } from "effect"
import { blockedRequests, totalRequests } from "./metrics.js"
import { type Algorithm, ALGORITHMS, isValidRule, type LimitRule } from "./schema.js"

const NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** The key of `identifier`'s state under the limit `name` (a valid name: see `NAME`). */
export const rateLimitKey = (name: string, identifier: string): string => `rl:${name}:${identifier}`

export interface ScopeMetrics {
  readonly total: Metric.Metric.Counter<number>
  readonly blocked: Metric.Metric.Counter<number>
}

export const invalidName = (name: string): string =>
  `rate limit name ${JSON.stringify(name)}: expected 1–64 letters, digits, '_', '-' or '.'`

export const isValidName = (name: string): boolean => NAME.test(name)

/** A caller bug (bad name, rule or cost) as a message, or undefined. */
const checkProblem = (name: string, rule: LimitRule, cost: number): string | undefined => {
  if (!NAME.test(name)) return invalidName(name)
  if (!ALGORITHMS.includes(rule.algorithm) || !isValidRule(rule)) return `rate limit ${name}: invalid rule ${JSON.stringify(rule)}`
  if (!Number.isSafeInteger(cost) || cost < 1) return `rate limit ${name}: cost must be a whole number ≥ 1, got ${cost}`
  return undefined
}

/** The counters of each (name, algorithm), made once: names come from code (the scopes), so this stays small. */
export const makeLimiterMetrics = () => {
  const metrics = new Map<string, ScopeMetrics>()
  return (name: string, algorithm: Algorithm): ScopeMetrics => {
    const memoKey = `${algorithm}:${name}`
    let found = metrics.get(memoKey)
    if (found === undefined) {
      found = {
        total: totalRequests({ scope: name, algorithm }),
        blocked: blockedRequests({ scope: name, algorithm, reason: "limit" })
      }
      metrics.set(memoKey, found)
    }
    return found
  }
}

const NO_EXTRA_TAGS: ReadonlyArray<MetricLabel.MetricLabel> = []

/** Counts a decided check (synchronously: no extra fiber steps on this hot path). */
export const countCheck = (counters: ScopeMetrics, allowed: boolean): void => {
  counters.total.unsafeUpdate(1, NO_EXTRA_TAGS)
  if (!allowed) counters.blocked.unsafeUpdate(1, NO_EXTRA_TAGS)
}


/**
 * Validates calls and finds their counters. Each name's last valid rule is remembered (rules are
 * the scopes' objects, passed again and again), so a repeated call costs one `Map` lookup instead
 * of a regex, the rule's checks and a metric lookup.
 */
export const makeCallChecker = () => {
  const metricsFor = makeLimiterMetrics()
  const known = new Map<string, { readonly rule: LimitRule; readonly counters: ScopeMetrics }>()
  return (name: string, rule: LimitRule, cost: number): ScopeMetrics | string => {
    if (cost !== 1 && !(Number.isSafeInteger(cost) && cost >= 1)) return `rate limit ${name}: cost must be a whole number ≥ 1, got ${cost}`
    const found = known.get(name)
    if (found !== undefined && found.rule === rule) return found.counters
    const problem = checkProblem(name, rule, cost)
    if (problem !== undefined) return problem
    const counters = metricsFor(name, rule.algorithm)
    known.set(name, { rule, counters })
    return counters
  }
}
