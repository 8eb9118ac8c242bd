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
  "très", "aussi", "encore", "toujours", "beaucoup", "peu", "trop", "bien", "tout", "tous", "toute", "toutes",
  "après", "avant", "comme", "même", "y", "en", "mois", "ans", "année", "travail"
]

export const ENGLISH_MARKERS: ReadonlyArray<string> = [
  "i", "you", "he", "she", "we", "they", "it", "my", "your", "his", "her", "our", "their", "its", "myself", "them", "him", "us",
  "the", "this", "that", "these", "those", "and", "or", "so", "because", "if", "when", "while", "than", "then",
  "is", "are", "was", "were", "be", "been", "being", "am", "have", "has", "had", "do", "does", "did", "will", "would",
  "can", "could", "should", "shall", "must", "not", "no", "never", "nothing",
  "to", "of", "in", "with", "for", "from", "at", "by", "about", "into", "over", "after", "before", "between",
  "what", "which", "who", "how", "why", "where", "there", "here", "now", "just", "really", "very", "still", "yet",
  "all", "some", "any", "every", "more", "much", "many", "get", "got", "feel", "think", "know", "want", "like",
  "anymore", "work", "since", "week", "year", "years", "today", "tomorrow",
  // Frequent English words that French, even French peppered with English, does not use ("out", "up",
  // "back" are left out: "burn-out", "start-up", "back-office").
  "going", "gonna", "wanna", "gotta", "stay", "staying", "first", "month", "months", "weeks", "day", "days", "tonight",
  "yesterday", "time", "love", "loved", "hate", "hated", "left", "without", "anyone", "someone", "something",
  "everything", "everyone", "anything", "though", "actually", "honestly", "maybe", "also", "only", "even", "ever",
  "again", "good", "great", "happy", "said", "says", "saying", "keep", "keeps", "kept", "make", "made", "take",
  "took", "thing", "things", "way", "need", "needed", "talk", "talking", "tell", "told",
  "working", "looking", "thinking", "feeling", "getting", "doing", "done", "starting", "started", "finally", "why",
  "didn", "went", "come", "came", "see", "saw", "let", "should", "new", "old", "other", "same", "better"
]

/**
 * Phrases each language borrows from the other: their words are no marker ("à la carte", "c'est la
 * vie" in English; "next step", "by the way" in French). Lower-cased, accents kept.
 */
export const LOAN_PHRASES: ReadonlyArray<string> = [
  "à la carte", "à la mode", "c'est la vie", "déjà vu", "raison d'être", "je ne sais quoi", "joie de vivre", "tête-à-tête", "vis-à-vis",
  "savoir-faire", "laissez-faire", "en route", "bon voyage", "par excellence", "de rigueur", "fait accompli",
  "coup de grâce", "bête noire", "au revoir", "crème de la crème", "tour de force", "pièce de résistance",
  "mise en place", "en masse", "bon appétit", "touché",
  "next step", "next steps", "last minute", "good vibes", "to do list", "to-do list", "by the way", "so what",
  "what else", "win-win", "team building", "the place to be", "work-life balance", "work life balance", "big four",
  "back to basics", "go to market", "go-to-market", "full time", "part time", "open to work", "keep in touch",
  "take away", "step by step", "one to one", "one-to-one", "on the job", "to be continued"
]

/** Endings of English contractions ("i'm", "don't", "it's", "we've"). */
export const ENGLISH_CONTRACTION_ENDINGS: ReadonlyArray<string> = ["'m", "n't", "'s", "'re", "'ve", "'ll", "'d"]

/** Letters with French diacritics: a word holding one leans French ("résumé" aside). */
export const FRENCH_LETTERS = /[àâçéèêëîïôûùüÿœ]/
