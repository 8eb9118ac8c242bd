/** Every stage and every theme recognised on a clear example in French and in English. */
import { describe, expect, it } from "@effect/vitest"
import type { Stage, Theme } from "../../../src/services/narrative/analyzer/schema.js"
import { STAGES, THEMES } from "../../../src/services/narrative/analyzer/schema.js"
import { run } from "./support.js"

const STAGE_EXAMPLES: { readonly [S in Stage]: readonly [string, string] } = {
  exploration: [
    "Je me pose beaucoup de questions sur mon poste actuel, je tourne en rond et je m'ennuie.",
    "I keep questioning my job lately; something is missing and I feel stuck."
  ],
  decision: [
    "J'hésite entre deux options et je dois prendre une décision avant la fin du mois.",
    "I'm torn between two paths and need to decide which direction to take."
  ],
  preparation: [
    "Je suis une formation en ligne et je fais des enquêtes métiers pour développer mon réseau.",
    "I enrolled in an online course and I'm doing informational interviews to build my network."
  ],
  transition: [
    "J'ai postulé à trois offres d'emploi et j'ai un entretien avec le recruteur demain.",
    "I applied to three jobs and I have an interview with the recruiter tomorrow."
  ],
  integration: [
    "Cela fait trois semaines dans mon nouveau poste, je prends mes marques avec ma nouvelle équipe.",
    "One month into my new role, I'm settling in and getting used to my new team."
  ]
}

const THEME_EXAMPLES: { readonly [T in Theme]: readonly [string, string] } = {
  burnout_stress: ["Je suis épuisée, au bord du burn-out, je dors mal.", "I'm exhausted and burned out, I can't sleep."],
  meaning_purpose: ["Mon travail n'a plus de sens, je veux un métier utile.", "My work feels meaningless; I want a job with purpose."],
  money_security: ["Je ne peux pas perdre mon salaire, j'ai un crédit à rembourser.", "I can't afford a pay cut with my mortgage."],
  family_constraints: ["Avec deux enfants à charge, mon conjoint et moi devons nous organiser.", "With two kids and my aging parents, I have little room."],
  confidence_doubt: ["Je doute de moi, je ne me sens pas légitime.", "I doubt myself and I have impostor syndrome."],
  skills_gap: ["J'ai encore des lacunes et je manque d'expérience en programmation.", "I lack experience and I have a skills gap in data."],
  training_learning: ["Je suis une formation certifiante et je prends des cours du soir.", "I'm taking a course and studying for a certification."],
  networking: ["J'ai activé mon réseau et contacté d'anciens collègues sur LinkedIn.", "I'm networking and had coffee chats with former colleagues."],
  job_search: ["J'envoie des candidatures et je prépare mes entretiens.", "I'm sending applications and preparing for interviews."],
  entrepreneurship: ["Je veux créer mon entreprise et devenir freelance.", "I want to start my own business and go freelance."],
  work_life_balance: ["Je veux plus de temps pour moi et un meilleur équilibre vie perso.", "I want a better work-life balance and my weekends back."],
  relocation: ["Nous allons déménager, je cherche un logement dans une autre région.", "We are relocating abroad and I need to find an apartment."]
}

describe("stages", () => {
  for (const stage of STAGES) {
    const [french, english] = STAGE_EXAMPLES[stage]
    it(`recognises ${stage} in French and in English`, () => {
      for (const text of [french, english]) {
        const analysis = run(text)
        expect(analysis.stage.value, text).toBe(stage)
        expect(analysis.stage.confidence).toBeGreaterThan(0.3)
        expect(analysis.stage.evidence.length).toBeGreaterThan(0)
      }
    })
  }

  it("does not count a negated cue: not yet applying is not the transition", () => {
    expect(run("J'ai postulé à deux offres hier.").stage.value).toBe("transition")
    expect(run("Je n'ai pas encore postulé, je me forme d'abord.").stage.value).toBe("preparation")
    expect(run("I haven't applied yet, I'm still taking a course.").stage.value).toBe("preparation")
  })

  it("falls back on the kind of text, unsure, when nothing says the stage", () => {
    expect(run("Il fait beau aujourd'hui.", "cover_letter").stage).toMatchObject({ value: "transition", confidence: 0.15 })
    expect(run("Il fait beau aujourd'hui.", "journal").stage).toMatchObject({ value: "exploration", confidence: 0.15 })
  })

  it("gives stage shares that sum to 1 when it found cues", () => {
    const { scores } = run(STAGE_EXAMPLES.decision[0]).stage
    expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2)
  })
})

describe("themes", () => {
  for (const theme of THEMES) {
    const [french, english] = THEME_EXAMPLES[theme]
    it(`recognises ${theme} in French and in English`, () => {
      for (const text of [french, english]) {
        const found = run(text).themes.find((t) => t.theme === theme)
        expect(found, text).toBeDefined()
        expect(found!.evidence.length).toBeGreaterThan(0)
      }
    })
  }

  it("lists themes strongest first", () => {
    const { themes } = run("Je suis épuisée, stressée, à bout, en burn-out. J'ai aussi un crédit.")
    expect(themes.map((t) => t.theme)).toEqual(["burnout_stress", "money_security"])
    expect(themes[0]!.score).toBeGreaterThan(themes[1]!.score)
  })

  it("still finds a negated theme, shown as negated, and a negated blocker is no blocker", () => {
    const analysis = run("I am not stressed anymore.")
    const theme = analysis.themes.find((t) => t.theme === "burnout_stress")
    expect(theme?.evidence.every((e) => e.negated)).toBe(true)
    expect(analysis.blockers.map((b) => b.theme)).not.toContain("burnout_stress")
  })

  it("tells motivations from blockers by what the sentence says", () => {
    const wish = run("Je rêve d'un métier qui ait du sens et de plus de temps pour ma famille.")
    expect(wish.motivations.map((m) => m.theme)).toContain("meaning_purpose")
    const fear = run("I would love to go freelance but I can't afford to lose my salary.")
    expect(fear.blockers.map((b) => b.theme)).toContain("money_security")
    expect(fear.blockers.find((b) => b.theme === "money_security")?.evidence.some((e) => e.text === "can't afford")).toBe(true)
  })
})
