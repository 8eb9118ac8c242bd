/**
 * What makes a theme a motivation (it pulls towards a change) or a blocker (it holds back): the
 * wishes and obstacles said in the theme's sentences, else the theme's usual role.
 * Cue syntax: lexicon/pattern.ts. A negated marker does not count ("je n'ai pas peur").
 * Source: written for Luna Hub. Licence: this project's own.
 */
import type { Theme } from "../schema.js"

type Cues = { readonly fr: ReadonlyArray<string>; readonly en: ReadonlyArray<string> }

export const ROLE_MARKERS: { readonly desire: Cues; readonly obstacle: Cues } = {
  desire: {
    fr: [
      "veux", "voudrais", "j'aimerais", "aimerais", "souhaite*", "rêve*", "envie de", "j'ai envie", "aspire*", "cherche*",
      "besoin de", "objectif*", "motivé* par", "attiré* par", "passionné* par", "donner du sens", "je vais", "projet de",
      "me lancer", "hâte", "enfin", "plus de temps", "je rêve", "idéal"
    ],
    en: [
      "want", "wants", "would like", "i'd like", "i'd love", "would love", "wish", "dream", "dreams", "aspire*", "looking for",
      "hope to", "hoping to", "eager to", "motivated by", "drawn to", "passionate about", "goal", "goals", "aim to", "seeking",
      "need more", "longing", "crave", "i'm going to", "going to", "can't wait", "excited", "finally", "more time", "ideal"
    ]
  },
  obstacle: {
    fr: [
      "peur", "crain*", "crainte*", "pas les moyens", "pas le temps", "manque", "manque de", "obstacle*", "frein*", "me retient",
      "retient", "empêche*", "difficile*", "risque*", "contrainte*", "trop vieux", "trop vieille", "trop tard", "bloqué*",
      "coincé*", "impossible", "doute*", "n'ose pas", "ose pas", "pas assez", "inquiet*", "inquiète*", "ne peux pas",
      "peux pas", "me permettre", "à charge", "lacune*", "ne veut pas", "épuis*", "à bout", "n'en peux plus", "stress*",
      "ne vois plus", "négatives", "pas légitime", "pas à la hauteur"
    ],
    en: [
      "afraid", "fear", "fears", "scared", "worry", "worried", "can't afford", "cannot afford", "can't", "cannot", "lack",
      "lack of", "don't have", "no time", "not enough", "too old", "too late", "obstacle*", "barrier*", "holding me back",
      "hold me back", "holds me back", "stops me", "prevent*", "difficult", "hard", "harder", "struggl*", "risk*", "what if",
      "constraint*", "tied down", "stuck", "trapped", "blocked", "impossible", "doubt*", "missing", "exhausted",
      "burned out", "burnt out", "rejection*", "nobody"
    ]
  }
}

export type DefaultRole = "motivation" | "blocker" | "none"

/** A theme's role when its sentences say neither wish nor obstacle. */
export const DEFAULT_ROLES: { readonly [T in Theme]: DefaultRole } = {
  burnout_stress: "blocker",
  meaning_purpose: "motivation",
  money_security: "blocker",
  family_constraints: "blocker",
  confidence_doubt: "blocker",
  skills_gap: "blocker",
  training_learning: "motivation",
  networking: "none",
  job_search: "none",
  entrepreneurship: "motivation",
  work_life_balance: "motivation",
  relocation: "none"
}
