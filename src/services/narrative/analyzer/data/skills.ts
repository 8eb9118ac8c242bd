/**
 * Skills, each under one canonical English label with its French and English names. Only
 * competences named as such count (a job title alone does not: "comptable" is not "accounting").
 * Cue syntax: lexicon/pattern.ts; `cased`: only when written with a capital ("Excel", not "excel at").
 * Source: written for Luna Hub (labels follow common usage in ESCO and job boards; no list copied).
 * Licence: this project's own.
 */

export interface SkillEntry {
  readonly name: string
  readonly fr?: ReadonlyArray<string>
  readonly en?: ReadonlyArray<string>
  readonly any?: ReadonlyArray<string>
  readonly cased?: boolean
}

export const SKILLS: ReadonlyArray<SkillEntry> = [
  // Management and organisation
  { name: "project management", fr: ["gestion de projet", "gestion de projets", "gestion des projets", "pilotage de projet*", "conduite de projet*", "management de projet*"], en: ["project management", "managing projects", "project manager skills"] },
  { name: "team management", fr: ["management d'équipe", "gestion d'équipe", "encadrement d'équipe", "encadrement", "manager une équipe", "gérer une équipe"], en: ["team management", "people management", "managing a team", "managing teams", "line management"] },
  { name: "leadership", fr: ["leadership"], en: ["leadership", "team leadership", "leading teams"] },
  { name: "change management", fr: ["conduite du changement", "gestion du changement", "accompagnement du changement"], en: ["change management"] },
  { name: "agile", fr: ["méthodes agiles", "méthode agile", "méthodologie agile", "agilité"], en: ["agile", "agile methods", "agile methodology", "agile methodologies"], any: ["scrum", "kanban"] },
  { name: "budgeting", fr: ["gestion budgétaire", "gestion de budget", "gestion du budget", "élaboration budgétaire", "budgétisation"], en: ["budgeting", "budget management", "managing budgets"] },
  { name: "process improvement", fr: ["amélioration continue", "amélioration des processus", "optimisation des processus"], en: ["process improvement", "continuous improvement", "process optimisation", "process optimization"], any: ["lean"] },
  { name: "logistics", fr: ["logistique"], en: ["logistics"] },
  { name: "supply chain", fr: ["chaîne d'approvisionnement", "supply chain"], en: ["supply chain"] },
  { name: "time management", fr: ["gestion du temps", "gestion des priorités"], en: ["time management", "prioritisation", "prioritization"] },
  { name: "event planning", fr: ["organisation d'événements", "organisation d'évènements", "événementiel", "évènementiel"], en: ["event planning", "event management", "organising events", "organizing events"] },
  { name: "workshop facilitation", fr: ["animation d'ateliers", "animation d'atelier", "animer des ateliers", "facilitation"], en: ["workshop facilitation", "facilitation", "facilitating workshops", "running workshops"] },

  // Relationship and communication
  { name: "communication", fr: ["communication", "communication écrite", "communication orale"], en: ["communication", "communication skills", "written communication", "verbal communication"] },
  { name: "public speaking", fr: ["prise de parole en public", "prise de parole", "parler en public"], en: ["public speaking", "presenting", "presentation skills"] },
  { name: "negotiation", fr: ["négociation", "négocier"], en: ["negotiation", "negotiating", "vendor negotiation"] },
  { name: "conflict resolution", fr: ["gestion des conflits", "résolution de conflits", "résolution des conflits", "médiation"], en: ["conflict resolution", "conflict management", "mediation"] },
  { name: "customer service", fr: ["service client", "service clients", "accueil client", "accueil des clients"], en: ["customer service", "customer support", "client service"] },
  { name: "customer relations", fr: ["relation client", "relations clients", "relation clientèle", "gestion de la relation client"], en: ["customer relations", "customer relationship*", "client relations", "client relationship*", "account management"] },
  { name: "customer retention", fr: ["fidélisation client", "fidélisation des clients", "fidélisation"], en: ["customer retention", "client retention"] },
  { name: "sales", fr: ["vente", "ventes", "techniques de vente", "développement commercial"], en: ["sales", "selling", "business development"] },
  { name: "prospecting", fr: ["prospection", "prospecter"], en: ["prospecting", "lead generation", "cold calling"] },
  { name: "recruitment", fr: ["recrutement", "sourcing de candidats"], en: ["recruitment", "recruiting", "talent acquisition"] },
  { name: "coaching", fr: ["accompagnement individuel", "coaching"], en: ["coaching", "mentoring"] },
  { name: "teaching", fr: ["enseignement", "pédagogie", "enseigner"], en: ["teaching", "pedagogy", "tutoring"] },
  { name: "training delivery", fr: ["animation de formations", "animer des formations", "conception de formations"], en: ["training delivery", "delivering training", "corporate training"] },
  { name: "curriculum development", fr: ["ingénierie pédagogique", "conception pédagogique", "élaboration de programmes"], en: ["curriculum development", "curriculum design"] },
  { name: "instructional design", fr: ["design pédagogique"], en: ["instructional design", "learning design"] },
  { name: "e-learning", fr: ["e-learning", "formation en ligne", "digital learning"], en: ["e-learning", "elearning", "online learning design"] },
  { name: "writing", fr: ["rédaction", "rédactionnel*", "écriture"], en: ["writing skills", "copywriting", "content writing", "technical writing", "creative writing"] },
  { name: "translation", fr: ["traduction"], en: ["translation", "translating"] },
  { name: "English", fr: ["anglais", "anglais courant", "anglais professionnel"], en: ["fluent english", "english language"] },
  { name: "French", fr: ["français courant"], en: ["fluent french", "french language"] },
  { name: "Spanish", fr: ["espagnol"], en: ["spanish"] },
  { name: "German", fr: ["allemand"], en: ["german language", "fluent german"] },

  // Data and digital
  { name: "data analysis", fr: ["analyse de données", "analyse des données", "data analyse", "analyse data", "analyste de données"], en: ["data analysis", "data analytics", "analysing data", "analyzing data", "data analyst skills"] },
  { name: "data visualization", fr: ["visualisation de données", "data visualisation", "dataviz"], en: ["data visualization", "data visualisation", "dataviz"] },
  { name: "statistics", fr: ["statistique", "statistiques"], en: ["statistics", "statistical analysis"] },
  { name: "mathematics", fr: ["mathématiques", "maths"], en: ["mathematics", "math", "maths"] },
  { name: "machine learning", fr: ["apprentissage automatique", "machine learning"], en: ["machine learning", "deep learning"] },
  { name: "SQL", any: ["sql", "mysql", "postgresql"] },
  { name: "Python", any: ["python"] },
  { name: "JavaScript", any: ["javascript", "typescript", "js"] },
  { name: "Java", any: ["java"], cased: true },
  { name: "Excel", any: ["excel", "tableur"], cased: true },
  { name: "Tableau", any: ["tableau"], cased: true },
  { name: "Power BI", any: ["power bi", "powerbi"] },
  { name: "Salesforce", any: ["salesforce"] },
  { name: "SAP", any: ["sap"], cased: true },
  { name: "Figma", any: ["figma"] },
  { name: "web development", fr: ["développement web", "développeur web", "développeuse web", "développement front*", "développement back*", "full stack", "full-stack", "fullstack"], en: ["web development", "web developer", "full-stack", "full stack", "fullstack", "front-end development", "frontend development", "back-end development", "backend development"] },
  { name: "web development", any: ["react", "angular", "vuejs", "html", "css"], cased: true },
  { name: "web development", fr: ["site web", "sites web", "site internet"], en: ["website", "websites", "web app", "web apps"] },
  { name: "software development", fr: ["développement logiciel", "programmation", "coder"], en: ["software development", "software engineering", "programming", "coding"] },
  { name: "UX design", fr: ["design ux", "ux design", "ux designer", "ux designers", "ux designeuse", "expérience utilisateur", "ux/ui"], en: ["ux design", "ux designer", "ux designers", "user experience", "ux/ui", "ui/ux"] },
  { name: "user research", fr: ["recherche utilisateur", "recherches utilisateurs", "tests utilisateurs"], en: ["user research", "usability testing", "user testing", "user interviews"] },
  { name: "prototyping", fr: ["prototypage", "maquettage"], en: ["prototyping", "wireframing", "wireframes"] },
  { name: "graphic design", fr: ["graphisme", "design graphique", "pao"], en: ["graphic design"], any: ["photoshop", "illustrator", "indesign"] },
  { name: "digital marketing", fr: ["marketing digital", "marketing numérique", "webmarketing", "web marketing"], en: ["digital marketing", "online marketing", "growth marketing"] },
  { name: "marketing", fr: ["marketing"], en: ["marketing"] },
  { name: "SEO", fr: ["référencement naturel", "référencement"], any: ["seo"] },
  { name: "social media", fr: ["réseaux sociaux", "community management", "gestion des réseaux sociaux"], en: ["social media", "community management"] },
  { name: "content creation", fr: ["création de contenu", "création de contenus"], en: ["content creation", "content strategy"] },
  { name: "IT support", fr: ["support informatique", "support technique", "assistance informatique"], en: ["it support", "technical support", "help desk", "helpdesk"] },
  { name: "cybersecurity", fr: ["cybersécurité", "sécurité informatique"], en: ["cybersecurity", "cyber security", "information security"] },

  // Finance, law, administration
  { name: "accounting", fr: ["comptabilité", "comptabilité générale"], en: ["accounting", "bookkeeping"] },
  { name: "financial analysis", fr: ["analyse financière", "contrôle de gestion"], en: ["financial analysis", "financial modelling", "financial modeling", "fp&a"] },
  { name: "payroll", fr: ["gestion de la paie", "gestion de paie"], en: ["payroll"] },
  { name: "legal research", fr: ["veille juridique", "recherche juridique"], en: ["legal research"] },
  { name: "compliance", fr: ["conformité"], en: ["compliance", "regulatory compliance"] },
  { name: "administration", fr: ["gestion administrative", "secrétariat", "assistanat"], en: ["office administration", "administrative support"] },
  { name: "purchasing", fr: ["achats", "approvisionnement"], en: ["purchasing", "procurement"] },
  { name: "quality management", fr: ["gestion de la qualité", "assurance qualité", "contrôle qualité"], en: ["quality management", "quality assurance", "quality control"] },

  // Care, trades, hospitality
  { name: "nursing care", fr: ["soins infirmiers"], en: ["nursing care", "patient care"] },
  { name: "first aid", fr: ["premiers secours", "sst"], en: ["first aid", "cpr"] },
  { name: "cooking", fr: ["cuisine"], en: ["cooking", "culinary skills"] },
  { name: "carpentry", fr: ["menuiserie", "ébénisterie"], en: ["carpentry", "woodworking", "joinery"] },
  { name: "problem solving", fr: ["résolution de problèmes", "résolution des problèmes"], en: ["problem solving", "problem-solving"] },
  { name: "teamwork", fr: ["travail en équipe", "esprit d'équipe"], en: ["teamwork", "team player"] },
  { name: "organisation", fr: ["sens de l'organisation", "organisation du travail", "rigueur"], en: ["organisational skills", "organizational skills", "attention to detail"] }
]
