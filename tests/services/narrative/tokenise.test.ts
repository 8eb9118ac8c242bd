/** The tokeniser: French elision, accents, case, hyphens, boundaries, and offsets into the original text. */
import { describe, expect, it } from "@effect/vitest"
import { foldWord, lowerWord } from "../../../src/services/narrative/analyzer/fold.js"
import { CLAUSE_END, SENTENCE_END, tokenise, WORD } from "../../../src/services/narrative/analyzer/tokenise.js"

const words = (text: string) => {
  const t = tokenise(text)
  return t.kinds.flatMap((kind, i) => (kind === WORD ? [t.folded[i]] : []))
}

describe("tokenise", () => {
  it("splits French elisions off the word they precede", () => {
    expect(words("l'entreprise")).toEqual(["l'", "entreprise"])
    expect(words("J'ai dit qu'il viendrait")).toEqual(["j'", "ai", "dit", "qu'", "il", "viendrait"])
    expect(words("c'est n'importe quoi, d'accord")).toEqual(["c'", "est", "n'", "importe", "quoi", "d'", "accord"])
    expect(words("jusqu'à lorsqu'on")).toEqual(["jusqu'", "a", "lorsqu'", "on"])
  })

  it("keeps words whose apostrophe is not an elision, and English contractions, whole", () => {
    expect(words("aujourd'hui quelqu'un d'aujourd'hui")).toEqual(["aujourd'hui", "quelqu'un", "d'", "aujourd'hui"])
    expect(words("I don't know, I'm tired, it's fine")).toEqual(["i", "don't", "know", "i'm", "tired", "it's", "fine"])
  })

  it("reads typographic apostrophes as the plain one", () => {
    expect(words("l’équipe m’a dit")).toEqual(["l'", "equipe", "m'", "a", "dit"])
    expect(words("don’t")).toEqual(["don't"])
  })

  it("folds case and accents for matching, and keeps accents in the lower-cased form", () => {
    const t = tokenise("ÉPUISÉE Épuisée epuisee Cœur À")
    expect(t.folded).toEqual(["epuisee", "epuisee", "epuisee", "coeur", "a"])
    expect(t.lower).toEqual(["épuisée", "épuisée", "epuisee", "cœur", "à"])
    expect(foldWord(lowerWord("Ça"))).toBe("ca")
  })

  it("folds decomposed accents (NFD) like composed ones", () => {
    expect(words("e\u0301puise\u0301e")).toEqual(["epuisee"])
  })

  it("splits hyphenated words into words without a boundary", () => {
    const t = tokenise("un burn-out, peut-être")
    expect(words("un burn-out, peut-être")).toEqual(["un", "burn", "out", "peut", "etre"])
    expect(t.kinds).toEqual([WORD, WORD, WORD, CLAUSE_END, WORD, WORD])
  })

  it("marks clause and sentence ends once, and numbers sentences", () => {
    const t = tokenise("Bonjour, ça va ?! Oui.\nEt toi…")
    expect(t.kinds).toEqual([WORD, CLAUSE_END, WORD, WORD, SENTENCE_END, WORD, SENTENCE_END, WORD, WORD, SENTENCE_END])
    expect(t.sentence).toEqual([0, 0, 0, 0, 0, 1, 1, 2, 2, 2])
    expect(t.sentences).toBe(3)
    expect(t.words).toBe(6)
  })

  it("keeps decimal numbers whole", () => {
    expect(words("3.5 ans et 10,000 euros.")).toEqual(["3.5", "ans", "et", "10,000", "euros"])
  })

  it("gives every word its exact offsets in the original text", () => {
    const text = "  L’entreprise m'a dit: «Burn-out» ?  Pas grave!"
    const t = tokenise(text)
    for (let i = 0; i < t.count; i++) {
      if (t.kinds[i] !== WORD) continue
      expect(lowerWord(text.slice(t.starts[i], t.ends[i]))).toBe(t.lower[i])
    }
  })

  it("returns nothing for empty or blank text", () => {
    expect(tokenise("").count).toBe(0)
    expect(tokenise(" \n\t  \n").count).toBe(0)
    expect(tokenise("...!!").count).toBe(0)
  })
})
