/**
 * Words that carry no topic, used to cut key phrases and to skip filler in negation scopes.
 * Source: the English and French lists of the `stopword` npm package (MIT; English list
 * © Chris Umbel, French list © Ismaël Héry, both MIT), plus the additions below, written for
 * Luna Hub (this project's licence).
 */
import stopword from "stopword"

const ADDITIONS: ReadonlyArray<string> = [
  // English: contractions, auxiliaries and fillers the package list lacks.
  "i'm", "i've", "i'd", "i'll", "it's", "that's", "there's", "don't", "doesn't", "didn't", "can't", "won't", "isn't",
  "wasn't", "aren't", "haven't", "hasn't", "couldn't", "wouldn't", "shouldn't", "let's", "you're", "we're", "they're",
  "not", "no", "also", "just", "really", "actually", "maybe", "even", "ever", "yet", "already", "always", "lot", "lots", "thing",
  "things", "something", "anything", "everything", "someone", "anyone", "everyone", "one", "two", "three", "am", "it",
  "feel", "felt", "think", "know", "want", "need", "going", "go", "went", "keep", "kept", "every", "last", "next",
  "new", "first", "today", "week", "weeks", "month", "months", "year", "years", "day", "days", "time", "tonight",
  "yesterday", "tomorrow", "morning", "bit", "little", "able", "without", "against", "again", "anymore", "whether",
  "though", "although", "however", "sure", "ago", "back", "around", "finally", "slowly", "clearly", "per", "via",
  "dear", "sincerely", "regards", "hello", "hi", "thanks", "thank", "please", "yes", "ok", "okay", "etc",
  // French: elided forms, common verbs and adverbs.
  "j'", "l'", "d'", "qu'", "c'", "n'", "m'", "t'", "s'", "ça", "cela", "ceci", "celui", "celle", "ceux", "celles",
  "tout", "tous", "toute", "toutes", "très", "trop", "peu", "beaucoup", "aussi", "encore", "toujours", "déjà", "jamais",
  "plus", "moins", "bien", "comme", "quand", "depuis", "entre", "après", "avant", "pendant", "vers", "chez", "dont",
  "où", "donc", "car", "parce", "puis", "alors", "ainsi", "si", "non", "oui", "rien", "personne", "chaque", "autre",
  "autres", "fait", "faire", "fais", "peux", "peut", "veux", "veut", "dois", "doit", "sais", "sait", "vais", "va",
  "vont", "aller", "suis", "être", "avoir", "ai", "ont", "était", "vraiment", "juste", "enfin", "parfois", "souvent",
  "aujourd'hui", "hier", "demain", "matin", "soir", "semaine", "semaines", "mois", "an", "ans", "année", "années",
  "jour", "jours", "fois", "chose", "choses", "quelque", "quelques", "quelqu'un", "un", "deux", "trois", "premier",
  "première", "dernier", "dernière", "nouveau", "nouvelle", "madame", "monsieur", "bonjour", "merci", "cordialement",
  "actuellement", "maintenant", "là", "ici", "sans", "lors", "afin", "etc",
  // "je me sens": far more often "feel" than "meaning"
  "sens", "sentir", "senti", "mettre", "passé", "passée", "trying", "try", "tried", "four", "five", "six", "seven",
  "eight", "nine", "ten"
]

/** Lower-cased, accents kept; callers compare with `lowerWord` forms. */
export const STOPWORDS: ReadonlySet<string> = new Set([...stopword.eng, ...stopword.fra, ...ADDITIONS])
