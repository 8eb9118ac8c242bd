/**
 * One line of a labelled corpus (JSON lines):
 * `{"id","text","kind","expected":{"language","sentiment","stage","themes":[...],"skills":[...]}}`.
 * Other keys are ignored; skills compare without regard to case or surrounding spaces.
 */
import { Schema } from "effect"
import { Language, SentimentLabel, Stage, TextKind, Theme } from "../schema.js"

export const LabelledText = Schema.Struct({
  id: Schema.Union(Schema.String, Schema.Number),
  text: Schema.String,
  kind: TextKind,
  expected: Schema.Struct({
    language: Language,
    sentiment: SentimentLabel,
    stage: Stage,
    themes: Schema.Array(Theme),
    skills: Schema.Array(Schema.String)
  })
})
export type LabelledText = typeof LabelledText.Type
