/**
 * Cues of the twelve coaching themes. A theme is found when its cues weigh at least
 * THEME_THRESHOLD. Negation does not hide a theme ("je n'ai pas de réseau" is about networking);
 * it shows in the evidence and decides motivations and blockers (roles.ts).
 * Cue syntax: lexicon/pattern.ts (weight after "=").
 * Source: written for Luna Hub. Licence: this project's own.
 */
import type { Theme } from "../schema.js"

type Cues = { readonly fr: ReadonlyArray<string>; readonly en: ReadonlyArray<string>; readonly any?: ReadonlyArray<string> }

export const THEME_THRESHOLD = 1

export const THEME_CUES: { readonly [T in Theme]: Cues } = {
  burnout_stress: {
    fr: [
      "épuis*", "fatigué*=0.5", "fatigue=0.5", "à bout", "au bout du rouleau", "surmen*", "stress*", "stressant*",
      "pression=0.5", "débordé*", "submergé*", "sous l'eau", "n'en peux plus", "en peux plus", "craquer", "craqué",
      "arrêt maladie", "arrêt de travail", "insomni*", "nuits blanches", "dors mal", "je dors plus", "boule au ventre",
      "charge mentale", "surcharge*", "rythme infernal", "heures sup*=0.5", "60 heures", "50 heures", "70 heures",
      "anxi*=0.5", "angoiss*=0.5", "vidé*", "lessivé*", "usé*=0.5", "tellement fatigué*", "mal-être", "dépression",
      "ne peux plus continuer", "peux plus continuer", "plus d'énergie", "aucune énergie", "manque d'énergie", "corps me lâche", "à ce rythme", "pleur*=0.5", "craquer", "j'ai craqué"
    ],
    en: [
      "burned out", "burnt out", "burning out", "exhausted", "exhausting", "exhaustion", "stressed", "stress*",
      "overwhelmed", "overworked", "drained", "worn out", "can't sleep", "cannot sleep", "sleepless", "insomnia",
      "sick leave", "stress leave", "breaking point", "at the end of my rope", "can't keep going", "can't do this",
      "pressure=0.5", "long hours", "60-hour", "60 hour", "70-hour", "late nights", "mental load", "anxiety=0.5",
      "dread*=0.5", "so tired", "tired of", "breakdown", "panic attack*", "can't keep doing this", "can't go on",
      "giving up on me", "body is giving up", "no energy", "zero energy", "out of energy", "cried=0.5", "crying=0.5", "so done with", "done with this"
    ],
    any: ["burn out", "burnout"]
  },
  meaning_purpose: {
    fr: [
      "du sens", "le sens", "de sens", "un sens", "aucun sens", "perte de sens", "aucun intérêt", "a du sens", "donner du sens", "quête de sens", "utile", "utiles",
      "inutile", "utilité", "impact", "un vrai impact", "valeurs", "mes valeurs", "vocation", "passion=0.5",
      "passionné*=0.5", "pas passionné*", "épanoui*", "épanouissement", "à quoi bon", "à quoi ça sert", "ce que je veux vraiment",
      "ce que je fais", "aider les autres", "aider les gens", "contribuer à la société", "à quoi sert", "associatif", "association d'aide",
      "humanitaire", "bénévol*", "mission de vie", "raison d'être",
      "m'ennuie=0.5", "ennui=0.5", "vide=0.5", "tourner en rond=0.5", "tourne en rond=0.5", "mon avenir professionnel=0.5"
    ],
    en: [
      "meaning", "meaningful", "meaningless", "purpose", "the point of", "what's the point", "pointless", "fulfilling",
      "fulfilled", "unfulfilled", "fulfilment", "fulfillment", "useful", "useless", "impact", "real impact", "make a difference",
      "my values", "values", "calling", "passion=0.5", "passionate=0.5", "not passionate", "something is missing",
      "something's missing", "what i really want", "what i want", "help people", "helping people", "matters to me", "worthwhile", "what it's for", "what it is for", "means nothing", "mean nothing", "mean something", "means something",
      "is actually for", "what it's all for", "charity", "non-profit", "nonprofit", "ngo", "volunteer*=0.5",
      "soul-crushing", "empty=0.5", "bored=0.5", "is this all"
    ]
  },
  money_security: {
    fr: [
      "salaire", "salaires", "un seul salaire", "revenu*", "gestion de la paie=0", "argent", "payer", "paie", "payé*", "rémunération", "gagner ma vie", "gagne moins",
      "gagner moins", "crédit", "prêt immobilier", "emprunt", "loyer", "factures", "fins de mois", "économies", "épargne",
      "chômage", "pôle emploi", "france travail", "indemnités", "précarité", "précaire", "stabilité financière", "sécurité financière",
      "cdi", "emploi stable", "sécurité de l'emploi", "moins de risques=0.5", "pas les moyens", "me permettre de perdre", "perdre mon salaire", "baisse de salaire", "financer", "financement",
      "cpf", "budget=0.5", "dettes", "endetté*", "fauché*", "mal payé*", "sous-payé*", "stables", "stable=0.5"
    ],
    en: [
      "salary", "salaries", "income", "one income", "single income", "money", "pay cut", "pays well", "paycheck", "paycheque", "pay the bills", "bills",
      "mortgage", "rent", "loan", "loans", "debt", "debts", "savings", "financial*", "afford", "can't afford", "cannot afford",
      "earn less", "earn more", "earning less", "earn", "wage", "wages", "underpaid", "well paid", "well-paid", "job security",
      "security", "stable income", "irregular income", "permanent job", "permanent contract", "stable job", "less risk=0.5", "unemployment", "benefits=0.5", "budget=0.5", "cost of", "expensive",
      "broke", "raise", "pension", "retirement savings"
    ]
  },
  family_constraints: {
    fr: [
      "enfants", "enfant", "mes enfants", "ma fille", "mon fils", "trois enfants", "deux enfants", "à charge", "famille", "familial*", "conjoint*", "mari", "femme=0.5",
      "compagnon", "compagne", "partenaire=0.5", "mes parents", "parents âgés", "garde", "crèche", "école=0.5", "maternité",
      "paternité", "congé parental", "bébé", "enceinte", "grossesse", "aidant*", "s'occuper de",
      "ne veut pas quitter", "mère célibataire", "père célibataire",
      "monoparental*"
    ],
    en: [
      "kids", "kid", "children", "child", "my daughter", "my son", "daughter", "son=0.5", "family", "families", "partner",
      "husband", "wife", "spouse", "my parents", "aging parents", "ageing parents", "elderly parents", "childcare", "daycare",
      "school run", "kids in school", "pregnant", "pregnancy", "maternity", "paternity", "parental leave", "baby", "caregiver",
      "caring for", "single mom", "single mother", "single dad", "single parent", "follow him", "follow her"
    ]
  },
  confidence_doubt: {
    fr: [
      "doute", "doutes", "douter", "je doute", "douter de moi", "confiance en moi", "manque de confiance", "perdu confiance",
      "légitime", "pas légitime", "légitimité", "syndrome de l'imposteur", "imposteur", "à la hauteur", "pas à la hauteur",
      "pas capable", "incapable", "pas assez bien", "pas assez bon*", "nul", "nulle", "trop vieux", "trop vieille", "trop tard",
      "peur de l'échec", "peur d'échouer", "peur de ne pas", "mauvais choix", "je n'ose pas", "n'ose pas",
      "oser", "peur de regretter", "à mon âge", "à 45 ans", "à 50 ans", "à 55 ans", "quelqu'un voudra", "capable*=0.5", "confiance=0.5", "je ne me sens pas=0.5", "honte", "incompétent*",
      "de peur de"
    ],
    en: [
      "doubt", "doubts", "doubting", "doubt myself", "self-doubt", "confidence", "lack confidence", "not confident",
      "legitimate", "not legitimate", "impostor", "imposter", "impostor syndrome", "imposter syndrome", "good enough",
      "not good enough", "not smart enough", "not qualified", "underqualified", "too old", "too late", "my age",
      "scared of making", "afraid of failing", "fear of failure", "what if nobody", "what if i fail", "wrong choice", "second-guess*", "insecure", "can i really", "nobody wants", "embarrassed", "ashamed",
      "incompetent", "afraid i'll regret", "afraid to regret", "don't dare", "do not dare", "at my age", "at 45", "at 50", "at 55", "anyone will ever"
    ]
  },
  skills_gap: {
    fr: [
      "lacune*", "manque de bases", "je manque de", "manque d'expérience", "pas d'expérience", "pas les compétences",
      "compétences qui me manquent", "me manque", "je ne connais pas", "ne maîtrise pas", "pas le niveau", "niveau insuffisant",
      "à la traîne", "suivre le rythme", "n'arrive pas à suivre", "difficile à suivre", "plus difficile que prévu",
      "maîtrise des outils", "des outils que je ne connais pas", "me mettre à niveau", "remise à niveau", "combler",
      "pas de diplôme", "sans diplôme", "encore des lacunes", "débutant*=0.5", "rouillé*", "mon niveau",
      "pas le niveau requis", "demandent un", "exigent un", "ne comprends pas", "jargon", "ralenti*"
    ],
    en: [
      "lack experience", "lack of experience", "no experience", "i'm missing", "skills gap", "skill gap",
      "close that gap", "close the gap", "gap in", "gaps in", "not qualified", "underqualified", "don't have the skills",
      "lack the skills", "lack skills", "need to learn", "falling behind", "harder than i expected", "harder than expected",
      "can't keep up", "struggle with", "struggling with", "catch up", "brush up",
      "no degree", "without a degree", "beginner=0.5", "background=0.5", "rusty", "my level", "asks for fluent", "don't understand", "jargon", "slowing", "keep up",
      "require*=0.5", "clearly lack", "i lack"
    ]
  },
  training_learning: {
    fr: [
      "formation", "formations", "me former", "je me forme", "se former", "cours", "cours du soir", "cours en ligne",
      "mooc", "bootcamp", "certification", "certificat", "diplôme", "diplômant*", "vae", "cpf", "e-learning=0", "je me renseigne sur les formations", "apprendre", "j'apprends",
      "apprentissage", "études", "reprendre des études", "étudier", "reprendre l'école", "université", "master", "licence pro*",
      "montée en compétences", "monter en compétences", "module", "tutoriel*", "examen", "révis*",
      "statistiques=0.5", "validée", "validé", "développeuse=0.5",
      "développeur=0.5"
    ],
    en: [
      "training", "course", "courses", "online course", "bootcamp", "certificate", "certification", "certified", "degree",
      "diploma", "study", "studying", "learn", "learning", "learned", "learnt", "class", "classes", "evening class*",
      "module", "back to school", "business school", "night school", "school for", "university", "e-learning=0",
      "programs", "programmes", "program in", "going back to studying", "go back to studying", "college", "master's", "retrain", "retraining", "reskill*",
      "upskill*", "enrolled", "enroll*", "signed up for", "tutorial*", "mooc", "apprenticeship", "workshop*=0.5", "exam", "exams", "revising", "revision",
      "completed a", "completing a"
    ]
  },
  networking: {
    fr: [
      "réseau", "réseaux", "mon réseau", "son réseau", "réseauter", "réseautage", "networking", "linkedin", "enquête* métier*",
      "rencontrer des professionnels", "rencontrés", "rencontré", "présenter à", "mise en relation", "mettre en relation",
      "contacts", "contact", "ancienne collègue", "ancien collègue", "anciens collègues", "déjeuner avec", "café avec",
      "mentor*", "parrain", "marraine", "afterwork", "salon", "événement professionnel", "créer des liens", "tisser des liens",
      "recommandation", "recommandé", "cooptation", "alumni", "contacté*", "camarades de promo",
      "anciens camarades", "échangé avec", "un call avec", "salon des", "forum des", "écrit à", "profil linkedin"
    ],
    en: [
      "network", "networking", "linkedin", "informational interview*", "coffee chat*", "meetup", "meet-up", "meetups",
      "introduce me", "introduced me", "introduction", "contact", "the contact of", "referral", "referred", "contacts", "connections", "connect with",
      "reach out", "reached out", "follow up with", "former colleague", "ex-colleague", "mentor*", "alumni", "conference",
      "event", "build relationships", "building relationships", "classmates", "talked to a", "spoke with", "messaged", "linkedin profile",
      "had a call with", "career fair", "job fair", "coffee with"
    ]
  },
  job_search: {
    fr: [
      "candidature*", "postul*", "entretien*", "recruteur*", "recruteuse*", "recrutement", "offre d'emploi", "offres d'emploi",
      "annonce*", "recherche d'emploi", "chercher un emploi", "cherche un emploi", "recherche un poste", "cherche un poste",
      "je recherche", "lettre de motivation", "mon cv", "envoyé mon cv", "cv", "embauche", "promesse d'embauche", "job dating",
      "réponses négatives", "réponse négative", "refus", "embauché*", "retenu* pour", "décroché*", "le poste est pour moi", "entretiens utilisateurs=0", "pôle emploi", "france travail", "apec", "indeed",
      "chasseur de têtes", "processus de recrutement", "disponible immédiatement", "pour le poste", "au poste de", "trouver un emploi", "retrouver de travail",
      "retrouver du travail"
    ],
    en: [
      "apply", "applied", "applying", "application", "applications", "interview", "interviews", "interviewing",
      "recruiter", "recruiters", "hiring", "hire", "job offer", "the offer", "an offer", "job search", "job hunt*",
      "job hunting", "job boards", "job posting*", "job descriptions", "rejection", "rejections", "rejected", "resume",
      "résumé", "cv", "cover letter", "final round", "second round", "shortlisted", "got the job", "position", "seeking",
      "looking for a job", "headhunter", "the role", "entry-level", "land a job", "available immediately", "callback", "called back", "hired", "got hired", "posting*", "the job is mine", "user interviews=0"
    ]
  },
  entrepreneurship: {
    fr: [
      "créer ma propre entreprise", "créer mon entreprise", "créer ma boîte", "ma propre entreprise", "ma propre boîte",
      "monter ma boîte", "monter mon entreprise", "me lancer", "à mon compte", "à mon propre compte", "indépendant*",
      "freelance", "free-lance", "auto-entrepreneur*", "micro-entrepreneur*", "micro-entreprise", "entrepreneur*",
      "entreprendre", "création d'entreprise", "business plan", "mon projet d'entreprise", "ouvrir mon", "ouvrir ma",
      "consultante", "consultant", "start-up=0.5", "startup=0.5", "clients=0.5", "ma propre"
    ],
    en: [
      "my own business", "own business", "start a business", "starting a business", "start my own", "open my own",
      "my own company", "founder", "found a company", "entrepreneur*", "self-employed", "freelance",
      "freelancing", "freelancer", "go freelance", "going freelance", "independent consultant", "consultancy",
      "business plan", "side business", "side hustle", "launch my", "launching my", "startup=0.5", "start-up=0.5",
      "clients=0.5", "be my own boss", "own boss"
    ]
  },
  work_life_balance: {
    fr: [
      "équilibre", "équilibre vie pro", "vie personnelle", "vie perso", "vie de famille", "temps pour moi", "plus de temps",
      "du temps pour", "voir mes enfants", "vois mes enfants", "ne vois plus mes enfants", "rentre tôt",
      "rentre tard", "je rentre à", "le soir=0.5", "le week-end", "plus de vie", "pas de vie", "horaires=0.5", "voyager toutes les semaines", "déplacements",
      "avec mes enfants", "les week-ends", "télétravail", "temps partiel", "4 jours",
      "quatre jours", "60 heures", "50 heures", "heures sup*", "soirées", "vacances", "congés", "le dimanche",
      "qualité de vie", "mes week-ends", "disponible pour", "temps libre"
    ],
    en: [
      "work-life balance", "work life balance", "balance", "personal life", "family time", "time for myself", "more time",
      "time with my", "see my kids", "see my children", "missed my", "leave the office", "home by",
      "evenings=0.5", "weekends", "no life outside", "nights answering", "the weekend", "remote work", "working from home", "working remotely",
      "work remotely", "travelling every week", "traveling every week", "business travel", "with my kids", "part-time", "part time", "four-day week",
      "long hours", "overtime", "emails at night", "quality of life",
      "free time", "no life", "holidays", "vacation"
    ]
  },
  relocation: {
    fr: [
      "déménag*", "déménagement", "déménager", "m'installer à", "s'installer à", "partir vivre", "changer de ville",
      "changer de région", "mutation", "muté*", "à l'étranger", "expatri*", "expat", "logement", "rentrer en france", "retour en france",
      "quitter la région", "mobilité géographique", "permis de travail", "visa", "là-bas=0.5", "partir à l'étranger"
    ],
    en: [
      "relocat*", "move to", "moving to", "moving back", "move back", "the move", "moving abroad", "abroad", "expat*",
      "overseas", "find an apartment", "transfer to", "transferred to", "new city", "another city", "another country", "moving back to", "move abroad", "follow him", "follow her",
      "visa", "work permit", "commute=0.5"
    ]
  }
}
