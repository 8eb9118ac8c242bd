/**
 * `analyze`: one text in, its Analysis out. Pure and deterministic (no clock, no randomness, no
 * I/O; lexicons and the learned layer's weights are compiled once at module load), safe to run in
 * a worker and to cache by (ANALYZER_VERSION, kind, languageHint, text).
 */
import { evidenceOf, round3 } from "./evidence.js"
import { readKeyPhrases } from "./key-phrases.js"
import type { LanguageFinding } from "./language.js"
import { decide } from "./learned/decide.js"
import { type CompiledModel, NARRATIVE_MODEL } from "./learned/model.js"
import { MAX_EVIDENCE_PER_CONCLUSION } from "./limits.js"
import { type AnalyzerInput, readText } from "./read-text.js"
import { readRoles } from "./roles.js"
import type { Analysis } from "./schema.js"
import { readSkills } from "./skills.js"
import type { Tokens } from "./tokenise.js"
import { ANALYZER_VERSION } from "./version.js"

export type { AnalyzerInput } from "./read-text.js"

/** The first markers in text order; for a mixed text, half from each language so both show. */
const languageResult = (tokens: Tokens, finding: LanguageFinding): Analysis["language"] => {
  const half = MAX_EVIDENCE_PER_CONCLUSION / 2
  const markers = finding.value === "mixed"
    ? [
      ...finding.markers.filter((m) => m.language === "fr").slice(0, half),
      ...finding.markers.filter((m) => m.language === "en").slice(0, half)
    ].sort((a, b) => a.token - b.token)
    : finding.markers.slice(0, MAX_EVIDENCE_PER_CONCLUSION)
  return {
    value: finding.value,
    confidence: round3(finding.confidence),
    evidence: markers.map((m) => evidenceOf(tokens, m.token, m.token + 1, 1, false))
  }
}

/**
 * The analysis with a given learned layer (`undefined`: the rule layer alone). Sentiment and stage
 * are the model's when it has them (learned/decide.ts); every other field is the rules'.
 */
export const analyzeWith = (input: AnalyzerInput, model: CompiledModel | undefined): Analysis => {
  const text = readText(input)
  const { emotions, kind, reading, themes, tokens } = text
  const { sentiment, stage } = decide(text, model)
  const { blockers, motivations } = readRoles(reading, themes)
  return {
    analyzerVersion: ANALYZER_VERSION,
    kind,
    wordCount: tokens.words,
    language: languageResult(tokens, text.languageFinding),
    sentiment,
    emotions,
    stage,
    themes: themes.map(({ evidence, score, theme }) => ({ theme, score, evidence })),
    skills: readSkills(reading),
    motivations,
    blockers,
    keyPhrases: readKeyPhrases(reading)
  }
}

export const analyze = (input: AnalyzerInput): Analysis => analyzeWith(input, NARRATIVE_MODEL)
