/** Shorthands for the narrative analyzer's tests. */
import { analyze } from "../../../src/services/narrative/analyzer/analyze.js"
import type { Analysis, TextKind } from "../../../src/services/narrative/analyzer/schema.js"

export const CORPUS_PATH = new URL("../../fixtures/narrative/corpus.jsonl", import.meta.url)

export const run = (text: string, kind: TextKind = "journal"): Analysis => analyze({ text, kind })

/** Every evidence list of an analysis, with where it comes from. */
export const allEvidence = (a: Analysis) => [
  ...a.language.evidence.map((e) => ["language", e] as const),
  ...a.sentiment.evidence.map((e) => ["sentiment", e] as const),
  ...Object.entries(a.emotions).flatMap(([name, r]) => r.evidence.map((e) => [`emotion ${name}`, e] as const)),
  ...a.stage.evidence.map((e) => ["stage", e] as const),
  ...a.themes.flatMap((t) => t.evidence.map((e) => [`theme ${t.theme}`, e] as const)),
  ...a.skills.flatMap((s) => s.evidence.map((e) => [`skill ${s.name}`, e] as const)),
  ...a.motivations.flatMap((m) => m.evidence.map((e) => [`motivation ${m.theme}`, e] as const)),
  ...a.blockers.flatMap((b) => b.evidence.map((e) => [`blocker ${b.theme}`, e] as const)),
  ...a.keyPhrases.map((k) => ["key phrase", k] as const)
]
