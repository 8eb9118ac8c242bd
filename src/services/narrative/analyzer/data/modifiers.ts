/**
 * Words that change what their neighbours mean: negations, intensifiers and softeners, contrasts,
 * and the words that end a negation's reach. Cue syntax: see lexicon/pattern.ts.
 * Source: written for Luna Hub from French and English grammar (closed-class words; the 3-word
 * negation window and the contrast weights follow VADER's published heuristics, Hutto & Gilbert
 * 2014, re-implemented, no code or data copied). Licence: this project's own.
 */
import type { NegatorKind } from "../lexicon/payload.js"

type ByLanguage = { readonly fr: ReadonlyArray<string>; readonly en: ReadonlyArray<string> }

export const NEGATORS: { readonly [K in NegatorKind]: ByLanguage } = {
  forward: {
    fr: [
      "pas", "jamais", "rien", "aucun", "aucune", "sans", "guère", "nullement", "ni", "plus jamais", "pas encore", "pas du tout",
      "moins", "moins de", "peu de"
    ],
    en: [
      "not", "never", "no", "without", "nothing", "nobody", "none", "neither", "nor", "hardly", "barely", "no longer",
      "cannot", "can't", "don't", "less", "fewer", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't",
      "hadn't", "won't", "wouldn't", "couldn't", "shouldn't", "mustn't", "ain't", "dont", "doesnt", "didnt", "isnt",
      "arent", "wasnt", "havent", "hasnt", "cant", "wont", "wouldnt", "couldnt", "shouldnt", "not yet", "no more"
    ]
  },
  opener: { fr: ["ne", "n'"], en: [] },
  closing: { fr: ["plus", "point", "personne"], en: [] },
  none: {
    fr: [
      "non seulement", "pas seulement", "pas que", "pas mal de", "jamais été aussi", "jamais été si", "jamais été autant",
      "jamais été plus", "n'importe", "pas forcément", "au moins", "du moins", "plus ou moins", "à moins",
      "pas moins", "néanmoins", "veux pas", "voulais pas", "veut pas", "jamais senti aussi", "jamais sentie aussi",
      "jamais senti si", "jamais sentie si", "pas senti aussi", "pas sentie aussi",
      "voudrais pas"
    ],
    en: [
      "not only", "not just", "no doubt", "nothing but", "never been this", "never been so", "never been more",
      "never felt this", "never felt so", "never felt more", "haven't felt this", "haven't felt that", "haven't felt so",
      "hadn't felt this", "hadn't felt that", "haven't been this", "haven't been so", "haven't been that", "can't wait", "cannot wait", "couldn't be happier",
      "no matter", "not necessarily", "more or less", "no less", "less than", "unless", "don't want to", "do not want to", "dont want to",
      "doesn't want to", "didn't want to"
    ]
  }
}

/** Factor applied to the next sentiment or emotion cue within two words. */
export const MODIFIERS: { readonly fr: Readonly<Record<string, number>>; readonly en: Readonly<Record<string, number>> } = {
  fr: {
    "très": 1.5, "vraiment": 1.5, "tellement": 1.5, "trop": 1.5, "si": 1.3, "complètement": 1.5, "totalement": 1.5,
    "extrêmement": 1.8, "profondément": 1.5, "hyper": 1.5, "super": 1.3, "particulièrement": 1.3, "énormément": 1.6,
    "de plus en plus": 1.3, "tout à fait": 1.3, "absolument": 1.5, "carrément": 1.5, "franchement": 1.2,
    "pas mal de": 1.3, "vachement": 1.5, "terriblement": 1.6, "incroyablement": 1.6, "fortement": 1.3,
    "un peu": 0.5, "un petit peu": 0.4, "légèrement": 0.5, "plutôt": 0.8, "assez": 0.8, "quelque peu": 0.5,
    "moyennement": 0.5, "relativement": 0.7, "à peine": 0.3, "parfois": 0.7
  },
  en: {
    "very": 1.5, "really": 1.4, "so": 1.4, "extremely": 1.8, "incredibly": 1.6, "totally": 1.5, "completely": 1.5,
    "absolutely": 1.5, "deeply": 1.5, "truly": 1.4, "highly": 1.4, "utterly": 1.6, "seriously": 1.3, "super": 1.4,
    "too": 1.3, "so much": 1.5, "more and more": 1.3, "increasingly": 1.3, "especially": 1.2, "particularly": 1.2,
    "pretty": 1.2, "genuinely": 1.3, "terribly": 1.6, "awfully": 1.5, "insanely": 1.6,
    "a bit": 0.5, "a little": 0.5, "a little bit": 0.4, "slightly": 0.5, "somewhat": 0.6, "kind of": 0.6, "sort of": 0.6,
    "kinda": 0.6, "fairly": 0.8, "rather": 0.8, "mildly": 0.5, "sometimes": 0.7, "occasionally": 0.6
  }
}

/** Sentiment before one of these counts half, after it one and a half ("c'était dur, mais je suis fière"). */
export const CONTRASTS: ByLanguage = {
  fr: ["mais", "pourtant", "cependant", "toutefois", "néanmoins", "en revanche", "par contre", "malgré tout"],
  en: ["but", "however", "nevertheless", "nonetheless", "even so", "that said"]
}

/** Sentiment in the clause after one of these counts half ("fière de mon site, même s'il est moche"). */
export const CONCESSIONS: ByLanguage = {
  fr: ["même si", "même s'", "bien que", "quoique", "malgré"],
  en: ["even if", "even though", "although", "though", "despite", "in spite of"]
}

/**
 * Sentiment in the clause after one of these counts less: what is wished for is not what is felt
 * ("je voudrais un métier utile", "I dream of work that has a real impact").
 */
export const WISHES: ByLanguage = {
  fr: [
    "je voudrais", "voudrais", "j'aimerais", "aimerais", "je rêve d'", "je rêve de", "rêve d'", "rêve de", "je souhaite",
    "souhaiterais", "si seulement", "j'ai envie d'", "j'ai envie de", "envie d'un", "envie d'une", "je cherche un",
    "je cherche une", "j'espère", "il me faudrait", "j'ai besoin d'", "besoin d'un", "besoin d'une"
  ],
  en: [
    "i want", "i want a", "i wish", "wish i", "would like", "i'd like", "dream of", "dreaming of", "i hope", "hoping for",
    "if only", "i need a", "i'm looking for", "longing for", "i'd love a", "would love a"
  ]
}

/** A negation's reach ends at these words (as at punctuation): "not stressed and I feel great". */
export const SCOPE_BREAKERS: ReadonlySet<string> = new Set([
  "and", "or", "but", "because", "since", "although", "though", "while", "whereas", "which", "who",
  "et", "ou", "mais", "car", "parce", "donc", "puis", "alors", "tandis", "quoique", "qui"
])

/** Words a negation's reach does not count: "je ne suis pas du tout épuisé", "not at all stressed". */
export const SCOPE_FILLERS: ReadonlySet<string> = new Set([
  "du", "tout", "vraiment", "encore", "trop", "tres", "si", "forcement", "toujours", "at", "all", "really", "very", "so",
  "too", "yet", "anymore", "that", "even", "feeling", "feel", "am", "is", "are", "be", "been", "suis", "etre", "es", "est"
])
