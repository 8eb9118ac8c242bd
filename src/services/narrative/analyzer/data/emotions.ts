/**
 * Cues of the five emotions a coach follows. Cue syntax: lexicon/pattern.ts (weight after "=").
 * A negated cue does not count for its emotion; `NEGATED_AS` moves some to another ("je ne suis
 * pas confiante" is anxiety, "I have no hope" is sadness).
 * Source: written for Luna Hub (FEEL, the NRC lexicons and other emotion lexicons were not used:
 * their licences do not allow bundling here). Licence: this project's own.
 */
import type { Emotion } from "../schema.js"

type Cues = { readonly fr: ReadonlyArray<string>; readonly en: ReadonlyArray<string> }

export const EMOTION_CUES: { readonly [E in Emotion]: Cues } = {
  anxiety: {
    fr: [
      "anxi*", "angoiss*=2", "inquiet", "inquiète", "inquiets", "inquiètes", "inquiét*", "peur", "peurs", "crain*",
      "crainte*", "stress*", "nerveu*", "panique", "paniqu*", "trac", "appréhen*", "boule au ventre=2",
      "nuits blanches", "insomni*", "dors mal", "et si", "incertitude*", "incertain*", "manque de confiance=2",
      "pas à la hauteur=2", "ne pas être à la hauteur=2", "effray*", "terrifi*=2", "terroris*=2", "doute", "doutes",
      "douter", "je doute", "sous pression", "pression", "risque*", "trop vieux", "trop vieille", "trop tard",
      "flipp*", "trouille", "palpitations", "crise d'angoisse", "j'ose pas", "ose pas", "de peur qu'"
    ],
    en: [
      "anxious", "anxiety=2", "worried", "worry", "worries", "worrying", "nervous", "scared", "afraid", "fear", "fears",
      "fearful", "panic*", "stress*", "what if", "uncertain*", "unsure", "dread*=2", "terrified=2", "apprehensive",
      "uneasy", "insomnia", "can't sleep", "cannot sleep", "sleepless", "overthink*", "doubt", "doubts", "doubting",
      "lack confidence=2", "lack of confidence=2", "impostor*=2", "imposter*=2", "pressure", "risk*", "too old",
      "too late", "on edge", "knot in my stomach=2", "freaking out", "freaked out", "sunday scaries", "spiraling",
      "spiralling", "terrifying", "stressful", "panic attack*=2"
    ]
  },
  hope: {
    fr: [
      "espoir=2", "espère", "espérer", "j'espère", "optimis*=2", "hâte=2", "impatient*", "nouveau départ=2",
      "nouveau chapitre=2", "rêve", "rêves", "rêver", "enthousias*=2", "prometteu*", "motivé*", "motivant*",
      "croise les doigts", "confiance en l'avenir=2", "envie de", "j'ai envie", "avenir", "perspective*",
      "enfin", "soulag*", "libéré*", "serein*", "sérénité", "c'est parti", "vivement", "trop hâte=2"
    ],
    en: [
      "hope", "hopes", "hoping", "hopeful=2", "optimis*=2", "looking forward=2", "can't wait=2", "cannot wait=2",
      "excited=2", "exciting", "new chapter=2", "fresh start=2", "dream", "dreams", "eager", "promising",
      "light at the end", "motivated", "inspired", "fingers crossed", "future", "relieved", "relief", "at peace",
      "finally", "possibilit*", "opportunit*", "let's go", "can't wait to start=2", "new beginning=2", "stoked", "pumped"
    ]
  },
  frustration: {
    fr: [
      "frustr*=2", "énerv*", "agac*", "irrit*", "colère=2", "furieu*=2", "exaspér*=2", "marre=2", "ras le bol=2",
      "injust*", "tourne en rond", "tourner en rond", "impasse", "bloqué*", "coincé*", "piégé*", "stagn*",
      "perte de temps", "aucune reconnaissance", "pas reconnu*", "manque de reconnaissance", "rien ne bouge",
      "rien ne change", "ennui", "m'ennuie", "ennuy*", "m'énerve", "supporte plus", "déteste*", "toujours la même",
      "refus", "refusé", "refusée", "refusés", "refusées", "rejet*", "négative*", "sans réponse", "aucune réponse",
      "galère", "galèr*", "saoul*", "relou", "chiant*", "me gonfle", "ras-le-bol=2", "pas retenu*", "ghosté*"
    ],
    en: [
      "frustrat*=2", "annoyed", "annoying", "irritat*", "angry", "anger", "furious=2", "fed up=2", "sick of=2",
      "tired of", "stuck", "trapped", "unfair", "going nowhere", "dead end", "dead-end", "waste of time",
      "nothing changes", "no recognition", "not recognized", "not recognised", "undervalued", "unappreciated",
      "ignored", "hit a wall", "bored", "boring", "hate", "rejection*", "rejected", "no response", "ghosted",
      "micromanag*", "pointless", "lowball*", "passed over", "can't stand", "ugh", "so done"
    ]
  },
  confidence: {
    fr: [
      "confian*", "confiance en moi=2", "capable*", "fier", "fière", "fiers", "fières", "fierté", "prêt", "prête", "gonflé* à bloc=2", "j'ai signé", "validé*",
      "légitime*", "à la hauteur", "déterminé=2", "déterminée=2", "mes atouts", "mes forces", "mes compétences", "sûr de moi=2",
      "sûre de moi=2", "je sais que je peux=2", "convaincu*", "j'y arrive", "je progresse", "progrès", "réussi*",
      "réussite", "maîtrise", "à ma place", "forte de", "fort de", "je me sens capable=2"
    ],
    en: [
      "confident=2", "confidence", "capable", "proud=2", "ready", "determined=2", "strengths", "my skills",
      "good at", "believe in myself=2", "sure of myself=2", "i know i can=2", "legitimate", "empowered", "assured",
      "i can do this=2", "clicks", "progress*", "succeed*", "success", "accomplish*", "skilled", "bring strong",
      "eager to bring", "finding my feet", "found my feet", "nailed it=2", "crushed it=2", "aced", "passed my"
    ]
  },
  sadness: {
    fr: [
      "triste*=2", "tristesse=2", "malheureu*=2", "déprim*=2", "dépression=2", "vide", "seul", "seule", "isolé*",
      "isolement", "pleur*=2", "larmes=2", "désespér*=2", "déçu*", "déception*", "regret*", "regrette", "cafard",
      "moral à zéro=2", "mélancoli*", "nostalgi*", "perdu", "perdue", "sens plus", "plus de sens", "perte de sens", "me ronge", "m'éteins", "m'éteint",
      "mal-être=2", "sacrifice*", "abattu*", "découragé*", "démoralis*"
    ],
    en: [
      "sad=2", "sadness=2", "unhappy=2", "depressed=2", "depression=2", "empty", "lonely", "alone", "isolated", "cry",
      "crying", "cried", "tears", "hopeless=2", "miserable=2", "grief", "heartbroken=2", "disappointed",
      "disappointment", "regret*", "lost", "meaningless", "pointless", "down", "gloomy", "discouraged", "loss",
      "something is missing", "missed", "numb", "feel nothing", "dead inside=2", "heartbreaking=2", "gutted=2"
    ]
  }
}

/** Where a negated cue goes instead of nowhere. */
export const NEGATED_AS: { readonly [E in Emotion]?: Emotion } = { confidence: "anxiety", hope: "sadness" }
