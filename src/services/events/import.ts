/**
 * Importing events from a JSON Lines file (`npm run events:import -- <file.jsonl>`): one event per
 * line, `{streamId, type, data, metadata?, eventId, time?}`, appended with expectedVersion "any".
 *
 * - The file is streamed in chunks and split into lines here, so no line (nor the file) is ever
 *   held whole beyond `IMPORT_MAX_LINE_BYTES`.
 * - Idempotent by event id: re-running a file (or the rest of an interrupted run) only adds what is
 *   missing; events already stored with the same content count as "already present".
 * - Consecutive lines of one stream go out as one append of up to `IMPORT_BATCH_MAX_EVENTS`. The
 *   store refuses a batch whose ids are partly stored (EventIdReused) or that holds one bad event
 *   (InvalidEvent), atomically; such a batch is replayed event by event so every line gets its own
 *   verdict and the counts stay exact.
 * - A bad line is recorded with its number and reason and never stops the others; only the
 *   database becoming unavailable (after the guard's retries) stops the run (`ImportStopped`).
 */
import { FileSystem } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Data, Effect, Either, ParseResult, Schema, Stream } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import { EventStore } from "./EventStore.js"
import {
  type ConcurrencyConflict,
  EventId,
  type EventIdReused,
  EventMetadata,
  EventType,
  type InvalidEvent,
  MAX_EVENTS_PER_APPEND,
  type NewEvent,
  StreamId
} from "./schema.js"

/** Largest append the import makes (the store accepts up to MAX_EVENTS_PER_APPEND). */
export const IMPORT_BATCH_MAX_EVENTS = 100
/** A longer line is rejected without being buffered (events carry at most 64 KiB of data). */
export const IMPORT_MAX_LINE_BYTES = 1024 * 1024
export const IMPORT_PROGRESS_EVERY_LINES = 1000
/** Rejections kept with their reason; beyond this only the count grows. */
export const IMPORT_MAX_LISTED_REJECTIONS = 50
const READ_CHUNK_BYTES = 64 * 1024
const MAX_REASON_CHARS = 300

// ---------------------------------------------------------------------------------------------
// The line format

const PresentJson = Schema.Unknown.pipe(Schema.filter((value) => value !== undefined, { message: () => "is missing" }))

/** One line of an import file; `time` (ISO 8601) becomes the event's `createdAt`. */
export const ImportLine = Schema.Struct({
  streamId: StreamId,
  type: EventType,
  data: PresentJson,
  metadata: Schema.optional(EventMetadata),
  eventId: EventId,
  time: Schema.optional(Schema.DateTimeUtc)
})
export type ImportLine = typeof ImportLine.Type

// Unknown keys are refused: a misspelt `time` or `metadata` would otherwise be dropped silently.
const decodeLine = Schema.decodeUnknownEither(ImportLine, { errors: "all", onExcessProperty: "error" })

const toNewEvent = (line: ImportLine): NewEvent => ({
  eventId: line.eventId,
  type: line.type,
  data: line.data,
  ...(line.metadata === undefined ? {} : { metadata: line.metadata }),
  ...(line.time === undefined ? {} : { createdAt: line.time })
})

const clip = (text: string): string => (text.length <= MAX_REASON_CHARS ? text : `${text.slice(0, MAX_REASON_CHARS - 1)}…`)

