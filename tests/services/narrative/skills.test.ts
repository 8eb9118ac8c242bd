/** Skills: French and English names map to one canonical English label. */
import { describe, expect, it } from "@effect/vitest"
import { run } from "./support.js"

const skills = (text: string) => run(text).skills.map((s) => s.name)

describe("skills", () => {
  it("maps French and English synonyms to one label", () => {
    expect(skills("Dix ans de gestion de projet.")).toEqual(["project management"])
    expect(skills("Ten years of project management.")).toEqual(["project management"])
    expect(skills("Pilotage de projets et conduite du changement.")).toEqual(["project management", "change management"])
    expect(skills("Relation client, négociation et prise de parole en public.")).toEqual(["customer relations", "negotiation", "public speaking"])
    expect(skills("Customer relationships, negotiation and public speaking.")).toEqual(["customer relations", "negotiation", "public speaking"])
    expect(skills("Analyse de données avec Python et SQL.")).toEqual(["data analysis", "Python", "SQL"])
    expect(skills("Data analysis in Python and SQL.")).toEqual(["data analysis", "Python", "SQL"])
  })

  it("finds English skill names in French texts and the other way round", () => {
    expect(skills("Je me forme au digital marketing et au SEO.")).toEqual(["digital marketing", "SEO"])
    expect(skills("I studied gestion de projet in Lyon.")).toEqual(["project management"])
  })

  it("names each skill once, in order of first mention, with every span", () => {
    const text = "SQL d'abord, puis Python, puis encore du SQL."
    const analysis = run(text)
    expect(analysis.skills.map((s) => s.name)).toEqual(["SQL", "Python"])
    expect(analysis.skills[0]!.evidence.map((e) => e.start)).toEqual([0, text.lastIndexOf("SQL")])
  })

  it("needs a capital for names that are also common words", () => {
    expect(skills("Maîtrise d'Excel et de Tableau.")).toEqual(["Excel", "Tableau"])
    expect(skills("I want to excel at my job.")).toEqual([])
    expect(skills("Un tableau de bord clair.")).toEqual([])
  })

  it("prefers the longest name: « marketing digital » is not also « marketing »", () => {
    expect(skills("Expert en marketing digital.")).toEqual(["digital marketing"])
  })
})
