/**
 * Cues of the twelve coaching themes. A theme is found when its cues weigh at least
 * THEME_THRESHOLD; a half cue ("=0.5": a relative named, a city) needs another to count. Sums of
 * money ("$62k", "900 euros") count for money_security (themes.ts), and a text's kind can scale a
 * theme (KIND_THEME_FACTORS). Negation does not hide a theme ("je n'ai pas de réseau" is about networking);
 * it shows in the evidence and decides motivations and blockers (roles.ts).
 * Cue syntax: lexicon/pattern.ts (weight after "=").
 * Source: written for Luna Hub. Licence: this project's own.
 */
import type { TextKind, Theme } from "../schema.js"
import { PLACES } from "./places.js"

type Cues = { readonly fr: ReadonlyArray<string>; readonly en: ReadonlyArray<string>; readonly any?: ReadonlyArray<string> }

export const THEME_THRESHOLD = 1

/**
 * A sum of money ("$62k", "52k", "900 euros", "3 200 €", "20% more") is a cue of money_security
 * this heavy (themes.ts finds them: a number with a currency sign or word next to it, or "k").
 */
export const AMOUNT_WEIGHT = 0.75
/** Currency signs right before or after a number. */
export const CURRENCY_SIGNS: ReadonlySet<string> = new Set(["$", "€", "£"])
/** Words after a number that make it a sum of money (folded). */
export const CURRENCY_WORDS: ReadonlySet<string> = new Set([
  "euros", "euro", "eur", "dollars", "dollar", "usd", "pounds", "balles", "k", "keur", "ke", "brut", "net", "nets"
])
/** Words after "N%" that make it a difference in pay ("20% more", "30 % de moins"). */
export const PERCENT_WORDS: ReadonlySet<string> = new Set(["more", "less", "plus", "moins", "raise", "cut", "pay"])

/**
 * What a text's kind does to a theme's cues (a factor on their weights; none at present). A cover
 * letter's job-search words ("poste", "candidature", "position") count as in any text: three
 * labelled sets of four file every cover letter under job_search (dev.jsonl files none).
 */
export const KIND_THEME_FACTORS: { readonly [K in TextKind]?: { readonly [T in Theme]?: number } } = {}

