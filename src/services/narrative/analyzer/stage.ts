/**
 * Stage: each stage's cues summed (a negated "!" cue does not count: "je n'ai pas encore postulé"),
 * plus what the text's kind suggests; the strongest wins. Confidence is its share of the cues
 * times how much cue there is. With no cue at all the kind's default stage is given, unsure.
 */
import { DEFAULT_STAGE, KIND_PRIORS } from "./data/stages.js"
import { boundEvidence, evidenceOf, round3 } from "./evidence.js"
import { STAGE } from "./lexicon/payload.js"
import type { Reading } from "./reading.js"
import { isNegated } from "./scopes.js"
import { type Evidence, type Stage, type StageScores, STAGES, type TextKind } from "./schema.js"

/** Confidence given to the kind's default stage when a text has no stage cue. */
export const NO_CUE_CONFIDENCE = 0.15
export const CERTAINTY_SCALE = 1.5

export interface StageFinding {
  readonly value: Stage
  readonly confidence: number
  readonly scores: StageScores
  readonly evidence: ReadonlyArray<Evidence>
  /** What the learned layer reads: each stage's cue weights before the kind's prior, and every stage's cues (unbounded). */
  readonly cues: Readonly<Record<Stage, number>>
  readonly cueEvidence: ReadonlyMap<Stage, ReadonlyArray<Evidence>>
}

const zeroScores = (): Record<Stage, number> => ({ exploration: 0, decision: 0, preparation: 0, transition: 0, integration: 0 })

/** The strongest stage; ties go to the kind's default, then to the earlier stage. */
export const strongestStage = (scores: Readonly<Record<Stage, number>>, kind: TextKind): Stage => {
  let best: Stage = DEFAULT_STAGE[kind]
  for (const stage of STAGES) if (scores[stage] > scores[best]) best = stage
  return best
}

export const readStage = ({ tokens, matches, scopes }: Reading, kind: TextKind): StageFinding => {
  const raw = zeroScores()
  const evidence = new Map<Stage, Array<Evidence>>(STAGES.map((s) => [s, []]))
  let cueWeight = 0
  for (const m of matches[STAGE]) {
    const negated = isNegated(scopes, m.start, m.end)
    const seen = new Set<Stage>()
    for (const payload of m.payloads) {
      if ((negated && payload.negatable) || seen.has(payload.stage) || payload.weight === 0) continue
      seen.add(payload.stage)
      raw[payload.stage] += payload.weight
      cueWeight += payload.weight
      evidence.get(payload.stage)!.push(evidenceOf(tokens, m.start, m.end, payload.weight, negated))
    }
  }
  if (cueWeight === 0) {
    const confidence = tokens.words === 0 ? 0 : NO_CUE_CONFIDENCE
    return { value: DEFAULT_STAGE[kind], confidence, scores: zeroScores(), evidence: [], cues: raw, cueEvidence: evidence }
  }
  const cues = { ...raw }
  const priors = KIND_PRIORS[kind]
  for (const stage of STAGES) raw[stage] += priors[stage] ?? 0
  let total = 0
  for (const stage of STAGES) total += raw[stage]
  const scores = zeroScores()
  for (const stage of STAGES) scores[stage] = round3(raw[stage] / total)
  const value = strongestStage(raw, kind)
  const confidence = round3((raw[value] / total) * (1 - Math.exp(-cueWeight / CERTAINTY_SCALE)))
  return { value, confidence, scores, evidence: boundEvidence(evidence.get(value)!), cues, cueEvidence: evidence }
}
