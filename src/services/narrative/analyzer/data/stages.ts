/**
 * Cues of the five career-transition stages, and what a text's kind says when cues are scarce.
 * Cue syntax: lexicon/pattern.ts ("!" = a negated occurrence does not count: "je n'ai pas encore
 * postulé" is not applying; weight after "=").
 * Source: written for Luna Hub from the career-transition stages the product uses (exploration,
 * decision, preparation, transition, integration). Licence: this project's own.
 */
import type { Stage, TextKind } from "../schema.js"

type Cues = { readonly fr: ReadonlyArray<string>; readonly en: ReadonlyArray<string>; readonly any?: ReadonlyArray<string> }

export const STAGE_CUES: { readonly [S in Stage]: Cues } = {
  exploration: {
    fr: [
      "je me pose des questions=2", "me pose beaucoup de questions=2", "je m'interroge=2", "m'interroge", "remise en question=2",
      "remettre en question=2", "je remets en question=2", "questionn*", "je me demande=1.5", "me demander si=1.5",
      "je ne sais pas ce que je veux=2", "ne sais pas ce que je veux=2", "ce que je veux vraiment=2", "ne sais plus=1.5",
      "tourne en rond=2", "tourner en rond=2", "je m'ennuie=2", "m'ennuie", "ennui", "perte de sens=2", "plus le sens=2",
      "plus de sens=1.5", "sens à ce que je fais=2", "n'a plus de sens=2", "envie de changer=2", "envie de changement=2",
      "besoin de changement=2", "changer de voie=1.5", "changer de métier", "changer de vie", "quitter mon poste=1.5",
      "quitter mon travail=1.5", "quitter mon job=1.5", "quitter ce", "partir de mon", "est-ce que je=1", "pourquoi je",
      "je n'en peux plus=2", "n'en peux plus=2", "en peux plus=2", "ce boulot", "ce job", "ce métier", "ce poste",
      "mon poste actuel=1.5", "mon travail actuel=1.5", "mon emploi actuel=1.5", "avenir professionnel", "bilan de compétences=2",
      "lundi matin", "dimanche soir", "boule au ventre", "je me sens coincé*=1.5", "coincé*", "vaut vraiment", "vaut le coup",
      "burn out", "burnout", "arrêt maladie=2", "épuis*", "à bout", "je ne supporte plus=2", "plus envie", "m'ennuie dans",
      "j'aimerais changer", "j'aimerais tellement changer", "aimerais changer", "pas passionné*", "pas épanoui*", "déteste",
      "sacrifices", "tenir encore", "changer de métier à", "coincé* dans ce=2", "ne peux plus continuer=2",
      "à quoi sert=2", "autre chose=1.5", "envie d'autre chose=2", "je me demande souvent=2",
      "réfléchir à=1", "je réfléchis=1.5", "ce qui me ferait=1.5", "aucun intérêt=1.5", "pourquoi je continue=2", "je continue dans=1"
    ],
    en: [
      "question* my=2", "questioning=2", "start* to question=2", "wonder* if=1.5", "keep wondering=2", "wondering what=2",
      "what the point=2", "is this all=2", "is it worth it=2", "whether it's worth it=2", "worth it", "don't know what i want=2",
      "do not know what i want=2", "know what i want anymore=2", "something is missing=2", "something's missing=2",
      "feel stuck=2", "i feel stuck=2", "stuck in", "bored", "dread=1.5", "dread every=2", "dreading", "thinking about leaving=2",
      "thinking of leaving=2", "thinking about quitting=2", "thinking of quitting=2", "want out", "need a change=2",
      "want a change=2", "change careers=1.5", "change career", "career change", "i'd love to change=2", "love to change",
      "my current job=1.5", "my current role=1.5", "this job", "my job", "second thoughts", "unfulfilled", "unhappy at work=2",
      "burned out", "burnt out", "burnout", "sick leave=2", "exhausted", "can't do this=2", "can't keep going=2",
      "keep going like this=2", "every monday", "sunday night", "sunday evening", "no longer enjoy=2", "not passionate",
      "don't hate my job", "hate my job=2", "what i really want=2", "feel trapped=1.5", "trapped", "starting over", "start over", "feels pointless", "pointless", "meaningless", "not for me", "wrong career=2",
      "don't feel legitimate", "too old", "stuck in this=2", "stuck in my=2", "can't keep doing this=2",
      "wonder what=1.5", "often wonder=2", "something else=1.5", "want something else=2",
      "changing careers=1.5", "think about what=1.5", "what would really=1.5", "why i keep=2", "means nothing=1.5",
      "do i really want=2", "for another=1"
    ]
  },
  decision: {
    fr: [
      "j'hésite=2", "hésite entre=2.5", "hésit*", "choisir entre=2.5", "choix entre=2", "le bon choix=2", "mauvais choix=2",
      "faire un choix=2", "mon choix=1.5", "j'ai choisi=2.5", "ai choisi=2", "choisir", "prendre une décision=2.5",
      "pris ma décision=3", "ma décision=2", "décision", "décider=1.5", "me décider=2", "j'ai décidé=2.5", "ai décidé=2",
      "décidé de=2", "trancher=2.5", "peser le pour et le contre=3", "pesé le pour et le contre=3", "le pour et le contre=2.5",
      "avantages et inconvénients=2.5", "avantages et leurs inconvénients=2.5", "deux pistes=2.5", "plusieurs pistes=2",
      "deux options=2", "les deux options=2", "plusieurs options=2", "options", "quelle voie=2", "quelle direction=2",
      "quelle orientation=2", "orientation", "partagé* entre=2.5", "je penche pour=2.5", "arbitrer=2", "dilemme=2",
      "ou bien=1", "plan a=1.5", "plan b=1.5", "piste", "pistes", "me lancer=1.5", "devenir=1", "se dessinent", "ça y est",
      "je vais créer=1.5", "je vais quitter=1.5", "je vais me lancer=2", "je vais devenir=2", "reprendre des études=1",
      "ou rester=2", "rester ou=2", "ou partir=2", "c'est décidé=3", "ce choix=1.5",
      "choix=1", "deux possibilités=2", "plusieurs possibilités=2", "je dois choisir=2.5", "dois choisir=2", "je quitte=1",
      "je dois décider=2.5", "dois décider=2.5", "décid*=1.5", "qu'on décide=2.5", "décide en famille=2.5",
      "je compare=2", "compare avec=2", "freelance ou=1.5", "ou salarié*=1.5", "si j'accepte=2", "accepter ou=2"
    ],
    en: [
      "torn between=3", "choose between=2.5", "choosing between=2.5", "decide between=2.5", "deciding between=2.5",
      "hesitating between=2.5", "hesitat*=1.5", "need to decide=2.5", "have to decide=2.5", "decide whether=2.5", "decide=1.5",
      "deciding=1.5", "decision=1.5", "i've decided=2.5", "i have decided=2.5", "decided to=2", "made up my mind=3",
      "made my decision=3", "made a decision=2.5", "pros and cons=2.5", "weighing=2", "weigh*", "narrowed it down=2.5",
      "narrow down=2", "leaning towards=2.5", "leaning toward=2.5", "two options=2", "options", "which path=2",
      "which direction=2", "what direction=1.5", "right choice=2", "wrong choice=2", "the right call=2", "two paths=2",
      "torn", "dilemma=2", "or stay=2", "or staying=2", "or go=1", "or moving=1.5", "either", "settle on=2",
      "i'm going to open=2", "i'm going to start=1.5", "going to retrain=2", "i'm going to become=2", "i'll become=1.5",
      "comparing=1.5", "plan b=1.5", "go back to school=1", "it's decided=3", "this choice=1.5", "choice=1",
      "two possibilities=2", "possibilities=1", "have to choose=2.5", "need to choose=2.5", "i'm leaving=1",
      "decide whether to=2.5", "whether to accept=2", "i've chosen=2.5", "i have chosen=2.5", "make a call=2", "back and forth=2",
      "decide as a=2.5", "or a permanent=1.5", "comparing it=2"
    ]
  },
  preparation: {
    fr: [
      "formation=1.5", "formations", "je me forme=2", "me former=2", "me forme", "suis une formation=2.5", "suivre une formation=2",
      "en formation=2", "cours du soir=2", "cours en ligne=2", "le cours", "un cours", "cours de", "mooc=2", "bootcamp=2",
      "certification=2", "certificat=2", "diplôme", "vae=2", "cpf=2", "financer=1", "apprendre=1.5", "j'apprends=2",
      "apprentissage", "révis*", "exercices", "réseau=1.5", "réseauter=2", "networking=2", "enquête* métier*=2.5",
      "rencontrer des professionnels=2", "présenter à=1.5", "mettre à jour mon cv=1.5", "refaire mon cv=1.5", "portfolio=2",
      "projet perso*=1.5", "projets perso*=1.5", "monter en compétences=2", "montée en compétences=2", "se former",
      "immersion=2", "stage d'observation=2", "pmsm*=2", "je progresse=1.5", "progresse", "lacunes=1.5", "je manque de bases=2",
      "manque de bases=2", "suivre le rythme", "module", "statistiques", "validée", "validé", "business plan=1.5",
      "en reconversion vers=2", "reconversion vers=1.5", "compétences=0.5", "préparer=1", "je prépare=1.5", "me prépare=1.5",
      "linkedin=1", "déjeuner avec=1", "café avec=1.5", "conseils=1", "mentor*=1.5", "contacté*=1.5",
      "camarades de promo=2", "anciens camarades=1.5", "poser des questions sur leur métier=2.5", "échangé avec=1.5",
      "je me renseigne=2", "me renseigner=2", "renseign*=1", "salon=1.5", "salon des=2", "forum=1", "un call avec=1.5",
      "rouillé*=1", "mon niveau=1", "mis à jour mon profil=2", "mettre à jour mon profil=2", "écrit à=1",
      "avant de postuler=3", "avant de commencer à postuler=3", "actuellement en formation=3", "en formation de=2.5", "inscrit*=2", "niveau d'anglais=1.5", "démarches=1", "exercices=1"
    ],
    en: [
      "training=1.5", "course=1.5", "courses", "online course=2", "bootcamp=2", "certificate=2", "certification=2",
      "certified", "enrolled=2", "enroll*=2", "signed up for=2", "studying=1.5", "study=1", "learning=1.5", "learn=1", "learned",
      "practice=1", "practising", "practicing", "portfolio=2", "side project*=2", "upskill*=2", "reskill*=2", "evening class*=2",
      "night class*", "mooc=2", "degree", "diploma", "module", "informational interview*=2.5", "coffee chat*=2",
      "networking=2", "meetup=2", "meet-up=2", "introduce me=2", "follow up with=1.5", "linkedin=1", "mentor*=1.5",
      "shadowing=2", "volunteer*=1", "close that gap=2", "close the gap=2", "lack experience=1.5", "falling behind=1.5",
      "the course=1.5", "in the course", "homework", "assignment*", "exam", "tutorial*", "built my first=2", "my first project=2",
      "currently completing=2", "completing a=1.5", "preparing=1", "getting ready=1", "update my cv=1.5", "update my resume=1.5",
      "review my portfolio=2", "coding", "retraining=1.5", "reached out=2", "reach out=1.5",
      "ask them about=2", "classmates=1.5", "talked to a=1.5", "spoke with=1.5", "had a call with=1.5", "career fair=2",
      "researching=2", "looking into=1.5", "programs=1", "programmes=1", "rusty=1", "my level=1", "exercises=1",
      "what it takes=1", "advice=1", "updated my linkedin=2", "updated my profile=2", "messaged=1.5",
      "before applying=3", "before i start applying=3", "before starting to apply=3", "currently training=3",
      "training as=2", "week three=0.5", "registered for=2"
    ]
  },
  transition: {
    fr: [
      "!postul*=2", "!candidature*=2", "ma candidature=2", "!entretien*=2", "entretien d'embauche=2.5", "recruteur*=2",
      "recruteuse*=2", "recrutement", "offre d'emploi=2", "offres d'emploi=2", "offre=1", "proposé un poste=2.5",
      "proposé le poste=2.5", "promesse d'embauche=3", "!embauch*=2", "lettre de motivation=1.5", "envoyé mon cv=2",
      "!envoyé* plus de=1.5", "recherche d'emploi=2", "je recherche un poste=2.5", "recherche un poste=2.5", "cherche un poste=2",
      "je cherche un emploi=2", "!démission*=2", "!démissionn*=2", "posé ma démission=3", "préavis=2", "rupture conventionnelle=2.5",
      "je commence=0.5", "je commence le=2", "je commence chez=2.5", "je démarre=2", "démarre le=1.5", "!commencer lundi=2", "!signé=1.5",
      "!signé mon contrat=3", "contrat=1", "accepté le poste=2.5", "j'ai accepté=2", "deuxième entretien=2.5",
      "premier entretien=2", "réponses négatives=2", "réponse négative=2", "rappeler=1", "doit me rappeler=2", "croise les doigts=1",
      "dernier tour=1.5", "poste de=1", "pour le poste=2", "au poste=1", "vous rencontrer=2", "je vous adresse=2",
      "madame monsieur=1.5", "votre équipe=1.5", "votre entreprise=1.5", "vos missions=1.5",
      "contribuer à=1", "déménagement", "trouver un logement", "mois prochain=1", "le mois prochain=1", "entretien demain=2.5",
      "été embauché*=3", "premier jour=2.5", "disponible immédiatement=2", "pour un poste=1.5", "embauchée=2", "embauché=2", "décroché*=2", "m'ont rappelé*=2",
      "le poste est pour moi=3", "j'ai le poste=3", "c'est signé=2", "conduite d'entretiens=0", "mener des entretiens=0", "retenu* pour le poste=3", "entretien final=2.5"
    ],
    en: [
      "!apply*=2", "!applied=2", "!applying=2", "!application*=2", "!interview*=2", "final round=2.5", "second round=2",
      "second interview=2.5", "first interview=2", "recruiter*=2", "hiring=1.5", "hiring manager=2", "job offer=2",
      "!the offer=2", "got the offer=3", "an offer=1.5", "got the job=3", "accepted the position=3", "accepted the offer=3",
      "!accepted=1.5", "rejection*=2", "rejected=1.5", "handed in my notice=3", "notice period=2", "!resign*=2", "quit my job=2",
      "i start on=3", "i start next=3", "start on monday=2.5", "!starting on=2", "start date=2", "first day=2.5",
      "next month=1", "job hunt*=2", "job search*=2", "!sent my cv=2", "!sent my resume=2",
      "cover letter=1.5", "position=1", "the position=1.5", "this position=1.5", "writing to apply=3", "i am writing=1.5",
      "dear hiring manager=2", "your team=1.5", "your company=1.5", "contribute=1", "seeking an=2", "seeking a=2",
      "looking for a job=2", "looking for a role=2", "entry-level role=2", "entry-level=1.5", "shortlisted=2",
      "called back=2", "negotiat* salary=2", "salary negotiation=2", "relocat*=0.5", "the move=1", "find an apartment=1.5",
      "would be delighted=1.5", "would welcome the opportunity=2", "discuss my application=2.5", "got hired=3",
      "!hired=2", "been hired=3", "starting=0.5", "final interview=2.5", "landed=1.5", "called me back=2", "the job is mine=3", "available immediately=2", "for a permanent role=2",
      "the job's mine=3", "i start in=2.5", "start in two weeks=2.5", "interviewing skills=0", "user interviews=0"
    ]
  },
  integration: {
    fr: [
      "nouveau poste=2", "mon nouveau poste=2.5", "nouvelle équipe=2", "ma nouvelle équipe=2.5", "nouveaux collègues=2",
      "nouvelle entreprise=2", "ma nouvelle entreprise=2.5", "nouvelle boîte=2", "ma nouvelle boîte=2.5", "nouveau métier=2",
      "mes marques=2.5", "prendre mes marques=3", "je prends mes marques=3", "prends peu à peu mes marques=3", "intégration=2",
      "m'intégrer=2", "période d'essai=2.5", "premières semaines=2", "première semaine=1.5", "premier mois=2",
      "premiers mois=2", "depuis que j'ai commencé=3", "depuis mon arrivée=3", "depuis que j'ai changé=2.5", "je m'adapte=2.5",
      "m'adapte=2", "m'adapter=1.5", "trouver ma place=2", "trouvé ma place=2.5", "à ma place=1.5", "onboarding=2",
      "m'a très bien accueilli*=2.5", "bien accueilli*=2", "mon manager=0.5", "ma manager=0.5", "mes collègues=1",
      "mois après ma reconversion=3", "après ma reconversion=2.5", "depuis ma reconversion=3", "depuis mon changement=2.5",
      "mon changement de poste=2", "je ne regrette rien=1.5", "ne regrette pas=1.5", "culture de l'entreprise=1.5",
      "j'ai commencé mon nouveau=3", "depuis deux mois=1.5", "depuis trois mois=1.5",
      "depuis six mois=1.5", "dans ma nouvelle=2", "dans mon nouveau=2", "j'ai rejoint=2.5", "que j'ai rejoint=3", "que j'ai commencé=3",
      "depuis mon embauche=3", "depuis que je suis arrivé*=3", "deuxième semaine=2", "mon ancien poste=1.5",
      "sauté le pas=1.5", "nouvelle vie=1", "je m'intègre=3", "m'intègre=2.5", "aucun regret=1.5",
      "pas de regret=1.5", "un an après=2", "mois après=2", "mon nouveau manager=2.5", "nouveau manager=2"
    ],
    en: [
      "new role=2", "my new role=2.5", "new team=2", "new colleagues=2", "new company=2", "the new company=2.5", "new job=1.5",
      "new career=2", "my new career=2.5", "new position=2", "settling in=3", "settle in=2.5", "settled in=2.5",
      "first weeks=2", "first few weeks=2", "first month=2", "first months=2", "one month into=3", "months into=3",
      "weeks into=3", "months in=2.5", "weeks in=2.5", "onboarding=2", "probation=2.5", "probation period=2.5",
      "trial period=2.5", "getting used to=2", "adapting=2.5", "adapt to=1.5", "fitting in=2.5", "fit in=1.5",
      "learning the ropes=3", "finding my feet=3", "found my feet=3", "find my place=2", "found my place=2.5",
      "my manager=0.5", "my colleagues=1", "since i started=3", "since i switched=3", "since i changed=3", "since my career change=3",
      "since i joined=3", "don't regret=1.5", "do not regret=1.5", "no regrets=1.5", "at the new company=2.5",
      "new workplace=2", "internal tools=1.5", "other departments=1.5", "build relationships=1", "checks in=1",
      "really welcoming=1.5", "welcoming=1", "second week=2", "since i joined=3", "my old job=1.5",
      "took the leap=1.5", "coworkers=1", "co-workers=1", "my new manager=2.5", "new manager=2",
      "a year after=2", "months after=2", "i belong=2", "first month as=2.5"
    ]
  }
}

/** Added to a stage's score by the text's kind: a cover letter is written to apply. */
export const KIND_PRIORS: { readonly [K in TextKind]: { readonly [S in Stage]?: number } } = {
  cv_summary: { preparation: 0.75, transition: 0.5 },
  cover_letter: { transition: 2 },
  journal: { exploration: 0.25 },
  coach_chat: { exploration: 0.25 }
}

/** The stage given when a text has no cue at all (confidence then stays low). */
export const DEFAULT_STAGE: { readonly [K in TextKind]: Stage } = {
  cv_summary: "preparation",
  cover_letter: "transition",
  journal: "exploration",
  coach_chat: "exploration"
}
