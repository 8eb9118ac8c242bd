/**
 * Importing events from JSON Lines (src/services/events/import.ts), through the EventStore on both
 * backends: counts, exact line numbers and reasons, idempotent re-runs, batches that fall back to
 * single appends, `time` → `createdAt`, progress, bounded lines. The line splitter is tested alone.
 */
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, DateTime, Effect, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EventStore } from "../../../src/services/events/EventStore.js"
import {
  formatSummary,
  type ImportOptions,
  type ImportProgress,
  importFile,
  ImportFileUnreadable,
  type ImportSummary,
  LineSplitter,
  type SourceLine,
  splitLines
} from "../../../src/services/events/import.js"
import { MAX_EVENT_DATA_BYTES, type StreamId } from "../../../src/services/events/schema.js"
import { backendsUnderTest } from "../../support/backends.js"
import { eventStoreLayer, streamIds } from "../../support/events.js"

const backends = await backendsUnderTest()

interface Line {
  readonly streamId: string
  readonly type?: string
  readonly data?: unknown
  readonly eventId?: string
  readonly metadata?: Record<string, unknown>
  readonly time?: string
}

const lineOf = (line: Line): string =>
  JSON.stringify({ type: "Imported", data: { n: 1 }, eventId: randomUUID(), ...line })

/** A file with `content` in a temp dir removed with the scope. */
const tempFile = (content: string | Uint8Array) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const dir = await mkdtemp(join(tmpdir(), "luna-import-"))
      const path = join(dir, "events.jsonl")
      await writeFile(path, content)
      return { dir, path }
    }),
    ({ dir }) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  ).pipe(Effect.map(({ path }) => path))

/** `lines` joined with newlines, and a final one. */
const fileOf = (lines: ReadonlyArray<string>) => tempFile(lines.join("\n") + "\n")

const run = (path: string, options: ImportOptions & { readonly maxLineBytes?: number; readonly chunkBytes?: number } = {}) =>
  importFile(path, options).pipe(Effect.provide(NodeFileSystem.layer))

const counts = (summary: ImportSummary) => ({
  read: summary.read,
  imported: summary.imported,
  alreadyPresent: summary.alreadyPresent,
  rejected: summary.rejected
})

const readStream = (streamId: StreamId) => Effect.flatMap(EventStore, (store) => store.readStream(streamId, { limit: 1000 }))

const splitAll = (chunks: ReadonlyArray<string | Uint8Array>, maxLineBytes = 1024): ReadonlyArray<SourceLine> => {
  const bytes = chunks.map((c) => (typeof c === "string" ? new TextEncoder().encode(c) : c))
  return Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(splitLines(Stream.fromIterable(bytes), maxLineBytes))))
}

describe("LineSplitter", () => {
  it("numbers lines across chunk boundaries, drops CR of CRLF, keeps a last line without newline", () => {
    expect(splitAll(["a\r\nb", "c\n\nd", "e"])).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "bc" },
      { line: 3, text: "" },
      { line: 4, text: "de" }
    ])
    expect(splitAll([])).toEqual([])
    expect(splitAll(["\n"])).toEqual([{ line: 1, text: "" }])
  })

  it("decodes a multi-byte character cut by a chunk boundary, and refuses invalid UTF-8", () => {
    const bytes = new TextEncoder().encode("é😀\n")
    const cut = Array.from(bytes, (b) => Uint8Array.of(b))
    expect(splitAll(cut)).toEqual([{ line: 1, text: "é😀" }])
    expect(splitAll([Uint8Array.of(0x61, 0xff, 0x0a), "ok\n"])).toEqual([
      { line: 1, problem: "not valid UTF-8" },
      { line: 2, text: "ok" }
    ])
  })

  it("refuses a line over the limit without keeping it, and goes on with the next", () => {
    const splitter = new LineSplitter(4)
    expect(splitter.push(new TextEncoder().encode("1234\r\n12345"))).toEqual([{ line: 1, text: "1234" }])
    expect(splitter.push(new TextEncoder().encode("6789"))).toEqual([])
    expect(splitter.push(new TextEncoder().encode("0\nab"))).toEqual([{ line: 2, problem: "line longer than 4 bytes" }])
    expect(splitter.end()).toEqual([{ line: 3, text: "ab" }])
  })

  it("formats the summary: counts, at most the listed rejections, then how many more", () => {
    const summary: ImportSummary = {
      read: 5,
      imported: 1,
      alreadyPresent: 1,
      rejected: 3,
      rejections: [{ line: 2, reason: "invalid JSON: x" }, { line: 4, reason: "invalid event: y" }]
    }
    expect(formatSummary(summary).split("\n")).toEqual([
      "read 5, imported 1, already present 1, rejected 3",
      "line 2: invalid JSON: x",
      "line 4: invalid event: y",
      "…and 1 more"
    ])
  })
})