/** One line per problem field, first message per path (unions repeat themselves). */
const describeParseError = (error: ParseResult.ParseError): string => {
  const byPath = new Map<string, string>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path = issue.path.map(String).join(".")
    if (!byPath.has(path)) byPath.set(path, issue.message)
  }
  return [...byPath].map(([path, message]) => (path === "" ? message : `${path}: ${message}`)).join("; ")
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The event of one line's text, or why the line is refused. */
export const parseImportLine = (text: string): Either.Either<NewEvent & { readonly streamId: StreamId }, string> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return Either.left(clip(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`))
  }
  if (!isPlainObject(json)) return Either.left("invalid event: not a JSON object")
  return Either.match(decodeLine(json), {
    onLeft: (error) => Either.left(clip(`invalid event: ${describeParseError(error)}`)),
    onRight: (line) => Either.right({ ...toNewEvent(line), streamId: line.streamId })
  })
}

// ---------------------------------------------------------------------------------------------
// Lines from bytes, bounded

/** A line of the file by its 1-based number: its text, or why it could not be read. */
export type SourceLine =
  | { readonly line: number; readonly text: string }
  | { readonly line: number; readonly problem: string }

/**
 * Splits a byte stream on `\n` (a trailing `\r` is dropped), holding at most `maxLineBytes` of one
 * line: a longer line is skipped to its end and reported. Decoding per line, after the split, so a
 * multi-byte character cut by a chunk boundary is whole again.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false })
  private parts: Array<Uint8Array> = []
  private pendingBytes = 0
  private tooLong = false
  private lineNumber = 0

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Uint8Array): Array<SourceLine> {
    const lines: Array<SourceLine> = []
    let start = 0
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start)
      if (newline === -1) {
        this.keep(chunk.subarray(start), true)
        break
      }
      this.keep(chunk.subarray(start, newline), false)
      lines.push(this.finish())
      start = newline + 1
    }
    return lines
  }

  /** The last line, when the input does not end with a newline. */
  end(): Array<SourceLine> {
    return this.pendingBytes > 0 || this.tooLong ? [this.finish()] : []
  }

  private keep(bytes: Uint8Array, copy: boolean): void {
    if (this.tooLong || bytes.length === 0) return
    if (this.pendingBytes + bytes.length > this.maxLineBytes + 1) {
      // +1: the `\r` of a CRLF line exactly at the limit.
      this.tooLong = true
      this.parts = []
      this.pendingBytes = 0
      return
    }
    // The source may reuse its buffer: keep a copy of what outlives this chunk.
    this.parts.push(copy ? bytes.slice() : bytes)
    this.pendingBytes += bytes.length
  }

  private finish(): SourceLine {
    this.lineNumber += 1
    const line = this.lineNumber
    const parts = this.parts
    const length = this.pendingBytes
    const tooLong = this.tooLong
    this.parts = []
    this.pendingBytes = 0
    this.tooLong = false
    if (tooLong) return { line, problem: `line longer than ${this.maxLineBytes} bytes` }
    let bytes = parts.length === 1 ? parts[0]! : concat(parts, length)
    if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1)
    if (bytes.length > this.maxLineBytes) return { line, problem: `line longer than ${this.maxLineBytes} bytes` }
    try {
      // The decoder drops a BOM at the start of each line it decodes (only the first line has one).
      return { line, text: this.decoder.decode(bytes) }
    } catch {
      return { line, problem: "not valid UTF-8" }
    }
  }
}

const concat = (parts: ReadonlyArray<Uint8Array>, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** `bytes` as numbered lines; every run gets its own splitter. */
export const splitLines = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>, maxLineBytes = IMPORT_MAX_LINE_BYTES): Stream.Stream<SourceLine, E, R> =>
  Stream.suspend(() => {
    const splitter = new LineSplitter(maxLineBytes)
    return bytes.pipe(
      Stream.mapConcat((chunk) => splitter.push(chunk)),
      Stream.concat(Stream.suspend(() => Stream.fromIterable(splitter.end())))
    )
  })

// ---------------------------------------------------------------------------------------------
// The file

/** The file cannot be opened or read; nothing after the failure was imported. */
export class ImportFileUnreadable extends Data.TaggedError("ImportFileUnreadable")<{
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `cannot read ${this.path}: ${this.reason}`
  }
}

const describeFileError = (error: PlatformError): string => {
  if (error._tag === "SystemError") {
    const code = (error.cause as { readonly code?: unknown } | undefined)?.code
    if (error.reason === "NotFound") return "no such file"
    if (error.reason === "PermissionDenied") return "permission denied"
    if (code === "EISDIR") return "is a directory"
    return typeof code === "string" ? `${error.reason} (${code})` : error.reason
  }
  return error.message
}

const unreadable = (path: string) => (error: PlatformError) => new ImportFileUnreadable({ path, reason: describeFileError(error) })

/** Fails unless `path` is a file this process can open for reading (checked before any database work). */
export const checkImportFile = (path: string): Effect.Effect<void, ImportFileUnreadable, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(path)
    if (info.type === "Directory") return yield* new ImportFileUnreadable({ path, reason: "is a directory" })
    yield* Effect.scoped(fs.open(path, { flag: "r" }))
  }).pipe(Effect.catchTags({ SystemError: unreadable(path), BadArgument: unreadable(path) }))

/** The numbered lines of the file at `path`, read in chunks. */
export const fileLines = (
  path: string,
  options: { readonly maxLineBytes?: number; readonly chunkBytes?: number } = {}
): Stream.Stream<SourceLine, ImportFileUnreadable, FileSystem.FileSystem> =>
  Stream.unwrap(
    Effect.map(Effect.zipRight(checkImportFile(path), FileSystem.FileSystem), (fs) =>
      splitLines(fs.stream(path, { chunkSize: FileSystem.Size(options.chunkBytes ?? READ_CHUNK_BYTES) }), options.maxLineBytes))
  ).pipe(Stream.mapError((error) => (error instanceof ImportFileUnreadable ? error : unreadable(path)(error))))

// ---------------------------------------------------------------------------------------------
// The import

export interface LineRejection {
  readonly line: number
  readonly reason: string
}

export interface ImportCounts {
  /** Lines holding something (blank lines are skipped): imported + alreadyPresent + rejected. */
  readonly read: number
  readonly imported: number
  readonly alreadyPresent: number
  readonly rejected: number
}

export interface ImportProgress extends ImportCounts {
  /** Lines consumed so far, blank ones included (the last line number seen). */
  readonly lines: number
  readonly finished: boolean
}

export interface ImportSummary extends ImportCounts {
  /** The first IMPORT_MAX_LISTED_REJECTIONS rejections, in line order. */
  readonly rejections: ReadonlyArray<LineRejection>
}

/** The database became unavailable; lines before `line` were handled, `line` and after were not. */
export class ImportStopped extends Data.TaggedError("ImportStopped")<{
  readonly line: number
  readonly summary: ImportSummary
  readonly cause: ServiceUnavailable
}> {
  override get message(): string {
    return `import stopped at line ${this.line}: ${this.cause.message}`
  }
}

export interface ImportOptions {
  /** Called every `progressEvery` lines and once at the end. */
  readonly onProgress?: (progress: ImportProgress) => Effect.Effect<void>
  readonly progressEvery?: number
  readonly batchMaxEvents?: number
  readonly maxListedRejections?: number
}

interface Pending {
  readonly line: number
  readonly event: NewEvent
}

type AppendFailure = ConcurrencyConflict | EventIdReused | InvalidEvent

const describeAppendFailure = (error: AppendFailure): string => clip(`${error._tag}: ${error.message}`)

/**
 * Appends every event of `lines`, in order. Fails only with the source's error or `ImportStopped`;
 * a bad line is counted, listed (up to the limit) and skipped.
 */
export const importLines = <E, R>(
  lines: Stream.Stream<SourceLine, E, R>,
  options: ImportOptions = {}
): Effect.Effect<ImportSummary, E | ImportStopped, R | EventStore> =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const batchMax = options.batchMaxEvents ?? IMPORT_BATCH_MAX_EVENTS
    const progressEvery = options.progressEvery ?? IMPORT_PROGRESS_EVERY_LINES
    const maxListed = options.maxListedRejections ?? IMPORT_MAX_LISTED_REJECTIONS
    const onProgress = options.onProgress ?? (() => Effect.void)
    if (!(batchMax >= 1 && batchMax <= MAX_EVENTS_PER_APPEND) || !(progressEvery >= 1) || !(maxListed >= 0)) {
      return yield* Effect.dieMessage("importLines: batchMaxEvents, progressEvery or maxListedRejections out of range")
    }

    // Owned by this fiber alone: the stream is consumed sequentially.
    let read = 0
    let imported = 0
    let alreadyPresent = 0
    let rejected = 0
    let lastLine = 0
    const rejections: Array<LineRejection> = []
    let batchStream: StreamId | undefined
    let batch: Array<Pending> = []
    const batchIds = new Set<string>()

    const summary = (): ImportSummary => ({ read, imported, alreadyPresent, rejected, rejections: [...rejections] })
    const progress = (finished: boolean): ImportProgress => ({ read, imported, alreadyPresent, rejected, lines: lastLine, finished })
    const reject = (line: number, reason: string): void => {
      rejected += 1
      if (rejections.length < maxListed) rejections.push({ line, reason })
    }
    const stopped = (line: number) => (cause: ServiceUnavailable) => new ImportStopped({ line, summary: summary(), cause })

    const appendOne = (streamId: StreamId, pending: Pending): Effect.Effect<void, ImportStopped> =>
      store.append(streamId, [pending.event], "any").pipe(
        Effect.match({
          onSuccess: (result) => {
            if (result.replayed) alreadyPresent += 1
            else imported += 1
          },
          onFailure: (error) => {
            if (error._tag === "ServiceUnavailable") return error
            reject(pending.line, describeAppendFailure(error))
            return undefined
          }
        }),
        Effect.flatMap((unavailable) => (unavailable === undefined ? Effect.void : Effect.fail(stopped(pending.line)(unavailable))))
      )

    const flush: Effect.Effect<void, ImportStopped> = Effect.suspend(() => {
      const streamId = batchStream
      const events = batch
      batchStream = undefined
      batch = []
      batchIds.clear()
      if (streamId === undefined || events.length === 0) return Effect.void
      if (events.length === 1) return appendOne(streamId, events[0]!)
      return store.append(streamId, events.map((p) => p.event), "any").pipe(
        Effect.flatMap((result) => {
          if (result.replayed) {
            alreadyPresent += events.length
            return Effect.void
          }
          // The store writes all of a batch or none of it.
          const written = result.nextExpectedVersion - result.firstVersion + 1
          if (written !== events.length || result.positions.length !== events.length) {
            return Effect.dieMessage(`append of ${events.length} events reported ${written} versions and ${result.positions.length} positions`)
          }
          imported += events.length
          return Effect.void
        }),
        Effect.catchTags({
          ServiceUnavailable: (error) => Effect.fail(stopped(events[0]!.line)(error)),
          // Partly stored, or one bad event: nothing was written; give each line its own verdict.
          EventIdReused: () => Effect.forEach(events, (p) => appendOne(streamId, p), { discard: true }),
          InvalidEvent: () => Effect.forEach(events, (p) => appendOne(streamId, p), { discard: true }),
          ConcurrencyConflict: () => Effect.forEach(events, (p) => appendOne(streamId, p), { discard: true })
        })
      )
    })

    const handle = (source: SourceLine): Effect.Effect<void, ImportStopped> =>
      Effect.gen(function*() {
        lastLine = source.line
        if ("problem" in source) {
          read += 1
          reject(source.line, source.problem)
        } else if (source.text.trim() !== "") {
          read += 1
          const parsed = parseImportLine(source.text)
          if (Either.isLeft(parsed)) {
            reject(source.line, parsed.left)
          } else {
            const { streamId, ...event } = parsed.right
            const id = event.eventId.toLowerCase()
            // A repeated id goes into the next batch, where it is a replay or EventIdReused.
            if (batch.length > 0 && (batchStream !== streamId || batch.length >= batchMax || batchIds.has(id))) yield* flush
            batchStream = streamId
            batch.push({ line: source.line, event })
            batchIds.add(id)
          }
        }
        if (source.line % progressEvery === 0) yield* onProgress(progress(false))
      })

    yield* Stream.runForEach(lines, handle)
    yield* flush
    if (read !== imported + alreadyPresent + rejected) {
      return yield* Effect.dieMessage(`import counts disagree: read ${read}, accounted ${imported + alreadyPresent + rejected}`)
    }
    yield* onProgress(progress(true))
    return summary()
  })

/** `importLines` over the file at `path`. */
export const importFile = (
  path: string,
  options: ImportOptions & { readonly maxLineBytes?: number; readonly chunkBytes?: number } = {}
): Effect.Effect<ImportSummary, ImportFileUnreadable | ImportStopped, EventStore | FileSystem.FileSystem> =>
  importLines(fileLines(path, options), options)

// ---------------------------------------------------------------------------------------------
// What the command prints

export const formatCounts = (counts: ImportCounts): string =>
  `read ${counts.read}, imported ${counts.imported}, already present ${counts.alreadyPresent}, rejected ${counts.rejected}`

/** The summary line, then one line per listed rejection, then "…and N more" if some were not listed. */
export const formatSummary = (summary: ImportSummary): string => {
  const lines = [formatCounts(summary), ...summary.rejections.map((r) => `line ${r.line}: ${r.reason}`)]
  const unlisted = summary.rejected - summary.rejections.length
  if (unlisted > 0) lines.push(`…and ${unlisted} more`)
  return lines.join("\n")
}

export const formatProgress = (progress: ImportProgress): string =>
  `${progress.finished ? `done, ${progress.lines} lines` : `at line ${progress.lines}`}: ${formatCounts(progress)}`
