/**
 * Function words that tell French from English, compared with lower-cased words (accents kept).
 * Words common to both languages ("a", "on", "me", "son", "as", "plus", "but") are left out.
 * Source: written for Luna Hub from French and English grammar (closed-class words).
 * Licence: this project's own; no third-party content.
 */

export const FRENCH_MARKERS: ReadonlyArray<string> = [
  "je", "j'", "tu", "il", "elle", "nous", "vous", "ils", "elles", "moi", "toi", "lui", "eux", "ça", "cela",
  "le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "au", "aux", "à", "où",
  "et", "ou", "mais", "donc", "car", "ni", "que", "qu'", "qui", "quoi", "dont", "lorsque", "quand", "parce",
  "ne", "n'", "pas", "jamais", "rien", "aucun", "aucune",
  "est", "c'", "suis", "es", "sommes", "êtes", "sont", "ai", "avons", "avez", "ont", "été", "être", "avoir",
  "fait", "faire", "peux", "veux", "dois", "sais", "vais", "va", "m'", "t'", "s'",
  "mon", "ma", "mes", "ton", "ta", "tes", "ses", "notre", "nos", "votre", "vos", "leur", "leurs",
  "ce", "cet", "cette", "ces", "avec", "dans", "pour", "sur", "sous", "chez", "sans", "depuis", "entre",
  "très", "aussi", "encore", "toujours", "déjà", "beaucoup", "peu", "trop", "bien", "tout", "tous", "toute", "toutes",
  "après", "avant", "comme", "même", "y", "en", "mois", "ans", "année", "travail"
]

export const ENGLISH_MARKERS: ReadonlyArray<string> = [
  "i", "you", "he", "she", "we", "they", "it", "my", "your", "his", "her", "our", "their", "its", "myself", "them", "him", "us",
  "the", "an", "this", "that", "these", "those", "and", "or", "so", "because", "if", "when", "while", "than", "then",
  "is", "are", "was", "were", "be", "been", "being", "am", "have", "has", "had", "do", "does", "did", "will", "would",
  "can", "could", "should", "shall", "must", "not", "no", "never", "nothing",
  "to", "of", "in", "with", "for", "from", "at", "by", "about", "into", "over", "after", "before", "between",
  "what", "which", "who", "how", "why", "where", "there", "here", "now", "just", "really", "very", "still", "yet",
  "all", "some", "any", "every", "more", "much", "many", "get", "got", "feel", "think", "know", "want", "like",
  "anymore", "work", "since", "week", "year", "years", "today", "tomorrow"
]

/** Endings of English contractions ("i'm", "don't", "it's", "we've"). */
export const ENGLISH_CONTRACTION_ENDINGS: ReadonlyArray<string> = ["'m", "n't", "'s", "'re", "'ve", "'ll", "'d"]

/** Letters with French diacritics: a word holding one leans French ("résumé" aside). */
export const FRENCH_LETTERS = /[àâçéèêëîïôûùüÿœ]/
