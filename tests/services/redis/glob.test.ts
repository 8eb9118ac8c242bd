/**
 * The memory store's glob matcher against Redis's own SCAN MATCH, on random patterns built from
 * the metacharacters (unterminated brackets, escapes at the end, reversed ranges included).
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { Redis } from "ioredis"
import { escapeGlob, globMatch } from "../../../src/services/redis/glob.js"
import { realServicesAvailable, runToken, TEST_REDIS_URL } from "../../support/backends.js"
import { deleteKeysWithPrefix } from "../../support/redis.js"

const realAvailable = await realServicesAvailable()

const SUBJECTS = ["", "a", "b", "ab", "ba", "abc", "a*b", "a?b", "[a]", "a]", "a-c", "^a", "\\a", "aab", "bbb", "é", "a\\", "-", "]"]
const patternChar = fc.constantFrom("a", "b", "c", "*", "?", "[", "]", "^", "-", "\\", "é")

describe("globMatch", () => {
  it("handles the documented forms", () => {
    expect(globMatch("h?llo", "hello")).toBe(true)
    expect(globMatch("h*llo", "heeeello")).toBe(true)
    expect(globMatch("h[ae]llo", "hallo")).toBe(true)
    expect(globMatch("h[^e]llo", "hello")).toBe(false)
    expect(globMatch("h[a-b]llo", "hbllo")).toBe(true)
    expect(globMatch("h\\*llo", "h*llo")).toBe(true)
    expect(globMatch("h\\*llo", "hello")).toBe(false)
    expect(globMatch(escapeGlob("a*b?[c]\\") + "*", "a*b?[c]\\tail")).toBe(true)
    expect(globMatch(escapeGlob("a*b") + "*", "axb")).toBe(false)
  })

  describe.skipIf(!realAvailable)("agrees with Redis SCAN MATCH", () => {
    it("on random patterns", { timeout: 20_000 }, async () => {
      const prefix = `luna_t_${runToken()}:glob:`
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
      try {
        await Promise.all(SUBJECTS.map((s) => redis.set(prefix + s, "1", "PX", 60_000)))
        const redisMatches = async (pattern: string): Promise<Array<string>> => {
          const found = new Set<string>()
          let cursor = "0"
          do {
            const [next, keys] = await redis.scan(cursor, "MATCH", escapeGlob(prefix) + pattern, "COUNT", 1000)
            keys.forEach((k) => found.add(k.slice(prefix.length)))
            cursor = next
          } while (cursor !== "0")
          return [...found].sort()
        }
        await fc.assert(
          fc.asyncProperty(fc.array(patternChar, { maxLength: 7 }).map((cs) => cs.join("")), async (pattern) => {
            const expected = await redisMatches(pattern)
            // As the memory store matches: the whole key against the escaped prefix + pattern.
            const mine = SUBJECTS.filter((s) => globMatch(escapeGlob(prefix) + pattern, prefix + s)).sort()
            expect(mine, `pattern ${JSON.stringify(pattern)}`).toEqual(expected)
          }),
          { numRuns: 400 }
        )
      } finally {
        await deleteKeysWithPrefix(redis, prefix)
        await redis.quit()
      }
    })
  })
})