for (const backend of backends) {
  describe.skipIf(backend.skip)(`events import (${backend.name})`, () => {
    layer(eventStoreLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      it.scoped("imports a valid file in order, batching each stream's consecutive lines; a re-run imports nothing new", () =>
        Effect.gen(function*() {
          const ids = streamIds("account")
          const [a, b, c] = [ids("a"), ids("b"), ids("c")]
          // a: 130 (a batch of 100, then 30), b: 20, a again: 50, c: 50.
          const plan: ReadonlyArray<readonly [StreamId, number]> = [[a, 130], [b, 20], [a, 50], [c, 50]]
          const lines = plan.flatMap(([streamId, count]) =>
            Array.from({ length: count }, (_, i) => lineOf({ streamId, data: { i, streamId } })))
          const path = yield* fileOf(lines)

          const first = yield* run(path)
          expect(counts(first)).toEqual({ read: 250, imported: 250, alreadyPresent: 0, rejected: 0 })
          expect(first.rejections).toEqual([])

          const stored = yield* readStream(a)
          expect(stored.map((e) => e.streamVersion)).toEqual(Array.from({ length: 180 }, (_, i) => i + 1))
          const expectedA = lines.map((l) => JSON.parse(l) as { streamId: string; eventId: string }).filter((l) => l.streamId === a)
          expect(stored.map((e) => e.eventId)).toEqual(expectedA.map((l) => l.eventId))
          expect((yield* readStream(b)).length).toBe(20)
          expect((yield* readStream(c)).length).toBe(50)

          const again = yield* run(path)
          expect(counts(again)).toEqual({ read: 250, imported: 0, alreadyPresent: 250, rejected: 0 })
          expect((yield* readStream(a)).length).toBe(180)
        }))

      it.scoped("counts exactly when a batch is partly stored already (it falls back to single appends)", () =>
        Effect.gen(function*() {
          const streamId = streamIds("account")("partly")
          const lines = Array.from({ length: 100 }, (_, i) => lineOf({ streamId, data: { i } }))
          expect(counts(yield* run(yield* fileOf(lines.slice(0, 60))))).toEqual({ read: 60, imported: 60, alreadyPresent: 0, rejected: 0 })

          const summary = yield* run(yield* fileOf(lines))
          expect(counts(summary)).toEqual({ read: 100, imported: 40, alreadyPresent: 60, rejected: 0 })
          const stored = yield* readStream(streamId)
          expect(stored.map((e) => e.eventId)).toEqual(lines.map((l) => (JSON.parse(l) as { eventId: string }).eventId))
          expect(stored.map((e) => e.streamVersion)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
        }))

      it.scoped("records each bad line with its number and reason and imports the good ones around it", () =>
        Effect.gen(function*() {
          const ids = streamIds("account")
          const [s1, s2] = [ids("mixed"), ids("mixed")]
          const good = [lineOf({ streamId: s1 }), lineOf({ streamId: s1 }), lineOf({ streamId: s1 }), lineOf({ streamId: s2 })]
          const content = [
            good[0], //                                                       1
            "", //                                                            2 blank: skipped
            "{not json", //                                                   3
            good[1] + "\r", //                                                4 CRLF
            "[1,2]", //                                                       5
            lineOf({ streamId: "Account:x" }), //                             6
            JSON.stringify({ streamId: s1, type: "T", eventId: randomUUID() }), // 7 no data
            JSON.stringify({ streamId: s1, type: "T", data: 1, eventId: randomUUID(), tme: "2020-01-01T00:00:00Z" }), // 8
            lineOf({ streamId: s1, data: { blob: "x".repeat(MAX_EVENT_DATA_BYTES) } }), // 9 InvalidEvent, inside s1's batch
            good[2], //                                                       10
            "   ", //                                                         11 blank: skipped
            good[3], //                                                       12
            lineOf({ streamId: s2, time: "yesterday" }) //                    13, no newline at the end
          ].join("\n")
          const summary = yield* run(yield* tempFile(content))

          expect(counts(summary)).toEqual({ read: 11, imported: 4, alreadyPresent: 0, rejected: 7 })
          expect(summary.rejections.map((r) => r.line)).toEqual([3, 5, 6, 7, 8, 9, 13])
          const reasons = Object.fromEntries(summary.rejections.map((r) => [r.line, r.reason]))
          expect(reasons[3]).toMatch(/^invalid JSON: /)
          expect(reasons[5]).toBe("invalid event: not a JSON object")
          expect(reasons[6]).toMatch(/^invalid event: streamId: a stream id of the form/)
          expect(reasons[7]).toBe("invalid event: data: is missing")
          expect(reasons[8]).toMatch(/^invalid event: tme: is unexpected/)
          expect(reasons[9]).toMatch(/^InvalidEvent: .*data exceeds 65536 bytes/)
          expect(reasons[13]).toMatch(/^invalid event: time: .*yesterday/)

          const idOf = (line: string | undefined) => (JSON.parse(line!) as { eventId: string }).eventId
          expect((yield* readStream(s1)).map((e) => e.eventId)).toEqual([idOf(good[0]), idOf(good[1]), idOf(good[2])])
          expect((yield* readStream(s2)).map((e) => e.eventId)).toEqual([idOf(good[3])])
        }))

      it.scoped("rejects an id stored with other content or on another stream; the same content is already present", () =>
        Effect.gen(function*() {
          const ids = streamIds("account")
          const [a, other] = [ids("reuse"), ids("reuse")]
          const e1 = randomUUID()
          const e2 = randomUUID()
          yield* run(yield* fileOf([lineOf({ streamId: a, eventId: e1, data: { x: 1 } })]))

          const summary = yield* run(yield* fileOf([
            lineOf({ streamId: a, eventId: e1, data: { x: 2 } }), //                        1 other data
            lineOf({ streamId: a, eventId: e1, data: { x: 1 }, metadata: { actor: "x" } }), // 2 same content (metadata may differ)
            lineOf({ streamId: other, eventId: e1, data: { x: 1 } }), //                    3 other stream
            lineOf({ streamId: a, eventId: e2, data: { y: 1 } }), //                        4 new
            lineOf({ streamId: a, eventId: e2, data: { y: 1 } }), //                        5 repeated in the file, same content
            lineOf({ streamId: a, eventId: e2, type: "Other", data: { y: 1 } }) //          6 repeated, other type
          ]))
          expect(counts(summary)).toEqual({ read: 6, imported: 1, alreadyPresent: 2, rejected: 3 })
          expect(summary.rejections.map((r) => r.line)).toEqual([1, 3, 6])
          for (const r of summary.rejections) expect(r.reason).toMatch(/^EventIdReused: Event .* is already stored with different content/)
          const stored = yield* readStream(a)
          expect(stored.map((e) => [e.eventId, e.data])).toEqual([[e1, { x: 1 }], [e2, { y: 1 }]])
        }))

      it.scoped("honours time as createdAt; without it the event is stamped at import", () =>
        Effect.gen(function*() {
          const streamId = streamIds("account")("time")
          const before = Date.now()
          yield* run(yield* fileOf([
            lineOf({ streamId, time: "2021-03-04T05:06:07.890Z" }),
            lineOf({ streamId, time: "2021-03-04T07:06:07.891+02:00" }),
            lineOf({ streamId })
          ]))
          const stored = yield* readStream(streamId)
          expect(stored.map((e) => DateTime.formatIso(e.createdAt)).slice(0, 2)).toEqual([
            "2021-03-04T05:06:07.890Z",
            "2021-03-04T05:06:07.891Z"
          ])
          const stamped = DateTime.toEpochMillis(stored[2]!.createdAt)
          expect(stamped).toBeGreaterThanOrEqual(before - 1000)
          expect(stamped).toBeLessThanOrEqual(Date.now() + 1000)
        }))

      it.scoped("lists the first 50 rejections and counts the rest", () =>
        Effect.gen(function*() {
          const streamId = streamIds("account")("many")
          const lines = [...Array.from({ length: 60 }, (_, i) => `bad ${i}`), lineOf({ streamId })]
          const summary = yield* run(yield* fileOf(lines))
          expect(counts(summary)).toEqual({ read: 61, imported: 1, alreadyPresent: 0, rejected: 60 })
          expect(summary.rejections.map((r) => r.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
          const printed = formatSummary(summary).split("\n")
          expect(printed).toHaveLength(52)
          expect(printed[0]).toBe("read 61, imported 1, already present 0, rejected 60")
          expect(printed[51]).toBe("…and 10 more")
        }))

      it.scoped("reports progress every 1,000 lines and once at the end", () =>
        Effect.gen(function*() {
          const ids = streamIds("account")
          const streams = [ids("bulk"), ids("bulk"), ids("bulk")]
          const lines = Array.from({ length: 2500 }, (_, i) => lineOf({ streamId: streams[Math.floor(i / 250) % 3]!, data: { i } }))
          const reports: Array<ImportProgress> = []
          const summary = yield* run(yield* fileOf(lines), { onProgress: (p) => Effect.sync(() => void reports.push(p)) })
          expect(counts(summary)).toEqual({ read: 2500, imported: 2500, alreadyPresent: 0, rejected: 0 })
          expect(reports.map((r) => [r.lines, r.finished])).toEqual([[1000, false], [2000, false], [2500, true]])
          expect(reports[2]).toMatchObject({ read: 2500, imported: 2500 })
          // Counts lag by at most one pending batch.
          expect(reports[0]!.imported).toBeGreaterThanOrEqual(900)
        }), { timeout: 60_000 })

      it.scoped("reads the file in small chunks with a bounded line: a long line is refused, the rest imported", () =>
        Effect.gen(function*() {
          const streamId = streamIds("account")("chunks")
          const lines = [
            lineOf({ streamId, data: { text: "été 😀 ünïcödé" } }),
            lineOf({ streamId, data: { text: "x".repeat(400) } }),
            lineOf({ streamId, data: { text: "après" } })
          ]
          const summary = yield* run(yield* fileOf(lines), { chunkBytes: 7, maxLineBytes: 300 })
          expect(counts(summary)).toEqual({ read: 3, imported: 2, alreadyPresent: 0, rejected: 1 })
          expect(summary.rejections).toEqual([{ line: 2, reason: "line longer than 300 bytes" }])
          expect((yield* readStream(streamId)).map((e) => e.data)).toEqual([{ text: "été 😀 ünïcödé" }, { text: "après" }])
        }))

      it.scoped("fails with ImportFileUnreadable for a missing file or a directory, importing nothing", () =>
        Effect.gen(function*() {
          const path = yield* tempFile("")
          const missing = yield* Effect.flip(run(`${path}.missing`))
          expect(missing).toEqual(new ImportFileUnreadable({ path: `${path}.missing`, reason: "no such file" }))
          const directory = yield* Effect.flip(run(tmpdir()))
          expect(directory).toEqual(new ImportFileUnreadable({ path: tmpdir(), reason: "is a directory" }))
          expect(counts(yield* run(path))).toEqual({ read: 0, imported: 0, alreadyPresent: 0, rejected: 0 })
        }))
    })
  })
}
