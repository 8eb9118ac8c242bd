/**
 * Redis glob matching (`stringmatchlen` in Redis's util.c), ported byte for byte so the memory
 * store's SCAN MATCH agrees with Redis: `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges
 * allowed), `\` escapes inside and outside brackets, an unterminated `[` matching up to the end of
 * the pattern. Works on UTF-8 bytes like Redis, so `?` matches one byte, not one character, and a
 * range compares bytes as signed C chars like x86-64 Redis (so `[a-é]` is not what it looks like).
 */

const STAR = 0x2a
const QUESTION = 0x3f
const OPEN = 0x5b
const CLOSE = 0x5d
const CARET = 0x5e
const BACKSLASH = 0x5c
const DASH = 0x2d

const MAX_NESTING = 1000

/** True when `subject` matches the Redis glob `pattern`. */
export const globMatch = (pattern: string, subject: string): boolean =>
  matchBytes(Buffer.from(pattern, "utf8"), Buffer.from(subject, "utf8"))

/** Compiles once for many subjects (SCAN over a whole keyspace). */
export const globMatcher = (pattern: string): (subject: string) => boolean => {
  const p = Buffer.from(pattern, "utf8")
  return (subject) => matchBytes(p, Buffer.from(subject, "utf8"))
}

/** Escapes every glob metacharacter, so `escapeGlob(prefix) + pattern` matches the literal prefix. */
export const escapeGlob = (literal: string): string => literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`)

const matchBytes = (pattern: Buffer, subject: Buffer): boolean => {
  const state = { skipLongerMatches: false }
  return matchAt(pattern, 0, subject, 0, state, 0)
}

// C reads the terminating NUL past the end; 0 reproduces that.
const at = (b: Buffer, i: number): number => (i < b.length ? b[i]! : 0)

const signed = (byte: number): number => (byte >= 0x80 ? byte - 0x100 : byte)

const matchAt = (
  pattern: Buffer,
  pStart: number,
  subject: Buffer,
  sStart: number,
  state: { skipLongerMatches: boolean },
  nesting: number
): boolean => {
  if (nesting > MAX_NESTING) return false
  let p = pStart
  let s = sStart
  let pLen = pattern.length - pStart
  let sLen = subject.length - sStart

  while (pLen > 0 && sLen > 0) {
    const c = pattern[p]!
    if (c === STAR) {
      while (pLen > 1 && at(pattern, p + 1) === STAR) {
        p++
        pLen--
      }
      if (pLen === 1) return true
      while (sLen > 0) {
        if (matchAt(pattern, p + 1, subject, s, state, nesting + 1)) return true
        if (state.skipLongerMatches) return false
        s++
        sLen--
      }
      state.skipLongerMatches = true
      return false
    } else if (c === QUESTION) {
      s++
      sLen--
    } else if (c === OPEN) {
      p++
      pLen--
      const not = at(pattern, p) === CARET
      if (not) {
        p++
        pLen--
      }
      let match = false
      const sc = subject[s]!
      for (;;) {
        if (at(pattern, p) === BACKSLASH && pLen >= 2) {
          p++
          pLen--
          if (at(pattern, p) === sc) match = true
        } else if (at(pattern, p) === CLOSE) {
          break
        } else if (pLen === 0) {
          p--
          pLen++
          break
        } else if (pLen >= 3 && at(pattern, p + 1) === DASH) {
          // Redis compares range bounds as C `char`: signed on x86-64 (bytes ≥ 0x80 negative), which is
          // what this follows; ARM builds use unsigned chars. Only non-ASCII range bounds can tell.
          let start = signed(at(pattern, p))
          let end = signed(at(pattern, p + 2))
          if (start > end) [start, end] = [end, start]
          p += 2
          pLen -= 2
          const c = signed(sc)
          if (c >= start && c <= end) match = true
        } else if (at(pattern, p) === sc) {
          match = true
        }
        p++
        pLen--
      }
      if (not) match = !match
      if (!match) return false
      s++
      sLen--
    } else {
      if (c === BACKSLASH && pLen >= 2) {
        p++
        pLen--
      }
      if (at(pattern, p) !== subject[s]) return false
      s++
      sLen--
    }
    p++
    pLen--
    if (sLen === 0) {
      while (pLen > 0 && at(pattern, p) === STAR) {
        p++
        pLen--
      }
      break
    }
  }
  return pLen === 0 && sLen === 0
}
