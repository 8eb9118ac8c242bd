/** The evaluation as people read it (a table) and as machines do (the last line, JSON). */
import { STAGES } from "../schema.js"
import { ANALYZER_VERSION } from "../version.js"
import type { EvaluationReport, PrecisionRecall } from "./score.js"

const fixed = (x: number) => x.toFixed(3)
const round = (x: number) => Math.round(x * 1000) / 1000
const pad = (s: string, width: number) => s.padEnd(width)
const padLeft = (s: string, width: number) => s.padStart(width)

const prf = (label: string, m: PrecisionRecall) =>
  `${pad(label, 20)} precision ${fixed(m.precision)}  recall ${fixed(m.recall)}  f1 ${fixed(m.f1)}  (tp ${m.truePositives}, fp ${m.falsePositives}, fn ${m.falseNegatives})`

/** The last line of `eval:narrative`. */
export const summaryLine = (report: EvaluationReport): string =>
  JSON.stringify({
    eval: "narrative",
    n: report.n,
    language: round(report.language),
    sentiment: round(report.sentiment),
    stage: round(report.stage),
    themesF1: round(report.themes.f1),
    skillsF1: round(report.skills.f1)
  })

export const formatReport = (report: EvaluationReport, source: string): ReadonlyArray<string> => {
  const lines: Array<string> = []
  lines.push(`narrative analyzer ${ANALYZER_VERSION} on ${source}: ${report.n} texts`)
  lines.push("")
  lines.push(`${pad("language", 20)} accuracy ${fixed(report.language)}`)
  lines.push(`${pad("sentiment", 20)} accuracy ${fixed(report.sentiment)}`)
  lines.push(`${pad("stage", 20)} accuracy ${fixed(report.stage)}`)
  lines.push(prf("themes", report.themes))
  lines.push(prf("skills", report.skills))
  lines.push("")
  lines.push("themes, one by one")
  for (const theme of report.perTheme) lines.push(prf(`  ${theme.theme}`, theme))
  lines.push("")
  const short = (s: string) => s.slice(0, 11)
  lines.push("stage confusion (rows: expected, columns: found)")
  lines.push(`${pad("", 14)}${STAGES.map((s) => padLeft(short(s), 12)).join("")}`)
  for (const expected of STAGES) {
    lines.push(`${pad(expected, 14)}${STAGES.map((actual) => padLeft(String(report.stageConfusion[expected][actual]), 12)).join("")}`)
  }
  return lines
}

export const formatMisses = (report: EvaluationReport): ReadonlyArray<string> =>
  report.misses.map((m) => `line ${m.line} (${m.id}) ${m.field}: expected ${m.expected}, found ${m.actual}`)
