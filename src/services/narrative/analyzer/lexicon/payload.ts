/** What a lexicon entry means once matched: one payload per (entry, meaning). */
import type { Emotion, Stage, Theme } from "../schema.js"

/** Language an entry belongs to: applied to texts found in that language (both for mixed or unknown). */
export type EntryLanguage = "fr" | "en" | "any"

export const SENTIMENT = 0
export const EMOTION = 1
export const STAGE = 2
export const THEME = 3
export const SKILL = 4
export const NEGATOR = 5
export const MODIFIER = 6
export const CONTRAST = 7
export const ROLE = 8
export const CATEGORY_COUNT = 9

interface Base {
  readonly language: EntryLanguage
  /** The entry as written in its data file. */
  readonly cue: string
}

export interface SentimentPayload extends Base {
  readonly category: typeof SENTIMENT
  /** AFINN scale, -5 … 5; 0 blocks shorter entries (e.g. "lettre de motivation"). */
  readonly value: number
}
export interface EmotionPayload extends Base {
  readonly category: typeof EMOTION
  readonly emotion: Emotion
  readonly weight: number
}
export interface StagePayload extends Base {
  readonly category: typeof STAGE
  readonly stage: Stage
  readonly weight: number
  /** A negated occurrence ("I haven't applied yet") does not count. */
  readonly negatable: boolean
}
export interface ThemePayload extends Base {
  readonly category: typeof THEME
  readonly theme: Theme
  readonly weight: number
}
export interface SkillPayload extends Base {
  readonly category: typeof SKILL
  readonly skill: string
  /** Only when written with a capital ("Excel", not "excel at"). */
  readonly cased: boolean
  /** A job title or trade (data/skills.ts): not when it names a goal, nor (a title) someone else. */
  readonly occupation: "title" | "field" | undefined
}
/**
 * forward: negates what follows (not, never, pas, jamais, sans);
 * opener: French "ne"/"n'", negates up to its closing particle when one follows;
 * closing: negates like forward only after an opener ("ne … plus");
 * none: looks like a negation but is not ("not only", "jamais été aussi").
 */
export type NegatorKind = "forward" | "opener" | "closing" | "none"
export interface NegatorPayload extends Base {
  readonly category: typeof NEGATOR
  readonly kind: NegatorKind
}
export interface ModifierPayload extends Base {
  readonly category: typeof MODIFIER
  /** > 1 intensifies (very, très), < 1 softens (a bit, un peu). */
  readonly factor: number
}
/**
 * but: the clause before counts less, the one after more; concession ("même si", "even if"): its
 * own clause counts less; wish ("je voudrais", "I dream of"): what follows in its clause counts less.
 */
export type ContrastKind = "but" | "concession" | "wish"
export interface ContrastPayload extends Base {
  readonly category: typeof CONTRAST
  readonly kind: ContrastKind
}
export type RoleMarker = "desire" | "obstacle"
export interface RolePayload extends Base {
  readonly category: typeof ROLE
  readonly role: RoleMarker
}

export type Payload =
  | SentimentPayload
  | EmotionPayload
  | StagePayload
  | ThemePayload
  | SkillPayload
  | NegatorPayload
  | ModifierPayload
  | ContrastPayload
  | RolePayload

/** Payloads by category, as `matchAll` returns them. */
export interface PayloadOf {
  0: SentimentPayload
  1: EmotionPayload
  2: StagePayload
  3: ThemePayload
  4: SkillPayload
  5: NegatorPayload
  6: ModifierPayload
  7: ContrastPayload
  8: RolePayload
}
