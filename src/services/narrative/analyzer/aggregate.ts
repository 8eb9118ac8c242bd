/**
 * What several texts of one user say together, computed from their analyses alone (so a cache
 * of per-text analyses serves batches too):
 * - sentiment and emotions: averages weighted by word count;
 * - stage: each text's stage shares weighted by its stage confidence, summed;
 * - themes: a noisy-or of the texts' scores (found in several texts → stronger);
 * - skills, motivations, blockers: unions, with how many texts show each.
 * Evidence keeps the index of the text it comes from.
 */
import { MAX_EVIDENCE_PER_CONCLUSION } from "./limits.js"
import {
  type Analysis,
  type Evidence,
  EMOTIONS,
  type NarrativeProfile,
  type ProfileRole,
  type ProfileSkill,
  type ProfileTheme,
  type SourcedEvidence,
  type Stage,
  STAGES,
  type Theme,
  THEMES
} from "./schema.js"
import { round3 } from "./evidence.js"
import { labelOf } from "./sentiment.js"
import { strongestStage } from "./stage.js"
import { byScore } from "./themes.js"
import { ANALYZER_VERSION } from "./version.js"

const sourced = (textIndex: number, evidence: ReadonlyArray<Evidence>): Array<SourcedEvidence> =>
  evidence.map((e) => ({ textIndex, ...e }))

const bound = (evidence: ReadonlyArray<SourcedEvidence>) => evidence.slice(0, MAX_EVIDENCE_PER_CONCLUSION)

interface Gathered {
  texts: number
  evidence: Array<SourcedEvidence>
}

const gather = <K>(into: Map<K, Gathered>, key: K, textIndex: number, evidence: ReadonlyArray<Evidence>) => {
  const entry = into.get(key) ?? { texts: 0, evidence: [] }
  if (entry.texts === 0) into.set(key, entry)
  entry.texts++
  entry.evidence.push(...sourced(textIndex, evidence))
}

const roles = (gathered: Map<Theme, Gathered>): ReadonlyArray<ProfileRole> =>
  THEMES.filter((t) => gathered.has(t))
    .map((theme) => ({ theme, texts: gathered.get(theme)!.texts, evidence: bound(gathered.get(theme)!.evidence) }))
    .sort((a, b) => b.texts - a.texts || THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme))

export const aggregate = (analyses: ReadonlyArray<Analysis>): NarrativeProfile => {
  const languages = { fr: 0, en: 0, mixed: 0, unknown: 0 }
  let wordCount = 0
  let weightTotal = 0
  let sentiment = 0
  const emotions = { anxiety: 0, hope: 0, frustration: 0, confidence: 0, sadness: 0 }
  const stageWeights: Record<Stage, number> = { exploration: 0, decision: 0, preparation: 0, transition: 0, integration: 0 }
  const stageVotes: Record<Stage, number> = { exploration: 0, decision: 0, preparation: 0, transition: 0, integration: 0 }
  let stageDoubt = 1
  const themeMisses = new Map<Theme, number>()
  const themes = new Map<Theme, Gathered>()
  const skills = new Map<string, Gathered>()
  const motivations = new Map<Theme, Gathered>()
  const blockers = new Map<Theme, Gathered>()

  analyses.forEach((analysis, index) => {
    languages[analysis.language.value]++
    wordCount += analysis.wordCount
    const weight = Math.max(1, analysis.wordCount)
    weightTotal += weight
    sentiment += analysis.sentiment.score * weight
    for (const emotion of EMOTIONS) emotions[emotion] += analysis.emotions[emotion].score * weight
    for (const stage of STAGES) stageWeights[stage] += analysis.stage.scores[stage] * analysis.stage.confidence
    stageVotes[analysis.stage.value]++
    stageDoubt *= 1 - analysis.stage.confidence
    for (const theme of analysis.themes) {
      themeMisses.set(theme.theme, (themeMisses.get(theme.theme) ?? 1) * (1 - theme.score))
      gather(themes, theme.theme, index, theme.evidence)
    }
    for (const skill of analysis.skills) gather(skills, skill.name, index, skill.evidence)
    for (const role of analysis.motivations) gather(motivations, role.theme, index, role.evidence)
    for (const role of analysis.blockers) gather(blockers, role.theme, index, role.evidence)
  })

  let stageTotal = 0
  for (const stage of STAGES) stageTotal += stageWeights[stage]
  const stageScores = { exploration: 0, decision: 0, preparation: 0, transition: 0, integration: 0 }
  let stageValue: Stage = "exploration"
  let stageConfidence = 0
  if (stageTotal > 0) {
    for (const stage of STAGES) stageScores[stage] = round3(stageWeights[stage] / stageTotal)
    stageValue = strongestStage(stageWeights, "journal")
    stageConfidence = round3((stageWeights[stageValue] / stageTotal) * (1 - stageDoubt))
  } else {
    for (const stage of STAGES) if (stageVotes[stage] > stageVotes[stageValue]) stageValue = stage
  }

  const meanOf = (sum: number) => (weightTotal === 0 ? 0 : round3(sum / weightTotal))
  const profileThemes: Array<ProfileTheme> = [...themes].map(([theme, g]) => ({
    theme,
    score: round3(1 - themeMisses.get(theme)!),
    texts: g.texts,
    evidence: bound(g.evidence)
  }))
  const profileSkills: Array<ProfileSkill> = [...skills].map(([name, g]) => ({ name, texts: g.texts, evidence: bound(g.evidence) }))
  const sentimentScore = meanOf(sentiment)
  return {
    analyzerVersion: ANALYZER_VERSION,
    texts: analyses.length,
    wordCount,
    languages,
    sentiment: { label: labelOf(sentimentScore), score: sentimentScore },
    emotions: {
      anxiety: meanOf(emotions.anxiety),
      hope: meanOf(emotions.hope),
      frustration: meanOf(emotions.frustration),
      confidence: meanOf(emotions.confidence),
      sadness: meanOf(emotions.sadness)
    },
    stage: { value: stageValue, confidence: stageConfidence, scores: stageScores },
    themes: profileThemes.sort(byScore),
    // Most texts first; equal counts keep the order of first mention.
    skills: profileSkills.sort((a, b) => b.texts - a.texts),
    motivations: roles(motivations),
    blockers: roles(blockers)
  }
}
