/**
 * Reads a labelled corpus from its text: every line checked, every bad line reported by its
 * number and the field at fault, so a file is fixed in one pass. Blank lines are skipped.
 */
import { Either, ParseResult, Schema } from "effect"
import { type LabelledText, LabelledText as LabelledTextSchema } from "./labelled.js"

export interface CorpusLine {
  readonly line: number
  readonly text: LabelledText
}

export interface CorpusProblem {
  readonly line: number
  readonly message: string
}

export interface Corpus {
  readonly texts: ReadonlyArray<CorpusLine>
  readonly problems: ReadonlyArray<CorpusProblem>
}

const decode = Schema.decodeUnknownEither(LabelledTextSchema, { errors: "all", onExcessProperty: "ignore" })

const describe = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => `${issue.path.length === 0 ? "line" : issue.path.join(".")}: ${issue.message}`)
    .join("; ")

export const readCorpus = (content: string): Corpus => {
  const texts: Array<CorpusLine> = []
  const problems: Array<CorpusProblem> = []
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!
    if (raw.trim() === "") continue
    const line = index + 1
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch (error) {
      problems.push({ line, message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` })
      continue
    }
    const decoded = decode(json)
    if (Either.isLeft(decoded)) problems.push({ line, message: describe(decoded.left) })
    else texts.push({ line, text: decoded.right })
  }
  return { texts, problems }
}