export const THEME_CUES: { readonly [T in Theme]: Cues } = {
  burnout_stress: {
    fr: [
      "épuis*", "fatigué*=0.5", "fatigue=0.5", "à bout", "au bout du rouleau", "surmen*", "stress*", "stressant*",
      "pression=0.5", "débordé*", "submergé*", "sous l'eau", "n'en peux plus", "en peux plus", "craquer", "craqué",
      "arrêt maladie", "arrêt de travail", "insomni*", "nuits blanches", "dors mal", "je dors plus", "boule au ventre",
      "charge mentale", "surcharge*", "rythme infernal", "heures sup*=0.5", "60 heures", "50 heures", "70 heures",
      "anxi*=0.5", "angoiss*=0.5", "vidé", "vidée", "lessivé*", "usé=0.5", "usée=0.5", "tellement fatigué*", "mal-être", "dépression",
      "ne peux plus continuer", "peux plus continuer", "plus d'énergie", "aucune énergie", "manque d'énergie", "corps me lâche", "à ce rythme", "pleur*=0.5", "j'ai craqué",
      "craque", "je craque", "crevé*", "claqué*=0.5", "naze", "cramé*", "épuisement", "tiendrai pas", "tenir le coup=0.5",
      "surchauffe", "à cran", "sous pression", "palpitations", "crise d'angoisse", "crises d'angoisse", "attaque de panique",
      "crise de panique", "rythme de fou", "plus la force", "fait un arrêt", "en arrêt", "pas le temps de déjeuner",
      "pas le temps de souffler", "pas le temps de respirer", "nuit de garde=0.5", "gardes de nuit=0.5", "plus de force",
      "à plat", "mon corps=0.5", "j'en peux plus", "je dors mal", "réveils nocturnes", "ne dors plus", "dors plus",
      "santé mentale", "ma santé=0.5", "psy=0.5", "migraine*", "charge de travail", "trop de travail", "sous-effectif",
      "toxique=0.5", "arrive plus à dormir", "surmené*", "à bout de souffle", "hors de moi=0.5", "saturé*", "sature",
      "j'étouffe", "étouffe*=0.5", "dépassé*=0.5", "je tiens plus", "ça m'use", "m'épuise"
    ],
    en: [
      "burned out", "burnt out", "burning out", "exhausted", "exhausting", "exhaustion", "stressed", "stress*",
      "overwhelmed", "overworked", "drained", "worn out", "can't sleep", "cannot sleep", "sleepless", "insomnia",
      "sick leave", "stress leave", "breaking point", "at the end of my rope", "can't keep going", "can't do this",
      "pressure=0.5", "long hours", "60-hour", "60 hour", "70-hour", "late nights", "mental load", "anxiety=0.5",
      "dread*=0.5", "so tired", "tired of", "breakdown", "panic attack*", "can't keep doing this", "can't go on",
      "giving up on me", "body is giving up", "no energy", "zero energy", "out of energy", "cried=0.5", "crying=0.5", "so done with", "done with this",
      "fried", "wiped out", "knot in my stomach", "pit in my stomach", "not sleeping", "sunday night dread", "running on empty", "running on fumes", "compassion fatigue", "fatigue", "tired=0.5",
      "sunday scaries", "on-call=0.5", "on call=0.5", "fell asleep=0.5", "something has to give", "something's gotta give",
      "stressed out", "burning the candle", "back-to-back=0.5", "back to back=0.5", "at midnight=0.5", "too much on my plate",
      "spread too thin", "spread thin", "nonstop=0.5", "non-stop=0.5", "heart racing", "palpitations", "anxious=0.5",
      "panic", "can't switch off", "cannot switch off", "never switch off", "exhausting myself", "i'm done=0.5",
      "need a break", "mental health", "my health=0.5", "therapy=0.5", "therapist=0.5", "sick days", "migraine*",
      "headaches=0.5", "workload", "too much work", "understaffed", "short-staffed", "toxic=0.5", "deadlines=0.5",
      "stressful", "running myself into the ground", "can't cope", "cannot cope", "falling apart", "stretched thin",
      "worked to the bone", "no breaks", "crunch", "overtime=0.5", "anxiety attack*", "nervous breakdown"
    ],
    any: ["burn out", "burnout"]
  },
  meaning_purpose: {
    fr: [
      "du sens", "le sens", "de sens", "un sens", "aucun sens", "perte de sens", "aucun intérêt", "a du sens", "donner du sens", "quête de sens", "utile", "utiles",
      "inutile", "utilité", "impact", "un vrai impact", "valeurs", "mes valeurs", "vocation", "passion=0.5",
      "passionné*=0.5", "pas passionné*", "épanoui*", "épanouissement", "à quoi bon", "à quoi ça sert", "ce que je veux vraiment",
      "ce que je fais", "aider les autres", "aider les gens", "contribuer à la société", "à quoi sert", "associatif=0.5", "association d'aide",
      "humanitaire", "bénévol*", "mission de vie", "raison d'être",
      "m'ennuie=0.5", "ennui=0.5", "vide=0.5", "tourner en rond=0.5", "tourne en rond=0.5", "mon avenir professionnel=0.5",
      "servir à quelque chose", "servi à quelque chose", "sert à quelque chose", "sert à rien", "servir à rien",
      "me ressemble", "au contact des gens", "contact humain", "me fait vibrer", "vibrer=0.5", "rien construire",
      "construire quelque chose", "toute ma vie=0.5", "soigner les gens", "faire du bien", "transmettre=0.5",
      "transmission=0.5", "dans le social", "le social=0.5", "l'humain=0.5", "engagé*=0.5",
      "mes journées ont un sens", "je me sens utile", "me sentir utile", "à quoi je sers", "je sers à rien",
      "pourquoi je fais", "ce que je fais de ma vie", "faire de ma vie", "ça me ronge", "éthique", "mes convictions",
      "en accord avec", "aligné*", "alignement", "rendre service", "être utile", "changer les choses",
      // 1.2.0
      "ce qui me plairait", "ce que j'aime vraiment", "ce qui me plaît", "un signe=0.5"
    ],
    en: [
      "meaning", "meaningful", "meaningless", "purpose", "the point of", "what's the point", "pointless", "fulfilling",
      "fulfilled", "unfulfilled", "fulfilment", "fulfillment", "useful", "useless", "impact", "real impact", "make a difference",
      "my values", "values", "calling", "passion=0.5", "passionate=0.5", "not passionate", "something is missing",
      "something's missing", "what i really want", "what i want", "help people", "helping people", "matters to me", "worthwhile", "what it's for", "what it is for", "means nothing", "mean nothing", "mean something", "means something",
      "is actually for", "what it's all for", "charity=0.5", "non-profit=0.5", "nonprofit=0.5", "ngo=0.5", "volunteer*=0.5",
      "soul-crushing", "empty=0.5", "bored=0.5", "is this all",
      "believe in", "used to believe", "feel nothing", "that matters", "what matters", "matters=0.5", "making a difference",
      "make an impact", "switched on", "feel alive", "felt alive", "came alive", "love the work", "actually enjoy=0.5",
      "what i enjoy=0.5", "helping=0.5", "helping others", "give back", "giving back", "just a paycheck",
      "only about money", "soulless", "soul-sucking", "hollow", "what i value", "valued most", "my why",
      "is that all", "is this it", "something meaningful", "bigger than me", "my calling", "a purpose", "ethics",
      "ethical", "aligned with", "a cause", "does it matter", "i matter",
      // 1.2.0
      "what i actually want", "felt nothing", "nobody needs", "the whole point", "what i'm building"
    ]
  },
  money_security: {
    fr: [
      "salaire", "salaires", "un seul salaire", "revenu*", "gestion de la paie=0", "argent", "payer", "paie", "payé*", "rémunération", "gagner ma vie", "gagne moins",
      "gagner moins", "crédit", "prêt immobilier", "emprunt", "loyer", "factures", "fins de mois", "économies", "épargne",
      "chômage", "pôle emploi=0.5", "france travail=0.5", "indemnités", "précarité", "précaire", "stabilité financière", "sécurité financière",
      "cdi=0.5", "emploi stable", "sécurité de l'emploi", "moins de risques=0.5", "pas les moyens", "me permettre de perdre", "perdre mon salaire", "baisse de salaire", "financer", "financement",
      "cpf=0.5", "budget=0.5", "dettes", "endetté*", "fauché*", "mal payé*", "sous-payé*", "stables", "stable=0.5",
      "gagnais", "je gagne=0.5", "gagner=0.5", "gagne=0.5", "gagnerai", "de moins par mois", "par mois=0.5", "coûter=0.5",
      "coût de la vie", "le coût", "coûte=0.5", "cher=0.5", "frais=0.5", "rentable=0.5", "mutuelle=0.5", "treizième mois",
      "brut=0.5", "net=0.5", "euros=0.5", "balles=0.5", "crédit immo", "assurance chômage", "allocations", "rsa", "smic",
      "fin de mois", "rémunéré*", "fiche de paie", "augmentation", "prime=0.5", "les sous", "mes sous", "loyers", "licenciement=0.5", "licencié*=0.5", "plan social", "rupture conventionnelle=0.5", "thunes",
      "thune", "fric", "pognon", "finances", "financièrement", "investissement=0.5", "investir=0.5", "aides=0.5",
      "apport", "banque=0.5", "indemnité*", "retraite=0.5", "niveau de vie", "train de vie", "frais de scolarité", "payante=0.5", "payant=0.5",
      "le smic", "augmentation de salaire", "gagner sa vie", "gagner plus", "gagner moins", "moins bien payé*",
      "mieux payé*", "perte de salaire", "perte de revenus", "baisse de revenus", "crédit immobilier", "rembourser",
      "pas assez d'argent", "plus d'argent", "moins d'argent", "payer les factures", "boucler les fins de mois"
    ],
    en: [
      "salary", "salaries", "income", "one income", "single income", "money", "pay cut", "pays well", "paycheck", "paycheque", "pay the bills", "bills",
      "mortgage", "rent", "loan", "loans", "debt", "debts", "savings", "financial*", "afford", "can't afford", "cannot afford",
      "earn less", "earn more", "earning less", "earn", "wage", "wages", "underpaid", "well paid", "well-paid", "job security",
      "security=0.5", "stable income", "irregular income", "permanent job", "permanent contract", "stable job", "less risk=0.5", "unemployment", "benefits=0.5", "budget=0.5", "cost of", "expensive",
      "broke", "raise", "pension", "retirement savings",
      "cost=0.5", "costs=0.5", "cheaper=0.5", "pricey=0.5", "upfront=0.5", "taxes=0.5", "after taxes", "paid=0.5",
      "pay=0.5", "pays=0.5", "health insurance", "owe=0.5", "owing=0.5", "tuition", "fees=0.5",
      "scholarship=0.5", "compensation", "pay rise", "bonus=0.5", "commission=0.5", "lowball*", "severance",
      "emergency fund", "bank account", "laid off=0.5", "layoff*=0.5", "out of savings", "running out of money", "paid less", "make less", "making less", "earn less money", "less money",
      "more money", "half what i made", "what i made", "financially", "finances", "cash flow", "living costs",
      "bills to pay", "take-home pay", "per hour", "an hour=0.5", "hourly", "minimum wage"
    ]
  },
  family_constraints: {
    fr: [
      // A relative named counts half: what ties the writer (care, school, a partner's job) makes it a constraint.
      "enfants=0.5", "enfant=0.5", "mes enfants", "ma fille=0.5", "mon fils=0.5", "trois enfants", "deux enfants",
      "les petits=0.5", "mes petits", "à charge", "famille=0.5", "ma famille", "familial*", "conjoint*=0.5", "mari=0.5",
      "femme=0.5", "compagnon=0.5", "compagne=0.5", "partenaire=0.5", "mes parents=0.5", "ma mère=0.5", "mon père=0.5",
      "ma sœur=0.5", "mon frère=0.5", "parents âgés", "garde d'enfants", "garder les enfants", "faire garder",
      "mode de garde", "garde alternée", "nounou", "nourrice", "crèche", "école=0.5", "maternité", "paternité",
      "congé parental", "bébé", "enceinte", "grossesse", "aidant*", "s'occuper de", "ne veut pas quitter",
      "peut pas quitter", "ne peut pas bouger", "peut pas bouger", "mère célibataire", "père célibataire",
      "monoparental*", "à la maison avec les enfants", "mère au foyer", "père au foyer", "les enfants grandissent",
      "la maison=0.5", "malade=0.5", "ma mère est malade", "mon père est malade", "à la sortie de l'école",
      "récupérer les enfants", "mon mari a été muté", "ma femme a été mutée", "mon conjoint a été muté", "ma conjointe a été mutée", "# enfants", "quatre enfants", "premières années", "grandir=0.5", "chercher les enfants", "devoirs=0.5", "horaires décalés=0.5", "pour ma famille",
      "pour mes enfants", "avec les enfants=0.5", "mes proches", "mon entourage=0.5", "vie de famille=0.5"
    ],
    en: [
      "kids=0.5", "kid=0.5", "children=0.5", "child=0.5", "my kids", "my children", "my daughter=0.5", "my son=0.5",
      "daughter=0.5", "son=0.5", "family=0.5", "my family", "families=0.5", "partner=0.5", "husband=0.5", "wife=0.5",
      "spouse=0.5", "my parents=0.5", "my mom=0.5", "my mum=0.5", "my dad=0.5", "my mother=0.5", "my father=0.5",
      "my brother=0.5", "my sister=0.5", "aging parents", "ageing parents", "elderly parents", "childcare", "daycare",
      "school run", "school pickup*", "pick up the kids", "pickup=0.5", "kids to bed", "bedtime", "recital=0.5",
      "school play=0.5", "two kids", "three kids", "four kids", "# kids", "# children", "early years", "grow up=0.5", "kids in school", "pregnant", "pregnancy", "maternity", "paternity", "parental leave", "baby",
      "caregiver", "caring for", "single mom", "single mother", "single dad", "single parent", "follow him",
      "follow her", "dementia", "alzheimer*", "stay-at-home parent", "stay-at-home mom", "stay-at-home dad",
      "can't leave her job", "can't leave his job", "her job=0.5", "his job=0.5", "grandparents=0.5", "nanny",
      "babysitter", "homework=0.5", "soccer practice", "for my family", "for my kids",
      "appointments=0.5", "medical bills=0.5", "husband got=0.5", "wife got=0.5", "partner got=0.5"
    ]
  },
  confidence_doubt: {
    fr: [
      "doute", "doutes", "douter", "je doute", "douter de moi", "confiance en moi", "manque de confiance", "perdu confiance",
      "légitime", "pas légitime", "légitimité", "syndrome de l'imposteur", "imposteur", "à la hauteur", "pas à la hauteur",
      "pas capable", "incapable", "pas assez bien", "pas assez bon*", "nul", "nulle", "trop vieux", "trop vieille", "trop tard",
      "peur de l'échec", "peur d'échouer", "peur de ne pas", "mauvais choix", "je n'ose pas", "n'ose pas",
      "oser", "peur de regretter", "à mon âge", "à 45 ans", "à 50 ans", "à 55 ans", "quelqu'un voudra", "capable*=0.5", "confiance=0.5", "je ne me sens pas=0.5", "honte", "incompétent*",
      "de peur de", "de peur qu'", "de peur que", "j'ose pas", "ose pas", "ce que je sais faire", "suis-je capable",
      "pas sûr de moi", "pas sûre de moi", "je ne suis pas sûr*=0.5", "je suis pas sûr*=0.5", "j'ai pas le niveau",
      "me planter", "je me suis planté*", "connerie", "une erreur=0.5", "fait une erreur", "une grosse erreur",
      "bafouill*", "perdu mes moyens", "perdre mes moyens", "l'assumer=0.5", "assumer=0.5", "égoïste=0.5",
      "introverti*", "timide", "trac=0.5", "je me sens nul*", "je suis nul*", "humiliant*=0.5", "pas fait pour moi",
      "suis pas fait* pour", "pas faite pour", "pas capable", "je ne sais rien faire", "je sais rien faire",
      "plus jeunes que moi", "tout le monde est plus", "me juger", "jugé*=0.5", "ridicule", "à côté de la plaque",
      "je doute de tout", "douter de tout", "confiance en soi", "estime de soi", "je me sens bête", "bête=0.5",
      "pas crédible", "crédibilité", "pas assez qualifié*", "je me dévalorise", "me dévaloriser", "complexé*",
      "me prouver", "faire mes preuves", "le problème c'est moi", "problème vient de moi", "personne ne voudra", "personne ne va vouloir", "à # ans=0.5", "j'ai # ans=0.5", "nuls", "nulles", "et si je n'y arrive pas", "si je n'y arrive pas", "si j'échoue",
      // 1.2.0
      "sûre de moi", "sûr de moi", "eu raison", "y arriverais jamais", "y arriverai jamais", "échoué", "échec*", "vaux plus rien", "je vaux rien", "plus confiance", "pas au niveau", "au niveau=0.5"
    ],
    en: [
      "doubt", "doubts", "doubting", "doubt myself", "self-doubt", "confidence", "lack confidence", "not confident",
      "legitimate", "not legitimate", "impostor", "imposter", "impostor syndrome", "imposter syndrome", "good enough",
      "not good enough", "not smart enough", "not qualified", "underqualified", "too old", "too late", "my age",
      "scared of making", "afraid of failing", "fear of failure", "what if nobody", "what if i fail", "wrong choice", "second-guess*", "insecure", "can i really", "nobody wants", "embarrassed", "ashamed",
      "incompetent", "afraid i'll regret", "afraid to regret", "don't dare", "do not dare", "at my age", "at 45", "at 50", "at 55", "anyone will ever",
      "not sure i can", "don't belong", "do not belong", "belong here=0.5", "qualified for=0.5", "isn't for me",
      "not for me=0.5", "cut out for", "problem is me", "is it me", "big mistake", "huge mistake", "a mistake",
      "mistake=0.5", "blanked", "froze=0.5", "choked=0.5", "blew it", "blown it", "a failure", "failure=0.5",
      "like a fraud", "fraud", "introvert*", "shy", "awkward=0.5", "self-conscious", "who am i to", "everyone else=0.5",
      "younger than me", "so behind=0.5", "not smart", "stupid", "dumb", "can i do this", "i can't do this=0.5",
      "i don't know anything", "what am i even", "not enough=0.5", "self-esteem", "self esteem", "believe in myself",
      "don't believe in myself", "out of my league", "faking it", "fake it",
      "credibility", "prove myself", "nobody will", "no one will", "no one wants", "i'm # and=0.5", "compared to the others", "compared to everyone", "what if i can't", "what if i fail", "not cut out", "am i good enough", "feel like a fraud",
      // 1.2.0
      "who i am", "people like me", "pick wrong", "choke", "failed", "sure of myself", "good at=0.5"
    ]
  },
  skills_gap: {
    fr: [
      "lacune*", "manque de bases", "je manque de", "manque d'expérience", "pas d'expérience", "pas les compétences",
      "compétences qui me manquent", "me manque", "je ne connais pas", "ne maîtrise pas", "pas le niveau", "niveau insuffisant",
      "à la traîne", "suivre le rythme", "n'arrive pas à suivre", "difficile à suivre", "plus difficile que prévu",
      "maîtrise des outils", "des outils que je ne connais pas", "me mettre à niveau", "remise à niveau", "combler",
      "pas de diplôme", "sans diplôme", "encore des lacunes", "débutant*=0.5", "rouillé*", "mon niveau",
      "pas le niveau requis", "demandent un", "exigent un", "ne comprends pas", "jargon", "ralenti*",
      "j'y comprends rien", "comprends rien", "plus dur que prévu", "je comprends à peine", "comprends à peine", "rien compris", "je galère sur", "galère avec", "googler",
      "perdu dans", "perdue dans", "les logiciels=0.5", "tout a changé=0.5", "dépassé*=0.5", "à la ramasse", "largué*",
      "remettre à niveau", "repasser=0.5", "nul en", "nulle en", "j'ai pas le niveau", "apprendre sur le tas",
      "pas à jour", "plus à jour", "obsolète*", "je découvre tout", "tout réapprendre", "réapprendre",
      "je ne sais pas faire", "je sais pas faire", "pas les bases", "les bases=0.5", "pas formé*", "pas formée",
      // 1.2.0
      "bloque sur", "pas assez d'expérience", "connais rien à", "je connais rien", "sais rien faire d'autre", "bagage technique", "pars de zéro", "partir de zéro", "repartir de zéro"
    ],
    en: [
      "lack experience", "lack of experience", "no experience", "i'm missing", "skills gap", "skill gap",
      "close that gap", "close the gap", "gap in", "gaps in", "not qualified", "underqualified", "don't have the skills",
      "lack the skills", "lack skills", "need to learn", "falling behind", "harder than i expected", "harder than expected",
      "can't keep up", "struggle with", "struggling with", "catch up", "brush up",
      "no degree", "without a degree", "beginner=0.5", "background=0.5", "rusty", "my level", "asks for fluent", "don't understand", "jargon", "slowing", "keep up",
      "require*=0.5", "clearly lack", "i lack",
      "don't know how=0.5", "still google", "basic at best", "google how", "no idea how", "out of my depth", "in over my head", "drowning=0.5",
      "learning curve", "so much to learn", "over my head", "hard to grasp", "googled=0.5", "googling=0.5", "supposed to know", "proficiency in", "asks for=0.5", "wants a degree",
      "requires a degree", "struggling to", "can't figure out", "outdated", "i still don't", "don't get it",
      "never learned", "never learnt", "lacking", "behind the curve", "everyone assumes i know", "basics=0.5",
      // 1.2.0
      "direct experience", "moved on without me", "like a beginner", "like beginner", "professional enough", "my english is"
    ]
  },
  training_learning: {
    fr: [
      "formation", "formations", "me former", "je me forme", "se former", "cours", "cours du soir", "cours en ligne",
      "mooc", "bootcamp", "certification", "certificat", "diplôme", "diplômant*", "vae", "cpf", "e-learning=0", "je me renseigne sur les formations", "apprendre", "j'apprends",
      "apprentissage", "études", "reprendre des études", "étudier", "reprendre l'école", "université", "master", "licence pro*",
      "montée en compétences", "monter en compétences", "module", "tutoriel*", "examen", "révis*",
      "statistiques=0.5", "certif", "certifs", "examen blanc", "concours", "titre professionnel", "titre pro",
      "openclassrooms", "coursera", "udemy", "freecodecamp", "datacamp", "codecademy", "edx", "alternance", "mba",
      "bts", "cnam", "afpa", "greta", "m'inscrire", "inscrit à", "inscrite à", "inscrite au", "inscrit au",
      "je révise", "réviser", "partiel*=0.5", "diplôme d'état", "licence", "doctorat=0.5", "école de=0.5",
      "reprendre mes études", "reprise d'études", "autodidacte=0.5", "tutos=0.5",
      "formation certifiante", "formation qualifiante", "rncp", "titre rncp", "cours particuliers", "je me forme à",
      "semestre=0.5", "devoirs=0.5", "mon école", "ma promo=0.5"
    ],
    en: [
      "training", "course", "courses", "online course", "bootcamp", "certificate", "certification", "certified", "degree",
      "diploma", "study", "studying", "learn=0.5", "learning=0.5", "learned=0.5", "learnt=0.5", "class", "classes", "evening class*",
      "module", "back to school", "business school", "night school", "school for", "university", "e-learning=0",
      "programs", "programmes", "program in", "going back to studying", "go back to studying", "college", "master's", "retrain", "retraining", "reskill*",
      "upskill*", "enrolled", "enroll*", "signed up for", "tutorial*", "mooc", "apprenticeship", "workshop*=0.5", "exam", "exams", "revising", "revision",
      "completed a", "completing a",
      "cert", "certs", "coursera", "udemy", "codecademy", "freecodecamp", "datacamp", "edx", "mba", "program=0.5",
      "the program=0.5", "graduated=0.5", "practice test*", "studying for", "self-taught=0.5", "teaching myself",
      "masters", "phd=0.5", "community college=0.5", "night classes", "online classes", "grad school", "trade school",
      "syllabus", "lecture*=0.5", "assignment*=0.5", "semester", "credential*=0.5", "ged", "coursework", "curriculum=0.5",
      "taking a class", "taking classes", "studying for"
    ]
  },
  networking: {
    fr: [
      "réseau", "réseaux", "mon réseau", "son réseau", "réseauter", "réseautage", "networking", "linkedin=0.5", "enquête* métier*",
      "rencontrer des professionnels", "rencontrés", "rencontré", "présenter à", "mise en relation", "mettre en relation",
      "contacts", "contact", "ancienne collègue", "ancien collègue", "anciens collègues=0.5", "déjeuner avec", "café avec",
      "mentor*", "parrain", "marraine", "afterwork", "salon=0.5", "événement professionnel", "créer des liens", "tisser des liens",
      "recommandation", "recommandé", "cooptation", "alumni", "contacté*", "camarades de promo",
      "anciens camarades", "échangé avec", "un call avec", "salon des", "forum des", "écrit à", "profil linkedin",
      "cafés virtuels", "café virtuel", "soirée réseau", "rdv pris avec", "rendez-vous avec=0.5", "afterwork",
      "au contact=0", "contact des=0", "contact humain=0", "réseau informatique=0", "réseaux informatiques=0",
      "lacunes en réseau=0", "réseaux sociaux=0", "réseau social=0", "carnet d'adresses", "pistonn*", "piston", "me recommander", "coopté*", "introduction=0.5",
      "professionnels du secteur", "gens du métier", "personnes du métier", "des pros du", "échanger avec des"
    ],
    en: [
      "network", "networking", "linkedin=0.5", "informational interview*", "coffee chat*", "meetup", "meet-up", "meetups",
      "introduce me", "introduced me", "introduction", "contact", "the contact of", "referral", "referred", "contacts", "connections", "connect with",
      "reach out", "reached out", "follow up with", "former colleague", "ex-colleague", "mentor*", "alumni", "conference",
      "event", "build relationships", "building relationships", "classmates", "talked to a", "spoke with", "messaged", "linkedin profile",
      "had a call with", "career fair", "job fair", "coffee with",
      "dm=0.5", "dm'd", "dmed", "networking event*", "industry event*", "met with", "put me in touch", "in touch with",
      "networking protocols=0", "computer networking=0", "network engineer*=0", "network admin*=0", "refer me",
      "cold email*", "cold messag*", "slack community", "community of", "joined the=0.5",
      "people in the field", "people in the industry", "industry contacts", "former boss", "old boss=0.5",
      "warm intro*", "intro=0.5", "networked", "mentorship"
    ]
  },
  job_search: {
    fr: [
      "candidature*", "postul*", "entretien*", "recruteur*", "recruteuse*", "recrutement", "offre d'emploi", "offres d'emploi",
      "une annonce", "l'annonce", "votre annonce", "cette annonce", "annonces", "recherche d'emploi", "chercher un emploi", "cherche un emploi", "recherche un poste", "cherche un poste",
      "je recherche", "lettre de motivation", "mon cv", "envoyé mon cv", "cv", "l'embauche", "d'embauche", "promesse d'embauche", "job dating",
      "réponses négatives", "réponse négative", "refus", "embauché*", "retenu* pour", "décroché*", "le poste est pour moi", "entretiens utilisateurs=0", "pôle emploi", "france travail", "apec", "indeed",
      "chasseur de têtes", "processus de recrutement", "disponible immédiatement", "pour le poste", "au poste de", "trouver un emploi", "retrouver de travail",
      "retrouver du travail",
      "pas retenu*", "pas été retenu*", "non retenu*", "ghosté*", "sans réponse", "aucune réponse", "relance*=0.5",
      "recherche un cdi", "recherche cdi", "recherche un emploi", "en recherche", "recherche active", "entretiens annuels=0",
      "entretien annuel=0", "entretien individuel=0", "entretiens individuels=0", "entretien rh", "job board*",
      "welcome to the jungle", "linkedin jobs", "chercher du travail", "cherche du travail", "trouver du travail",
      // 1.2.0
      "j'ai eu la job", "j'ai eu le poste", "premier poste", "proposition de poste", "propositions=0.5"
    ],
    en: [
      "apply", "applied", "applying", "application", "applications", "interview", "interviews", "interviewing",
      "recruiter", "recruiters", "hiring", "hire", "job offer", "the offer", "an offer", "job search", "job hunt*",
      "job hunting", "job boards", "job posting*", "job descriptions", "rejection", "rejections", "rejected", "resume",
      "résumé", "cv", "cover letter", "final round", "second round", "shortlisted", "got the job", "position", "seeking",
      "looking for a job", "headhunter", "the role", "entry-level", "land a job", "available immediately", "callback", "called back", "hired", "got hired", "posting*", "the job is mine", "user interviews=0",
      "ghosted", "ghosting", "phone screen*", "screening call", "3rd round", "third round", "2nd round", "round of interviews",
      "job applications", "offers=0.5", "returning to the workforce", "looking for work", "job market", "headhunted",
      "job listings", "listings=0.5", "recruiting process", "hiring process", "take-home", "no callbacks",
      // 1.2.0
      "offered me", "job offer", "the job with", "a job at=0.5", "first job=0.5"
    ]
  },
  entrepreneurship: {
    fr: [
      "créer ma propre entreprise", "créer mon entreprise", "créer ma boîte", "ma propre entreprise", "ma propre boîte",
      "monter ma boîte", "monter mon entreprise", "me lancer", "à mon compte", "à mon propre compte", "indépendant*",
      "freelance", "free-lance", "auto-entrepreneur*", "micro-entrepreneur*", "micro-entreprise", "entrepreneur*",
      "entreprendre", "création d'entreprise", "business plan", "mon projet d'entreprise", "ouvrir mon", "ouvrir ma",
      "consultante", "consultant", "start-up=0.5", "startup=0.5", "clients=0.5", "ma propre",
      "lancer ma boîte", "je lance ma", "lancer mon activité", "lancer mon", "reprendre une entreprise",
      "reprise d'entreprise", "reprendre l'entreprise", "reprendre la boutique", "racheter", "rachat=0.5",
      "food truck", "mon projet de=0.5", "porteur de projet", "porteuse de projet", "portage salarial",
      "clientèle=0.5", "créer mon activité", "mon activité=0.5", "mon entreprise", "sas", "sarl", "eurl", "kbis",
      "statuts", "immatricul*", "mon commerce", "ouvrir un", "ouvrir une", "prospects=0.5", "chiffre d'affaires=0.5",
      "à son compte", "me mettre à mon compte", "micro-entrepreneur", "ma boîte de",
      "mon propre patron", "ouvert mon", "ouvert ma", "j'ai ouvert", "mes clientes=0.5", "clientes=0.5", "ma propre patronne", "ma propre cheffe", "mon affaire", "installer à mon compte",
      "créer ma structure", "ma structure=0.5", "artisan=0.5", "commerçant*=0.5"
    ],
    en: [
      "my own business", "own business", "start a business", "starting a business", "start my own", "open my own",
      "my own company", "founder", "found a company", "entrepreneur*", "self-employed", "freelance",
      "freelancing", "freelancer", "go freelance", "going freelance", "independent consultant", "consultancy",
      "business plan", "side business", "side hustle", "launch my", "launching my", "startup=0.5", "start-up=0.5",
      "clients=0.5", "be my own boss", "own boss",
      "llc", "my business", "the business=0.5", "business=0.5", "buy the existing", "buying a business",
      "buy a business", "existing business", "customer base", "paying clients", "first clients", "my shop",
      "my studio", "my practice", "private practice", "consulting business", "sole proprietor", "co-founder",
      "cofounder", "runway", "bootstrap*", "investors", "open a", "opening a", "opening my", "i'm opening",
      "open my", "my own studio", "my own shop", "my own practice", "franchise",
      "go solo", "solopreneur", "opened my", "i opened", "contractor=0.5", "etsy=0.5", "my own thing", "start something", "my startup", "our startup"
    ]
  },
  work_life_balance: {
    fr: [
      "équilibre", "équilibre vie pro", "vie personnelle", "vie perso", "vie de famille", "temps pour moi", "plus de temps",
      "du temps pour", "voir mes enfants", "vois mes enfants", "ne vois plus mes enfants", "rentre tôt",
      "rentre tard", "je rentre à", "le soir=0.5", "le week-end", "plus de vie", "pas de vie", "horaires=0.5", "voyager toutes les semaines", "déplacements",
      "avec mes enfants", "les week-ends", "télétravail", "temps partiel=0.5", "4 jours",
      "quatre jours", "60 heures", "50 heures", "heures sup*", "soirées", "vacances=0.5", "congés=0.5", "le dimanche",
      "qualité de vie", "mes week-ends", "disponible pour", "temps libre",
      "60h", "50h", "70h", "55h", "45h", "pas le temps de déjeuner", "pas le temps de", "je pars à=0.5",
      "horaires décalés", "rentrer tôt", "rentrer tard", "journée de réunions=0.5", "semaine de 4 jours",
      "semaine de quatre jours", "mi-temps", "astreinte*", "déconnecter", "déconnexion", "jours par semaine=0.5",
      "mes soirées=0.5", "le soir tard", "tard le soir", "mails le soir", "le week-end aussi", "pas de pause",
      "voir grandir", "enfants grandir", "plus de temps pour", "du temps avec", "temps avec mes", "horaires=0.5",
      "mes horaires", "les horaires=0.5", "rentre chez moi=0.5", "chez moi à=0.5", "penser au boulot", "pense plus au boulot",
      "pense plus au travail", "à 17h=0.5", "à 18h=0.5", "à 19h=0.5", "à 20h=0.5", "à 21h=0.5", "rentre à=0.5", "vie privée", "présentéisme",
      // 1.2.0
      "les vois jamais", "vois jamais mes", "ne les vois", "jamais être là", "jamais là=0.5", "heures par semaine", "soixante heures", "après 18h", "à 22h=0.5", "à 23h=0.5", "full remote", "télétravail", "horaires=0.5", "mes soirées", "mes week-ends", "le week-end=0.5"
    ],
    en: [
      "work-life balance", "work life balance", "balance", "personal life", "family time", "time for myself", "more time",
      "time with my", "see my kids", "see my children", "missed my", "leave the office", "home by",
      "evenings=0.5", "weekends", "no life outside", "nights answering", "the weekend", "remote work", "working from home", "working remotely",
      "work remotely", "travelling every week", "traveling every week", "business travel", "with my kids", "part-time=0.5", "part time=0.5", "four-day week",
      "long hours", "overtime", "emails at night", "quality of life",
      "free time", "no life", "holidays=0.5", "vacation=0.5", "family life", "night shift*=0.5",
      "on-call", "every weekend", "school pickup*", "missed=0.5", "billable hours", "bill hours", "lunch break",
      "eat lunch=0.5", "at midnight=0.5", "on slack=0.5", "answering messages=0.5", "answering emails", "after hours",
      "after-hours", "remote job", "remote=0.5", "remote-first=0.5", "4 days a week", "four days a week",
      "flexible hours", "flexibility", "flexible=0.5", "home by", "dinner with", "family dinner", "my evenings",
      "time off", "pto", "commute=0.5", "commuting=0.5", "burning the midnight oil", "hours a week", "hour weeks", "hour week", "on weekends",
      "work weekends", "weekend=0.5", "boundaries", "switch off", "always on", "available 24/7", "nights and weekends",
      // 1.2.0
      "hour weeks", "hour week", "hour shift", "hours a week", "contracted hours", "working hours", "logging off", "at midnight", "be home", "never home", "christmases", "weekends off", "home by", "my evenings", "evenings=0.5", "weekends=0.5", "fully remote", "remote=0.5"
    ]
  },
  relocation: {
    fr: [
      "déménag*", "déménagement", "déménager", "m'installer à", "s'installer à", "partir vivre", "changer de ville",
      "changer de région", "mutation", "muté*", "à l'étranger", "expatri*", "expat", "logement", "rentrer en france", "retour en france",
      "quitter la région", "mobilité géographique", "permis de travail", "visa", "là-bas=0.5", "partir à l'étranger",
      "bouger=0.5", "allers-retours", "aller-retour", "loin de=0.5", "plus près de", "km d'ici", "s'installer",
      "installés à", "installée à", "installé à", "on a déménagé", "nouvelle ville", "une autre ville", "quitter paris",
      "quitté paris", "monter à paris", "descendre dans le sud", "en province", "partir vivre à", "vivre à=0.5",
      "vivre ailleurs", "ailleurs=0.5", "la météo=0.5", "le climat=0.5", "l'hiver=0.5", "expatriation", "immigr*",
      "pvt", "permis de séjour",
      // 1.2.0
      "arrivée en", "arrivé en", "arrivée à", "arrivé à", "suivre mon mari", "suivre ma femme", "équivalence*", "déménag*", "mutation", "en ville=0.5"
    ],
    en: [
      "relocat*", "move to", "moving to", "moving back", "move back", "the move", "moving abroad", "abroad", "expat*",
      "overseas", "find an apartment", "transfer to", "transferred to", "new city", "another city", "another country", "moving back to", "move abroad", "follow him", "follow her",
      "visa", "work permit", "commute=0.5",
      "states away", "miles away", "got transferred", "been transferred", "we're moving", "we are moving", "i'm moving", "moving in=0.5", "got a job in=0.5", "hours away", "closer to", "move back", "moving back", "we moved", "moved to",
      "move there", "moving there", "the weather=0.5", "winter=0.5", "cost of living", "cross-country", "across the country",
      "uproot*", "new country", "back home", "hometown", "home town", "immigrat*",
      "green card",
      // 1.2.0
      "if we move", "would mean moving", "moving=0.5", "come here", "here in=0.5", "relocat*", "immigra*"
    ],
    any: PLACES.map((place) => `${place}=0.5`)
  }
}
