/**
 * The narrative analyzer's contract: what it takes and what it answers, shared by the core, the
 * doors (HTTP, RPC), the worker pool and the cache. Offsets count UTF-16 code units of the text
 * as received (JavaScript string indices): `text.slice(start, end)` is the evidence.
 */
import { Schema } from "effect"
import { MAX_TEXT_CHARACTERS, MAX_TEXTS_PER_BATCH } from "./limits.js"
import { ANALYZE_EXAMPLE_INPUT, ANALYSIS_EXAMPLE } from "./schema-example.js"

// ---------------------------------------------------------------------------------------------
// Vocabularies

export const TEXT_KINDS = ["cv_summary", "cover_letter", "journal", "coach_chat"] as const
export const TextKind = Schema.Literal(...TEXT_KINDS).annotations({
  identifier: "NarrativeTextKind",
  description: "Where the text comes from: a CV summary, a cover letter, a journal entry or a message to the coach."
})
export type TextKind = typeof TextKind.Type

export const LANGUAGES = ["fr", "en", "mixed", "unknown"] as const
export const Language = Schema.Literal(...LANGUAGES).annotations({
  identifier: "NarrativeLanguage",
  description: "French, English, both (sentences or clauses in each), or unknown (too little text to tell)."
})
export type Language = typeof Language.Type

export const LanguageHint = Schema.Literal("fr", "en").annotations({
  description: "The language the client expects (e.g. the user's interface language); used only when the text itself is too short to tell."
})
export type LanguageHint = typeof LanguageHint.Type

export const SENTIMENTS = ["positive", "neutral", "negative"] as const
export const SentimentLabel = Schema.Literal(...SENTIMENTS).annotations({ identifier: "NarrativeSentimentLabel" })
export type SentimentLabel = typeof SentimentLabel.Type

export const EMOTIONS = ["anxiety", "hope", "frustration", "confidence", "sadness"] as const
export type Emotion = (typeof EMOTIONS)[number]

export const STAGES = ["exploration", "decision", "preparation", "transition", "integration"] as const
export const Stage = Schema.Literal(...STAGES).annotations({
  identifier: "NarrativeStage",
  description:
    "Career-transition stage: exploration (questioning the current job), decision (choosing a direction), preparation (training, building skills, networking), transition (applying, interviewing, starting), integration (settling into the new role)."
})
export type Stage = typeof Stage.Type

export const THEMES = [
  "burnout_stress",
  "meaning_purpose",
  "money_security",
  "family_constraints",
  "confidence_doubt",
  "skills_gap",
  "training_learning",
  "networking",
  "job_search",
  "entrepreneurship",
  "work_life_balance",
  "relocation"
] as const
export const Theme = Schema.Literal(...THEMES).annotations({
  identifier: "NarrativeTheme",
  description: "One of the twelve coaching themes."
})
export type Theme = typeof Theme.Type

// ---------------------------------------------------------------------------------------------
// Input

const hasText = (text: string) => /\S/.test(text) || "a text with at least one non-space character"

export const AnalyzeInput = Schema.Struct({
  text: Schema.String.pipe(
    Schema.maxLength(MAX_TEXT_CHARACTERS, { message: () => `at most ${MAX_TEXT_CHARACTERS} characters` }),
    Schema.filter(hasText)
  ).annotations({ description: `The text to analyse, 1 to ${MAX_TEXT_CHARACTERS} characters (UTF-16 code units).` }),
  kind: TextKind,
  languageHint: Schema.optional(LanguageHint)
}).annotations({
  identifier: "NarrativeAnalyzeInput",
  description: "One text of a user's, with its kind.",
  examples: [ANALYZE_EXAMPLE_INPUT]
})
export type AnalyzeInput = typeof AnalyzeInput.Type

export const AnalyzeBatchInput = Schema.Struct({
  texts: Schema.Array(AnalyzeInput).pipe(
    Schema.minItems(1),
    Schema.maxItems(MAX_TEXTS_PER_BATCH, { message: () => `at most ${MAX_TEXTS_PER_BATCH} texts` })
  )
}).annotations({ identifier: "NarrativeAnalyzeBatchInput", description: "Several texts of one user's, analysed together." })
export type AnalyzeBatchInput = typeof AnalyzeBatchInput.Type

