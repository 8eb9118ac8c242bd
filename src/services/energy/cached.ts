/**
 * The ledger's derived reads as the cache holds them: their keys, and the tags a write moves.
 * Everything about a user carries the user's tag; the leaderboard its own, moved only by the rows
 * that change what a user consumed.
 */
import { userTag } from "../cache/Cache.js"
import type { PlannedRow } from "./rules.js"
import type { Period, TransactionsQuery } from "./schema.js"

export const LEADERBOARD_TAG = "energy:leaderboard"

export const transactionsKey = (userId: string, query: TransactionsQuery, limit: number): string =>
  `energy:tx:${userId}:${query.cursor ?? ""}:${limit}:${query.kind ?? ""}`

export const statsKey = (userId: string, period: Period): string => `energy:stats:${userId}:${period}`

export const leaderboardKey = (period: Period, limit: number): string => `energy:leaderboard:${period}:${limit}`

/** Every key that may hold `userId`'s data: their reads, and the leaderboards that list them. */
export const userKeyPatterns = (userId: string): ReadonlyArray<string> => [
  `energy:tx:${userId}:*`,
  `energy:stats:${userId}:*`,
  "energy:leaderboard:*"
]

const CONSUMED_KINDS: ReadonlySet<string> = new Set(["consume", "commit", "refund"])

/** The tags whose entries a committed write made wrong. */
export const tagsMovedBy = (userId: string, rows: ReadonlyArray<PlannedRow>): ReadonlyArray<string> =>
  rows.some((row) => CONSUMED_KINDS.has(row.kind)) ? [userTag(userId), LEADERBOARD_TAG] : [userTag(userId)]
