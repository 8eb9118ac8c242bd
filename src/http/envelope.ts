/**
 * The error envelope of SPEC §Errors: `{"error": {"tag", "message", …details}}`. Declared errors
 * are encoded through `envelope(ErrorClass)`, so the OpenAPI document and typed clients see the
 * exact body; errors raised outside a handler (bad input, unknown route, oversized body, defects)
 * are written by the HTTP edge with `errorBody`.
 */
import { HttpApiSchema } from "@effect/platform"
import { ParseResult, Schema, SchemaAST } from "effect"

export interface ErrorBody {
  readonly error: { readonly tag: string; readonly message: string } & Readonly<Record<string, unknown>>
}

export const errorBody = (tag: string, message: string, details: Readonly<Record<string, unknown>> = {}): ErrorBody => ({
  error: { tag, message, ...details }
})

type AnyTaggedError<Self, Tag extends string, Fields extends Schema.Struct.Fields> = Schema.TaggedErrorClass<Self, Tag, Fields>

/** The HTTP encoding of a tagged error class: the envelope, with the class's status. */
export const envelope = <Self extends { readonly message: string }, Tag extends string, Fields extends Schema.Struct.Fields>(
  errorClass: AnyTaggedError<Self, Tag, Fields>
) => {
  const { _tag: _ignored, ...detailFields } = errorClass.fields
  const details = Schema.Struct(detailFields)
  const encodeDetails = ParseResult.encode(details)
  const decodeDetails = ParseResult.decodeUnknown(details)
  const status = HttpApiSchema.getStatusError(errorClass)
  const body = Schema.Struct({
    error: Schema.extend(
      Schema.Struct({ tag: Schema.Literal(errorClass._tag), message: Schema.String }),
      Schema.encodedSchema(details)
    )
  }).annotations({
    identifier: `${errorClass._tag}Error`,
    description: SchemaAST.getDescriptionAnnotation(errorClass.ast).pipe((d) => (d._tag === "Some" ? d.value : errorClass._tag))
  })
  return Schema.transformOrFail(body, Schema.typeSchema(errorClass), {
    strict: false,
    decode: ({ error: { tag: _tag, message: _message, ...rest } }) =>
      ParseResult.map(decodeDetails(rest), (fields) => new errorClass(fields as never)),
    encode: (error) =>
      ParseResult.map(encodeDetails(error as never), (fields) => ({
        error: { tag: errorClass._tag, message: error.message, ...(fields as object) }
      }) as typeof body.Encoded)
  }).annotations(HttpApiSchema.annotations({ status }))
}