// ---------------------------------------------------------------------------------------------
// Output

const Score01 = Schema.Number.pipe(Schema.between(0, 1))
const Offset = Schema.Int.pipe(Schema.nonNegative())

export const Evidence = Schema.Struct({
  text: Schema.String.annotations({ description: "The matched span, exactly `text.slice(start, end)` of the input." }),
  start: Offset.annotations({ description: "Start offset in UTF-16 code units." }),
  end: Offset.annotations({ description: "End offset (exclusive) in UTF-16 code units." }),
  weight: Schema.Number.annotations({
    description: "What the span contributed (signed for sentiment, after negation and intensifiers)."
  }),
  negated: Schema.Boolean.annotations({ description: "The span is in the scope of a negation (ne … pas, jamais, not, never…)." })
}).annotations({ identifier: "NarrativeEvidence", description: "A span of the text that supports a conclusion." })
export type Evidence = typeof Evidence.Type

const EvidenceList = Schema.Array(Evidence)

export const LanguageResult = Schema.Struct({
  value: Language,
  confidence: Score01,
  evidence: EvidenceList
}).annotations({ identifier: "NarrativeLanguageResult" })

export const SentimentResult = Schema.Struct({
  label: SentimentLabel,
  score: Schema.Number.pipe(Schema.between(-1, 1)).annotations({ description: "-1 (very negative) to 1 (very positive)." }),
  evidence: EvidenceList
}).annotations({ identifier: "NarrativeSentiment" })

export const EmotionResult = Schema.Struct({ score: Score01, evidence: EvidenceList }).annotations({
  identifier: "NarrativeEmotion"
})
export type EmotionResult = typeof EmotionResult.Type

export const EmotionsResult = Schema.Struct({
  anxiety: EmotionResult,
  hope: EmotionResult,
  frustration: EmotionResult,
  confidence: EmotionResult,
  sadness: EmotionResult
}).annotations({ identifier: "NarrativeEmotions", description: "Each emotion's intensity in [0, 1] with its cues." })

export const StageScores = Schema.Struct({
  exploration: Score01,
  decision: Score01,
  preparation: Score01,
  transition: Score01,
  integration: Score01
}).annotations({ identifier: "NarrativeStageScores", description: "Each stage's share of the stage cues (sums to 1 when any cue was found)." })
export type StageScores = typeof StageScores.Type

export const StageResult = Schema.Struct({
  value: Stage,
  confidence: Score01,
  scores: StageScores,
  evidence: EvidenceList
}).annotations({ identifier: "NarrativeStageResult" })

export const ThemeResult = Schema.Struct({
  theme: Theme,
  score: Score01,
  evidence: EvidenceList
}).annotations({ identifier: "NarrativeThemeResult" })
export type ThemeResult = typeof ThemeResult.Type

export const SkillResult = Schema.Struct({
  name: Schema.String.annotations({ description: "Canonical English label (French and English synonyms map to it)." }),
  evidence: EvidenceList
}).annotations({ identifier: "NarrativeSkill" })
export type SkillResult = typeof SkillResult.Type

export const ThemeRole = Schema.Struct({
  theme: Theme,
  evidence: EvidenceList.annotations({ description: "The theme's spans and the words that gave it this role (wish, fear, lack…)." })
}).annotations({ identifier: "NarrativeThemeRole" })
export type ThemeRole = typeof ThemeRole.Type

export const KeyPhrase = Schema.Struct({
  text: Schema.String,
  start: Offset,
  end: Offset,
  score: Score01
}).annotations({ identifier: "NarrativeKeyPhrase" })
export type KeyPhrase = typeof KeyPhrase.Type

