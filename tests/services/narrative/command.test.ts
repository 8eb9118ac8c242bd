/** `npm run eval:narrative`: run as a real process on small files, good and bad. */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { readCorpus } from "../../../src/services/narrative/analyzer/evaluation/read.js"
import { summaryLine } from "../../../src/services/narrative/analyzer/evaluation/report.js"
import { evaluate } from "../../../src/services/narrative/analyzer/evaluation/score.js"
import { runCommand } from "../../support/commands.js"
import { CORPUS_PATH } from "./support.js"

const evalNarrative = (...args: ReadonlyArray<string>) => runCommand("eval-narrative.ts", args, {})

const line = (id: string, text: string, stage: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    text,
    kind: "journal",
    expected: { language: "fr", sentiment: "negative", stage, themes: ["burnout_stress"], skills: [] },
    ...extra
  })

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "luna-eval-narrative-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe("eval:narrative", () => {
  it("scores a small file and ends with the summary line", async () => {
    const file = join(dir, "small.jsonl")
    await writeFile(file, [line("a", "Je suis épuisée.", "exploration"), "", line("b", "J'ai postulé hier, je suis stressée.", "transition", { note: "extra keys are fine" })].join("\n"))
    const { code, stdout } = await evalNarrative(file)
    expect(code).toBe(0)
    expect(stdout.some((l) => l.startsWith("stage confusion"))).toBe(true)
    const last = JSON.parse(stdout[stdout.length - 1]!)
    expect(Object.keys(last)).toEqual(["eval", "n", "language", "sentiment", "stage", "themesF1", "skillsF1"])
    expect(last).toMatchObject({ eval: "narrative", n: 2, language: 1, stage: 1 })
    for (const key of ["language", "sentiment", "stage", "themesF1", "skillsF1"]) {
      expect(last[key]).toBeGreaterThanOrEqual(0)
      expect(last[key]).toBeLessThanOrEqual(1)
    }
  })

  it("prints for the corpus the line the tests compute", async () => {
    const { code, stdout } = await evalNarrative(fileURLToPath(CORPUS_PATH))
    expect(code).toBe(0)
    expect(stdout[stdout.length - 1]).toBe(summaryLine(evaluate(readCorpus(readFileSync(CORPUS_PATH, "utf8")).texts)))
  })

  it("refuses a malformed file, naming every bad line, and exits 1", async () => {
    const file = join(dir, "bad.jsonl")
    await writeFile(file, [line("a", "Je suis épuisée.", "exploration"), "{oops", line("c", "Bonjour", "limbo")].join("\n"))
    const { code, stderr, stdout } = await evalNarrative(file)
    expect(code).toBe(1)
    expect(stdout).toEqual([])
    expect(stderr.some((l) => l.includes("bad.jsonl:2: not valid JSON"))).toBe(true)
    expect(stderr.some((l) => l.includes("bad.jsonl:3:") && l.includes("expected.stage"))).toBe(true)
  })

  it("refuses a file without any text, exits 1", async () => {
    const file = join(dir, "empty.jsonl")
    await writeFile(file, "\n\n")
    const { code, stderr } = await evalNarrative(file)
    expect(code).toBe(1)
    expect(stderr.join("\n")).toContain("no labelled text")
  })

  it("exits 2 on a missing file or a missing argument", async () => {
    const missing = await evalNarrative(join(dir, "nowhere.jsonl"))
    expect(missing.code).toBe(2)
    expect(missing.stderr.join("\n")).toContain("cannot read")
    const usage = await evalNarrative()
    expect(usage.code).toBe(2)
    expect(usage.stderr.join("\n")).toContain("usage: npm run eval:narrative -- <file.jsonl>")
  })
})
