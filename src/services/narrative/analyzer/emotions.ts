/**
 * Emotions: each one's cues summed (weight × intensifiers), a negated cue moving to its
 * counterpart (`NEGATED_AS`) or dropped, then mapped to [0, 1] (one plain cue ≈ 0.39, two ≈ 0.63).
 */
import { NEGATED_AS } from "./data/emotions.js"
import { boundEvidence, evidenceOf, round3 } from "./evidence.js"
import { EMOTION } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import { isNegated } from "./scopes.js"
import { type Emotion, type EmotionResult, EMOTIONS, type Evidence } from "./schema.js"

const SATURATION = 2

export type EmotionFindings = { readonly [E in Emotion]: EmotionResult }

export const emotionScore = (sum: number): number => round3(1 - Math.exp(-sum / SATURATION))

export const readEmotions = ({ tokens, matches, scopes }: Reading): EmotionFindings => {
  const sums = new Map<Emotion, number>(EMOTIONS.map((e) => [e, 0]))
  const evidence = new Map<Emotion, Array<Evidence>>(EMOTIONS.map((e) => [e, []]))
  for (const m of matches[EMOTION]) {
    const negated = isNegated(scopes, m.start, m.end)
    const seen = new Set<Emotion>()
    for (const payload of m.payloads) {
      const emotion = negated ? NEGATED_AS[payload.emotion] : payload.emotion
      if (emotion === undefined || seen.has(emotion)) continue
      seen.add(emotion)
      const weight = payload.weight * scopes.intensity[m.start]!
      sums.set(emotion, sums.get(emotion)! + weight)
      evidence.get(emotion)!.push(evidenceOf(tokens, m.start, m.end, weight, negated))
    }
  }
  const result = {} as Record<Emotion, EmotionResult>
  for (const emotion of EMOTIONS) {
    result[emotion] = { score: emotionScore(sums.get(emotion)!), evidence: boundEvidence(evidence.get(emotion)!) }
  }
  return result
}