export const Analysis = Schema.Struct({
  analyzerVersion: Schema.String,
  kind: TextKind,
  wordCount: Schema.Int.pipe(Schema.nonNegative()),
  language: LanguageResult,
  sentiment: SentimentResult,
  emotions: EmotionsResult,
  stage: StageResult,
  themes: Schema.Array(ThemeResult).annotations({ description: "Themes found, strongest first." }),
  skills: Schema.Array(SkillResult).annotations({ description: "Skills named, in order of first mention." }),
  motivations: Schema.Array(ThemeRole).annotations({ description: "Themes that pull the person towards a change." }),
  blockers: Schema.Array(ThemeRole).annotations({ description: "Themes that hold the person back." }),
  keyPhrases: Schema.Array(KeyPhrase)
}).annotations({
  identifier: "NarrativeAnalysis",
  description: "What one text says about a career transition, with the spans behind every conclusion. Deterministic: the same text, kind and hint give the same analysis for a given analyzerVersion.",
  examples: [ANALYSIS_EXAMPLE]
})
export type Analysis = typeof Analysis.Type

// ---------------------------------------------------------------------------------------------
// Aggregate over several texts

export const SourcedEvidence = Schema.Struct({
  textIndex: Schema.Int.pipe(Schema.nonNegative()).annotations({ description: "Which input text (0-based)." }),
  ...Evidence.fields
}).annotations({ identifier: "NarrativeSourcedEvidence" })
export type SourcedEvidence = typeof SourcedEvidence.Type

export const ProfileTheme = Schema.Struct({
  theme: Theme,
  score: Score01,
  texts: Schema.Int.pipe(Schema.nonNegative()).annotations({ description: "How many texts show the theme." }),
  evidence: Schema.Array(SourcedEvidence)
}).annotations({ identifier: "NarrativeProfileTheme" })
export type ProfileTheme = typeof ProfileTheme.Type

export const ProfileSkill = Schema.Struct({
  name: Schema.String,
  texts: Schema.Int.pipe(Schema.nonNegative()),
  evidence: Schema.Array(SourcedEvidence)
}).annotations({ identifier: "NarrativeProfileSkill" })
export type ProfileSkill = typeof ProfileSkill.Type

export const ProfileRole = Schema.Struct({
  theme: Theme,
  texts: Schema.Int.pipe(Schema.nonNegative()),
  evidence: Schema.Array(SourcedEvidence)
}).annotations({ identifier: "NarrativeProfileRole" })
export type ProfileRole = typeof ProfileRole.Type

export const NarrativeProfile = Schema.Struct({
  analyzerVersion: Schema.String,
  texts: Schema.Int.pipe(Schema.nonNegative()),
  wordCount: Schema.Int.pipe(Schema.nonNegative()),
  languages: Schema.Struct({
    fr: Schema.Int.pipe(Schema.nonNegative()),
    en: Schema.Int.pipe(Schema.nonNegative()),
    mixed: Schema.Int.pipe(Schema.nonNegative()),
    unknown: Schema.Int.pipe(Schema.nonNegative())
  }).annotations({ description: "How many texts were found in each language." }),
  sentiment: Schema.Struct({ label: SentimentLabel, score: Schema.Number.pipe(Schema.between(-1, 1)) }).annotations({
    description: "Scores averaged over the texts, weighted by their word counts."
  }),
  emotions: Schema.Struct({
    anxiety: Score01,
    hope: Score01,
    frustration: Score01,
    confidence: Score01,
    sadness: Score01
  }).annotations({ description: "Each emotion averaged over the texts, weighted by their word counts." }),
  stage: Schema.Struct({ value: Stage, confidence: Score01, scores: StageScores }).annotations({
    description: "Each text's stage shares weighted by its stage confidence, summed."
  }),
  themes: Schema.Array(ProfileTheme),
  skills: Schema.Array(ProfileSkill),
  motivations: Schema.Array(ProfileRole),
  blockers: Schema.Array(ProfileRole)
}).annotations({
  identifier: "NarrativeProfile",
  description: "What a set of one user's texts says together; built from the texts' analyses alone, so cached analyses can be reused."
})
export type NarrativeProfile = typeof NarrativeProfile.Type

export const NarrativeBatchAnalysis = Schema.Struct({
  analyses: Schema.Array(Analysis).annotations({ description: "One analysis per input text, in input order." }),
  profile: NarrativeProfile
}).annotations({ identifier: "NarrativeBatchAnalysis" })
export type NarrativeBatchAnalysis = typeof NarrativeBatchAnalysis.Type
