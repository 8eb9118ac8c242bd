/**
 * Personal data never reaches a log line's free text: messages and failure texts pass through the
 * anonymiser (typed placeholders, public IPs truncated), the Hub's own addresses stay readable,
 * the pre-check never skips text a detector would match, and long text is bounded.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Logger } from "effect"
import * as fc from "fast-check"
import { detectPersonalData } from "../../../src/services/gdpr/anonymise/index.js"
import { jsonLogger } from "../../../src/services/logging/logger.js"
import { anonymiseLogText, MAX_ANONYMISED_CHARS, mayHoldPersonalData } from "../../../src/services/logging/personal-data.js"
import { personalValues } from "../gdpr/personal-data.js"

const EMAIL = "marie.curie@example.fr"
const PHONE = "06 12 34 56 78"
const IBAN = "FR76 3000 6000 0112 3456 7890 189"

const logged = (self: Effect.Effect<void>) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    yield* self.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, jsonLogger((line) => lines.push(line)))))
    return lines.map((line) => JSON.parse(line) as Record<string, string>)
  })

describe("personal data in log lines", () => {
  it.effect("a message and a failure quoting a user's email, phone, IBAN and public IP are written with placeholders", () =>
    Effect.gen(function* () {
      const [line] = yield* logged(
        Effect.logWarning(`could not reach ${EMAIL} at ${PHONE} (from 203.0.113.77)`, Cause.die(new Error(`refund to ${IBAN} refused`)))
      )
      expect(line!.message).toBe("could not reach [email] at [phone] (from 203.0.113.0)")
      expect(line!.error).toContain("refund to [iban] refused")
      expect(JSON.stringify(line)).not.toContain("marie.curie")
    }))

  it.effect("the Hub's own and private addresses stay readable (the startup line's URL, a runner's address)", () =>
    Effect.gen(function* () {
      const [line] = yield* logged(Effect.logInfo("Luna Hub listening on http://127.0.0.1:8000 (mode embedded); runner 10.1.2.3:34431, ::1"))
      expect(line!.message).toBe("Luna Hub listening on http://127.0.0.1:8000 (mode embedded); runner 10.1.2.3:34431, ::1")
    }))

  it("the pre-check passes every text holding a personal value, and skips only text no detector matches", () => {
    fc.assert(fc.property(fc.string(), personalValues, fc.string(), (before, value, after) =>
      mayHoldPersonalData(`${before}${value.written}${after}`)), { numRuns: 500 })
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) =>
      mayHoldPersonalData(text) || detectPersonalData(text).length === 0), { numRuns: 2000 })
  })

  it("text past the bound is cut, so an adversarial line costs a bounded time", () => {
    const long = `${EMAIL} ${"1 ".repeat(MAX_ANONYMISED_CHARS)}${EMAIL}`
    const out = anonymiseLogText(long)
    expect(out.startsWith("[email] ")).toBe(true)
    expect(out).not.toContain(EMAIL)
    expect(out).toMatch(/characters cut\]$/)
    expect(out.length).toBeLessThan(MAX_ANONYMISED_CHARS + 100)
  })
})
