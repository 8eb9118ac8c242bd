/**
 * Skills, each under one canonical English label with its French and English names.
 * - Skill names ("gestion de projet", "SQL") cross languages: every one applies to every text.
 * - Occupations (`occupation: true`: "infirmière", "accountant", "lawyer") name the skill of the
 *   trade the writer practises or practised, in their own language only; not when they name a goal
 *   ("devenir infirmière", "retrain as a nurse", "nursing programs": skills.ts reads the context).
 * - `cased`: only when written with a capital ("Excel", not "excel at").
 * - An entry named "" blocks a shorter one inside it ("centre commercial" is not sales).
 * Cue syntax: lexicon/pattern.ts.
 * Source: written for Luna Hub (labels follow common usage in ESCO and job boards; no list copied).
 * Licence: this project's own.
 */

export interface SkillEntry {
  readonly name: string
  readonly fr?: ReadonlyArray<string>
  readonly en?: ReadonlyArray<string>
  readonly any?: ReadonlyArray<string>
  readonly cased?: boolean
  /**
   * "title": a job title ("infirmière", "accountant"), the writer's trade unless it names a goal or
   * someone else; "field": a trade's name ("nursing"), the writer's unless it names a goal.
   */
  readonly occupation?: "title" | "field"
}

export const SKILLS: ReadonlyArray<SkillEntry> = [
  // Management and organisation
  { name: "project management", fr: ["gestion de projet", "gestion de projets", "gestion des projets", "pilotage de projet*", "conduite de projet*", "management de projet*", "coordination de projet*", "piloté des projets", "piloter des projets"], en: ["project management", "managing projects", "managed projects", "project manager skills", "project coordination"] },
  { name: "project management", any: ["pmp", "prince2"], cased: true },
  { name: "project management", occupation: "title", fr: ["chef de projet", "cheffe de projet", "chefs de projet", "cheffes de projet"], en: ["project manager", "project managers"] },
  { name: "product management", fr: ["gestion de produit"], en: ["product management"] },
  { name: "product management", occupation: "title", fr: ["chef de produit", "cheffe de produit"], en: ["product manager", "product managers"] },
  { name: "team management", fr: ["management d'équipe", "management d'équipes"], en: ["team management"] },
  { name: "management", fr: ["gestion d'équipe", "gestion d'équipes", "gestion des équipes", "encadrement", "manager une équipe", "gérer une équipe", "managé des équipes", "encadré des équipes"], en: ["people management", "managing a team", "managing teams", "managed a team", "managed teams", "line management", "staff management"] },
  { name: "management", occupation: "title", fr: ["responsable de rayon", "chef de rayon", "cheffe de rayon"], en: ["assistant manager", "shift manager"] },
  { name: "operations management", fr: ["gestion des opérations", "pilotage des opérations"], en: ["operations management"] },
  { name: "retail management", fr: ["gestion de magasin", "gestion de boutique"], en: ["retail management", "store management"] },
  { name: "retail management", occupation: "title", fr: ["responsable de magasin", "directeur de magasin", "directrice de magasin", "gérant de magasin", "gérante de magasin"], en: ["store manager", "retail manager", "retail store manager"] },
  { name: "leadership", fr: ["leadership", "chef d'équipe", "cheffe d'équipe"], en: ["leadership", "team leadership", "leading teams", "led teams", "led a team", "leading a team", "team leader", "team lead", "squad leader", "led # person team", "led # person teams"] },
  { name: "change management", fr: ["conduite du changement", "gestion du changement", "accompagnement du changement"], en: ["change management"] },
  { name: "agile", fr: ["méthodes agiles", "méthode agile", "méthodologie agile", "agilité"], en: ["agile", "agile methods", "agile methodology", "agile methodologies"], any: ["scrum", "kanban"] },
  { name: "budgeting", fr: ["gestion budgétaire", "gestion de budget", "gestion du budget", "élaboration budgétaire", "budgétisation"], en: ["budgeting", "budget management", "managing budgets"] },
  { name: "process improvement", fr: ["amélioration continue", "amélioration des processus", "optimisation des processus"], en: ["process improvement", "continuous improvement", "process optimisation", "process optimization"], any: ["lean"] },
  { name: "lean six sigma", any: ["lean six sigma", "six sigma"] },
  { name: "logistics", fr: ["logistique"], en: ["logistics"] },
  { name: "supply chain", fr: ["chaîne d'approvisionnement", "supply chain"], en: ["supply chain"] },
  { name: "procurement", fr: ["achats", "approvisionnement", "approvisionnements", "gestion des approvisionnements"], en: ["purchasing", "procurement"] },
  { name: "procurement", occupation: "title", fr: ["acheteur", "acheteuse"], en: ["buyer", "procurement officer"] },
  { name: "inventory management", fr: ["gestion des stocks", "gestion de stock", "gestion de stocks", "inventaire", "inventaires"], en: ["inventory management", "inventory", "stock management", "stock control"] },
  { name: "scheduling", fr: ["gestion des plannings", "gestion du planning", "plannings", "planification"], en: ["scheduling", "rostering"] },
  { name: "time management", fr: ["gestion du temps", "gestion des priorités"], en: ["time management", "prioritisation", "prioritization"] },
  { name: "event planning", fr: ["organisation d'événements", "organisation d'évènements", "événementiel", "évènementiel"], en: ["event planning", "event management", "organising events", "organizing events"] },
  { name: "event planning", occupation: "title", fr: ["chargé d'événementiel", "chargée d'événementiel"], en: ["event planner", "event manager", "event coordinator"] },
  { name: "workshop facilitation", fr: ["animation d'ateliers", "animation d'atelier", "animer des ateliers", "animé des ateliers", "facilitation"], en: ["workshop facilitation", "facilitation", "facilitating workshops", "running workshops", "ran workshops"] },

  // Relationship and communication
  { name: "communication", fr: ["communication", "communication écrite", "communication orale"], en: ["communication", "communication skills", "written communication", "verbal communication"] },
  { name: "public speaking", fr: ["prise de parole en public", "prise de parole", "prendre la parole", "pris la parole", "prenant la parole", "parler en public", "parlé en public"], en: ["public speaking", "presenting", "presentation skills", "speaking in public"] },
  { name: "negotiation", fr: ["négociation", "négocier", "négociations"], en: ["negotiation", "negotiating", "vendor negotiation", "negotiations"] },
  { name: "conflict resolution", fr: ["résolution de conflits", "résolution des conflits", "médiation"], en: ["conflict resolution", "mediation"] },
  { name: "conflict management", fr: ["gestion des conflits", "gestion de conflits"], en: ["conflict management", "managing conflict"] },
  { name: "customer service", fr: ["service client", "service clients", "accueil client", "accueil des clients", "sens du service client", "service à la clientèle"], en: ["customer service", "customer support", "client service", "customer care"] },
  { name: "customer service", occupation: "title", fr: ["conseiller clientèle", "conseillère clientèle", "chargé de clientèle", "chargée de clientèle", "téléconseiller", "téléconseillère"], en: ["customer service representative", "customer service agent", "call center agent", "call centre agent"] },
  { name: "customer relations", fr: ["relation client", "relations clients", "relation clientèle", "gestion de la relation client"], en: ["customer relations", "customer relationship*", "client relations", "client relationship*", "account management"] },
  { name: "customer retention", fr: ["fidélisation client", "fidélisation des clients", "fidélisation"], en: ["customer retention", "client retention"] },
  { name: "sales", fr: ["vente", "ventes", "techniques de vente", "développement commercial"], en: ["sales", "selling", "business development"] },
  { name: "sales", occupation: "title", fr: ["commercial", "commerciale", "commerciaux", "vendeur", "vendeuse", "vendeurs", "vendeuses", "ingénieur commercial", "ingénieure commerciale", "technico-commercial", "technico-commerciale"], en: ["salesman", "saleswoman", "salesperson", "sales rep", "sales representative", "account executive", "sales associate"] },
  { name: "", fr: ["centre commercial", "centres commerciaux", "bail commercial"], any: ["r d"] },
  { name: "sales", fr: ["directeur commercial", "directrice commerciale"] },
  { name: "prospecting", fr: ["prospection", "prospecter"], en: ["prospecting", "lead generation", "cold calling"] },
  { name: "recruitment", fr: ["recrutement", "sourcing de candidats"], en: ["recruitment", "recruiting", "talent acquisition"] },
  { name: "recruitment", occupation: "title", fr: ["recruteur", "recruteuse", "chargé de recrutement", "chargée de recrutement"], en: ["recruiter", "recruiters", "talent acquisition specialist"] },
  { name: "coaching", fr: ["accompagnement individuel", "coaching"], en: ["coaching", "one-to-one coaching"] },
  { name: "mentoring", fr: ["mentorat", "tutorat", "former les stagiaires", "former des stagiaires", "encadrer des stagiaires", "encadrement des stagiaires", "former les nouveaux"], en: ["mentoring", "mentored", "mentorship", "training new hires", "trained new hires", "onboarding new hires"] },
  { name: "teaching", fr: ["enseignement", "pédagogie", "enseigner", "j'ai enseigné", "ai enseigné"], en: ["teaching", "pedagogy", "tutoring", "taught a", "taught my", "taught at", "taught in", "taught high school", "taught middle school", "taught classes"] },
  { name: "teaching", occupation: "title", fr: ["professeur", "professeure", "professeurs", "prof", "enseignant", "enseignante", "enseignants", "instituteur", "institutrice", "professeur des écoles", "professeure des écoles", "formateur", "formatrice", "formateurs"], en: ["teacher", "teachers", "schoolteacher", "lecturer", "instructor"] },
  { name: "training delivery", fr: ["animation de formations", "animer des formations", "conception de formations"], en: ["training delivery", "delivering training", "corporate training"] },
  { name: "curriculum development", fr: ["ingénierie pédagogique", "conception pédagogique", "élaboration de programmes"], en: ["curriculum development", "curriculum design"] },
  { name: "instructional design", fr: ["design pédagogique"], en: ["instructional design", "learning design"] },
  { name: "instructional design", occupation: "title", fr: ["concepteur pédagogique", "conceptrice pédagogique"], en: ["instructional designer", "learning designer"] },
  { name: "articulate storyline", any: ["articulate storyline", "articulate 360"] },
  { name: "e-learning", fr: ["e-learning", "formation en ligne", "digital learning"], en: ["e-learning", "elearning", "online learning design"] },
  { name: "writing", fr: ["rédaction", "rédactionnel*", "écriture"], en: ["writing skills", "copywriting", "content writing", "technical writing", "creative writing"] },
  { name: "writing", occupation: "title", fr: ["rédacteur", "rédactrice", "rédacteur web", "rédactrice web"], en: ["copywriter", "content writer", "technical writer"] },
  { name: "academic writing", fr: ["rédaction scientifique", "publications scientifiques", "articles scientifiques"], en: ["academic writing", "scientific writing", "peer-reviewed", "peer reviewed"] },
  { name: "research", fr: ["recherche scientifique", "recherche académique", "recherche universitaire"], en: ["policy research", "scientific research", "academic research", "research skills"] },
  { name: "research", occupation: "title", fr: ["chercheur", "chercheuse", "chercheurs", "post-doctorant", "post-doctorante", "postdoc"], en: ["researcher", "researchers", "postdoctoral researcher", "postdoc", "research scientist", "research assistant"] },
  { name: "translation", fr: ["traduction", "traductions"], en: ["translation", "translating"] },
  { name: "translation", occupation: "title", fr: ["traducteur", "traductrice", "interprète"], en: ["translator", "interpreter"] },
  { name: "English", fr: ["anglais", "anglais courant", "anglais professionnel", "anglais bilingue"], en: ["fluent english", "english language", "business english"] },
  { name: "French", fr: ["français courant"], en: ["fluent french", "french language"] },
  { name: "Spanish", fr: ["espagnol"], en: ["spanish"] },
  { name: "German", fr: ["allemand"], en: ["german language", "fluent german"] },

  // Data and digital
  { name: "data analysis", fr: ["analyse de données", "analyse des données", "data analyse", "analyse data", "analyste de données", "analyser des données"], en: ["data analysis", "data analytics", "analysing data", "analyzing data", "analyzing large datasets", "analysing large datasets", "analyzing datasets", "analysing datasets", "data analyst skills"] },
  { name: "data analysis", occupation: "title", fr: ["data analyst", "data analysts"], en: ["data analyst", "data analysts"] },
  { name: "data science", fr: ["science des données", "data science"], en: ["data science"] },
  { name: "data science", occupation: "title", fr: ["data scientist", "data scientists"], en: ["data scientist", "data scientists"] },
  { name: "data engineering", fr: ["ingénierie des données", "data engineering"], en: ["data engineering"] },
  { name: "data engineering", occupation: "title", fr: ["data engineer", "ingénieur data", "ingénieure data", "ingénieur de données", "ingénieure de données"], en: ["data engineer", "data engineers"] },
  { name: "data visualization", fr: ["visualisation de données", "data visualisation", "dataviz"], en: ["data visualization", "data visualisation", "dataviz"] },
  { name: "statistics", fr: ["statistique", "statistiques"], en: ["statistics", "statistical analysis"] },
  { name: "mathematics", fr: ["mathématiques", "bases en maths", "niveau en maths", "bases en mathématiques"], en: ["mathematics", "math background", "maths background", "math skills", "maths skills"] },
  { name: "machine learning", fr: ["apprentissage automatique", "machine learning"], en: ["machine learning", "deep learning"] },
  { name: "SQL", any: ["sql", "mysql", "postgresql"] },
  { name: "Python", any: ["python", "pandas"] },
  { name: "R", any: ["r", "rstudio"], cased: true },
  { name: "JavaScript", any: ["javascript", "typescript", "js", "nodejs"] },
  { name: "Java", any: ["java"], cased: true },
  { name: "Excel", any: ["excel", "tableur"], cased: true },
  { name: "Tableau", any: ["tableau"], cased: true },
  { name: "Power BI", any: ["power bi", "powerbi"] },
  { name: "Salesforce", any: ["salesforce"] },
  { name: "SAP", any: ["sap"], cased: true },
  { name: "QuickBooks", any: ["quickbooks"] },
  { name: "Epic", any: ["epic clarity", "epic ehr", "epic emr", "epic systems", "epic certified", "epic certification"] },
  { name: "Figma", any: ["figma"] },
  { name: "AWS", any: ["aws", "amazon web services"] },
  { name: "Azure", any: ["azure"], cased: true },
  { name: "Google Cloud", any: ["google cloud", "gcp"] },
  { name: "Google Ads", any: ["google ads", "adwords"] },
  { name: "Google Analytics", any: ["google analytics"] },
  { name: "React", any: ["react", "reactjs"], cased: true },
  { name: "web development", any: ["react", "reactjs", "angular", "vuejs"], cased: true },
  { name: "HTML", any: ["html", "html5"] },
  { name: "CSS", any: ["css", "css3"] },
  { name: "web development", fr: ["développement web", "développeur web", "développeuse web", "développement front*", "développement back*", "full stack", "full-stack", "fullstack"], en: ["web development", "web developer", "full-stack", "full stack", "fullstack", "front-end development", "frontend development", "back-end development", "backend development", "front-end developer", "frontend developer", "back-end developer", "backend developer"] },
  { name: "web development", fr: ["site web", "sites web", "site internet"], en: ["website", "websites", "web app", "web apps"] },
  { name: "web design", fr: ["web design", "webdesign", "web designer", "webdesigner", "conception de sites"], en: ["web design", "web designer"], any: ["wix", "wordpress", "squarespace"] },
  { name: "software development", fr: ["développement logiciel"], en: ["software development", "software engineering"] },
  { name: "software development", occupation: "title", fr: ["développeur logiciel", "développeuse logiciel", "ingénieur logiciel", "ingénieure logiciel"], en: ["software developer", "software engineer", "software engineers"] },
  { name: "programming", fr: ["programmation", "programmer"], en: ["programming", "writing code", "write code", "wrote code"] },
  { name: "UX design", fr: ["design ux", "ux design", "ux designer", "ux designers", "ux designeuse", "expérience utilisateur", "ux/ui", "ui/ux", "design ux/ui"], en: ["ux design", "ux designer", "ux designers", "user experience", "ux/ui", "ui/ux", "ux/ui design", "ui/ux design"] },
  { name: "user research", fr: ["recherche utilisateur", "recherches utilisateurs", "tests utilisateurs"], en: ["user research", "usability testing", "user testing", "user interviews"] },
  { name: "user research", occupation: "title", fr: ["ux researcher"], en: ["ux researcher", "user researcher"] },
  { name: "prototyping", fr: ["prototypage", "maquettage"], en: ["prototyping", "wireframing", "wireframes"] },
  { name: "graphic design", fr: ["graphisme", "design graphique", "pao"], en: ["graphic design", "logo design", "designing logos", "branding design"], any: ["photoshop", "illustrator", "indesign", "canva"] },
  { name: "graphic design", occupation: "title", fr: ["graphiste", "graphistes"], en: ["graphic designer", "graphic designers"] },
  { name: "digital marketing", fr: ["marketing digital", "marketing numérique", "webmarketing", "web marketing", "marketing en ligne"], en: ["digital marketing", "online marketing", "growth marketing", "inbound marketing", "performance marketing"] },
  { name: "marketing", fr: ["marketing"], en: ["marketing"] },
  { name: "email marketing", fr: ["emailing", "e-mailing", "marketing par e-mail", "campagnes e-mail*"], en: ["email marketing", "e-mail marketing", "emailing", "email campaigns"] },
  { name: "SEO", fr: ["référencement naturel", "référencement"], any: ["seo"] },
  { name: "social media", fr: ["réseaux sociaux", "community management", "gestion des réseaux sociaux"], en: ["social media", "community management"] },
  { name: "content creation", fr: ["création de contenu", "création de contenus"], en: ["content creation", "content strategy"] },
  { name: "visual merchandising", fr: ["merchandising", "visual merchandising"], en: ["visual merchandising", "merchandising"] },
  { name: "visual merchandising", occupation: "title", fr: ["visual merchandiser", "étalagiste"], en: ["visual merchandiser", "visual merchandisers"] },
  { name: "IT support", fr: ["support informatique", "assistance informatique"], en: ["it support", "help desk", "helpdesk", "desktop support"] },
  { name: "technical support", fr: ["support technique"], en: ["technical support", "tech support"] },
  { name: "technical support", occupation: "title", fr: ["technicien support", "technicienne support", "technicien de support", "technicienne de support"], en: ["support technician", "support engineer"] },
  { name: "computer networking", fr: ["réseaux informatiques", "réseau informatique", "administration réseau", "administration réseaux", "administrateur réseau"], en: ["computer networking", "networking protocols", "network administration", "network engineering"], any: ["ccna", "tcp/ip"] },
  { name: "cybersecurity", fr: ["cybersécurité", "sécurité informatique"], en: ["cybersecurity", "cyber security", "information security", "infosec"], any: ["comptia security"] },
  { name: "cloud engineering", fr: ["cloud engineering"], en: ["cloud engineering", "cloud computing"] },
  { name: "cloud engineering", occupation: "title", fr: ["cloud engineer", "ingénieur cloud", "ingénieure cloud"], en: ["cloud engineer", "cloud engineers"] },

  // Finance, law, administration
  { name: "accounting", fr: ["comptabilité", "comptabilité générale"], en: ["accounting"] },
  { name: "accounting", occupation: "title", fr: ["comptable", "comptables", "expert-comptable", "experte-comptable", "aide-comptable"], en: ["accountant", "accountants"] },
  { name: "bookkeeping", fr: ["tenue de comptabilité", "tenue comptable"], en: ["bookkeeping"] },
  { name: "bookkeeping", occupation: "title", en: ["bookkeeper", "bookkeepers"] },
  { name: "financial analysis", fr: ["analyse financière"], en: ["financial analysis", "financial modelling", "financial modeling", "fp&a"] },
  { name: "financial control", fr: ["contrôle de gestion"], en: ["financial control", "management control"] },
  { name: "financial control", occupation: "title", fr: ["contrôleur de gestion", "contrôleuse de gestion"], en: ["financial controller", "financial controllers"] },
  { name: "audit", fr: ["audit", "audits", "audit financier", "audit interne"], en: ["audit", "auditing", "internal audit"] },
  { name: "audit", occupation: "title", fr: ["auditeur", "auditrice", "auditeurs"], en: ["auditor", "auditors"] },
  { name: "payroll", fr: ["gestion de la paie", "gestion de paie"], en: ["payroll"] },
  { name: "underwriting", fr: ["souscription"], en: ["underwriting"] },
  { name: "underwriting", occupation: "title", fr: ["souscripteur", "souscriptrice"], en: ["underwriter", "underwriters"] },
  { name: "insurance", fr: ["secteur de l'assurance", "en assurance", "courtage en assurance"], en: ["insurance sales", "insurance brokerage"] },
  { name: "insurance", occupation: "title", fr: ["assureur", "courtier en assurance", "courtière en assurance", "agent d'assurance"], en: ["insurance agent", "insurance broker"] },
  { name: "legal research", fr: ["veille juridique", "recherche juridique"], en: ["legal research"] },
  { name: "employment law", fr: ["droit social", "droit du travail"], en: ["employment law", "labor law", "labour law"] },
  { name: "law", fr: ["droit des affaires", "droit pénal", "droit civil", "droit des contrats", "cabinet d'avocats"], en: ["law firm", "practicing law", "practising law", "practice law", "corporate law", "criminal law"] },
  { name: "law", occupation: "title", fr: ["avocat", "avocate", "avocats"], en: ["lawyer", "lawyers", "attorney", "attorneys", "public defender", "paralegal"] },
  { name: "human resources", occupation: "title", fr: ["ressources humaines"], en: ["human resources"] },
  { name: "workflow analysis", fr: ["analyse des flux de travail", "analyse de processus"], en: ["workflow analysis", "process analysis"] },
  { name: "compliance", fr: ["conformité"], en: ["compliance", "regulatory compliance"] },
  { name: "administration", fr: ["gestion administrative", "secrétariat", "assistanat"], en: ["office administration", "administrative support"] },
  { name: "quality management", fr: ["gestion de la qualité", "contrôle qualité", "management de la qualité"], en: ["quality management", "quality control"] },
  { name: "quality assurance", fr: ["assurance qualité"], en: ["quality assurance", "software testing"], any: ["qa"] },
  { name: "quality assurance", occupation: "title", fr: ["testeur", "testeuse"], en: ["qa analyst", "qa engineer", "qa tester"] },
  { name: "quality engineering", fr: ["ingénierie qualité"], en: ["quality engineering"] },
  { name: "quality engineering", occupation: "title", fr: ["ingénieur qualité", "ingénieure qualité"], en: ["quality engineer", "quality engineers"] },

  // Care, trades, hospitality
  { name: "nursing", occupation: "title", fr: ["infirmier", "infirmière", "infirmiers", "infirmières"], en: ["nurse", "nurses", "registered nurse"] },
  { name: "nursing", occupation: "field", fr: ["soins infirmiers"], en: ["nursing"] },
  { name: "patient care", fr: ["soins aux patients", "prise en charge des patients"], en: ["patient care"] },
  { name: "patient care", occupation: "title", fr: ["aide-soignant", "aide-soignante", "aides-soignants", "aides-soignantes", "auxiliaire de vie"], en: ["nursing assistant", "care assistant", "healthcare assistant", "patient care technician"] },
  { name: "social work", fr: ["travail social"], en: ["social work"] },
  { name: "social work", occupation: "title", fr: ["travailleur social", "travailleuse sociale", "assistante sociale", "assistant social", "éducateur spécialisé", "éducatrice spécialisée"], en: ["social worker", "social workers", "case worker", "caseworker"] },
  { name: "emergency medical services", fr: ["secours d'urgence"], en: ["emergency medical services"] },
  { name: "emergency medical services", occupation: "title", fr: ["ambulancier", "ambulancière"], en: ["paramedic", "paramedics", "emt"] },
  { name: "firefighting", fr: ["lutte contre l'incendie"], en: ["firefighting", "fire service"] },
  { name: "firefighting", occupation: "title", fr: ["pompier", "pompière", "pompiers", "sapeur-pompier", "sapeurs-pompiers"], en: ["firefighter", "firefighters", "fire fighter"] },
  { name: "laboratory techniques", fr: ["techniques de laboratoire", "bonnes pratiques de laboratoire"], en: ["laboratory techniques", "lab techniques"] },
  { name: "laboratory techniques", occupation: "title", fr: ["technicien de laboratoire", "technicienne de laboratoire", "laborantin", "laborantine"], en: ["lab technician", "laboratory technician", "lab tech"] },
  { name: "chemistry", fr: ["chimie"], en: ["chemistry"] },
  { name: "chemistry", occupation: "title", fr: ["chimiste"], en: ["chemist"] },
  { name: "first aid", fr: ["premiers secours", "sst"], en: ["first aid", "cpr"] },
  { name: "food safety", fr: ["hygiène alimentaire", "sécurité alimentaire", "haccp"], en: ["food safety", "food hygiene", "servsafe", "haccp"] },
  { name: "nutrition", fr: ["nutrition", "diététique"], en: ["nutrition", "clinical nutrition", "dietetics"] },
  { name: "nutrition", occupation: "title", fr: ["diététicien", "diététicienne", "nutritionniste"], en: ["dietitian", "dietician", "nutritionist"] },
  { name: "cooking", fr: ["cuisine"], en: ["cooking", "culinary skills", "culinary arts"] },
  { name: "cooking", occupation: "title", fr: ["cuisinier", "cuisinière", "cuisiniers", "chef cuisinier", "cheffe cuisinière", "commis de cuisine", "second de cuisine"], en: ["cook", "cooks", "chef", "chefs", "line cook", "sous-chef", "sous chef", "head chef", "executive chef"] },
  { name: "carpentry", fr: ["menuiserie", "ébénisterie"], en: ["carpentry", "woodworking", "joinery"] },
  { name: "carpentry", occupation: "title", fr: ["menuisier", "menuisière", "ébéniste"], en: ["carpenter", "joiner", "cabinetmaker"] },
  { name: "electrical work", fr: ["électricité du bâtiment", "travaux électriques", "électrotechnique", "habilitation électrique", "habilitations électriques"], en: ["electrical work", "electrical installation"] },
  { name: "electrical work", occupation: "title", fr: ["électricien", "électricienne", "électriciens"], en: ["electrician*"] },
  { name: "welding", fr: ["soudure", "soudage"], en: ["welding"] },
  { name: "welding", occupation: "title", fr: ["soudeur", "soudeuse"], en: ["welder", "welders"] },
  { name: "plumbing", fr: ["plomberie"], en: ["plumbing"] },
  { name: "plumbing", occupation: "title", fr: ["plombier", "plombière"], en: ["plumber", "plumbers"] },
  { name: "truck driving", fr: ["conduite poids lourd", "conduite de poids lourds", "transport routier"], en: ["truck driving", "trucking"] },
  { name: "truck driving", occupation: "title", fr: ["chauffeur poids lourd", "chauffeuse poids lourd", "conducteur poids lourd", "chauffeur routier", "routier", "chauffeur pl"], en: ["truck driver", "truck drivers", "trucker", "lorry driver", "hgv driver"] },
  { name: "tour guiding", fr: ["visites guidées"], en: ["tour guiding", "guided tours"] },
  { name: "tour guiding", occupation: "title", fr: ["guide conférencier", "guide conférencière", "guide touristique", "guide-conférencier", "guide-conférencière"], en: ["tour guide", "tour guides"] },
  { name: "pottery", fr: ["poterie", "céramique", "tournage de céramique"], en: ["pottery", "ceramics", "throwing pots"] },
  { name: "pottery", occupation: "title", fr: ["potier", "potière", "céramiste"], en: ["potter", "ceramicist"] },
  { name: "pharmacy", occupation: "field", fr: ["pharmacie d'officine"], en: ["pharmacy practice"] },
  { name: "pharmacy", occupation: "title", fr: ["pharmacien", "pharmacienne", "préparateur en pharmacie", "préparatrice en pharmacie"], en: ["pharmacist", "pharmacists", "pharmacy technician"] },
  { name: "medicine", occupation: "title", fr: ["médecin", "médecins", "médecin généraliste"], en: ["doctor", "physician", "gp"] },
  { name: "dentistry", occupation: "title", fr: ["dentiste", "chirurgien-dentiste"], en: ["dentist", "dental hygienist"] },
  { name: "midwifery", occupation: "title", fr: ["sage-femme", "sages-femmes"], en: ["midwife", "midwives"] },
  { name: "physiotherapy", occupation: "field", fr: ["kinésithérapie"], en: ["physiotherapy", "physical therapy"] },
  { name: "physiotherapy", occupation: "title", fr: ["kiné", "kinésithérapeute", "kinés"], en: ["physiotherapist", "physical therapist"] },
  { name: "speech therapy", occupation: "field", fr: ["orthophonie"], en: ["speech therapy", "speech-language pathology"] },
  { name: "speech therapy", occupation: "title", fr: ["orthophoniste"], en: ["speech therapist", "speech-language pathologist"] },
  { name: "occupational therapy", occupation: "field", fr: ["ergothérapie"], en: ["occupational therapy"] },
  { name: "occupational therapy", occupation: "title", fr: ["ergothérapeute"], en: ["occupational therapist"] },
  { name: "psychology", occupation: "field", fr: ["psychologie"], en: ["psychology"] },
  { name: "psychology", occupation: "title", fr: ["psychologue", "psychologues"], en: ["psychologist", "psychologists"] },
  { name: "counseling", occupation: "field", fr: ["relation d'aide"], en: ["counseling", "counselling"] },
  { name: "counseling", occupation: "title", fr: ["conseiller d'orientation", "conseillère d'orientation", "thérapeute"], en: ["counselor", "counsellor", "therapist", "career counselor"] },
  { name: "childcare", occupation: "field", fr: ["petite enfance", "garde d'enfants"], en: ["childcare", "early childhood education"] },
  { name: "childcare", occupation: "title", fr: ["auxiliaire de puériculture", "puéricultrice", "assistante maternelle", "éducatrice de jeunes enfants", "éducateur de jeunes enfants"], en: ["nanny", "childminder", "daycare worker", "preschool teacher"] },
  { name: "law enforcement", occupation: "field", fr: ["maintien de l'ordre"], en: ["law enforcement", "policing"] },
  { name: "law enforcement", occupation: "title", fr: ["policier", "policière", "gendarme", "gendarmes", "policiers"], en: ["police officer", "police officers", "cop", "detective"] },
  { name: "architecture", occupation: "field", fr: ["architecture"], en: ["architecture"] },
  { name: "architecture", occupation: "title", fr: ["architecte", "architectes"], en: ["architect", "architects"] },
  { name: "journalism", occupation: "field", fr: ["journalisme"], en: ["journalism"] },
  { name: "journalism", occupation: "title", fr: ["journaliste", "journalistes"], en: ["journalist", "journalists", "reporter", "reporters"] },
  { name: "photography", occupation: "field", fr: ["photographie", "photo"], en: ["photography"] },
  { name: "photography", occupation: "title", fr: ["photographe", "photographes"], en: ["photographer", "photographers"] },
  { name: "hairdressing", occupation: "field", fr: ["coiffure"], en: ["hairdressing", "hairstyling"] },
  { name: "hairdressing", occupation: "title", fr: ["coiffeur", "coiffeuse", "coiffeurs"], en: ["hairdresser", "hairstylist", "barber"] },
  { name: "mechanics", occupation: "field", fr: ["mécanique auto", "mécanique automobile"], en: ["auto repair", "car repair", "auto mechanics"] },
  { name: "mechanics", occupation: "title", fr: ["mécanicien", "mécanicienne", "garagiste"], en: ["mechanic", "mechanics", "auto mechanic"] },
  { name: "agriculture", occupation: "field", fr: ["agriculture", "maraîchage", "élevage"], en: ["agriculture", "farming"] },
  { name: "agriculture", occupation: "title", fr: ["agriculteur", "agricultrice", "maraîcher", "maraîchère", "éleveur", "éleveuse"], en: ["farmer", "farmers"] },
  { name: "baking", occupation: "field", fr: ["boulangerie-pâtisserie", "pâtisserie", "viennoiserie"], en: ["baking", "pastry"] },
  { name: "baking", occupation: "title", fr: ["boulanger", "boulangère", "pâtissier", "pâtissière"], en: ["baker", "bakers", "pastry chef"] },
  { name: "butchery", occupation: "title", fr: ["boucher", "bouchère"], en: ["butcher"] },
  { name: "floristry", occupation: "field", fr: ["art floral"], en: ["floristry", "floral design"] },
  { name: "floristry", occupation: "title", fr: ["fleuriste"], en: ["florist"] },
  { name: "real estate", occupation: "field", fr: ["immobilier", "transaction immobilière"], en: ["real estate"] },
  { name: "real estate", occupation: "title", fr: ["agent immobilier", "agente immobilière", "négociateur immobilier"], en: ["real estate agent", "realtor", "estate agent"] },
  { name: "law", occupation: "title", fr: ["notaire", "clerc de notaire"], en: ["notary"] },
  { name: "coaching", occupation: "title", fr: ["coach"], en: ["coach", "career coach", "life coach"] },
  { name: "masonry", occupation: "field", fr: ["maçonnerie"], en: ["masonry", "bricklaying"] },
  { name: "masonry", occupation: "title", fr: ["maçon", "maçonne"], en: ["mason", "bricklayer"] },
  { name: "landscaping", occupation: "field", fr: ["paysagisme", "aménagement paysager"], en: ["landscaping", "gardening"] },
  { name: "landscaping", occupation: "title", fr: ["paysagiste", "jardinier", "jardinière"], en: ["landscaper", "gardener"] },
  { name: "bartending", occupation: "field", fr: ["mixologie"], en: ["bartending", "mixology"] },
  { name: "bartending", occupation: "title", fr: ["barman", "barmaid"], en: ["bartender", "bartenders"] },
  { name: "social media", occupation: "title", fr: ["community manager"], en: ["community manager", "social media manager"] },
  { name: "civil engineering", occupation: "field", fr: ["génie civil"], en: ["civil engineering"] },
  { name: "civil engineering", occupation: "title", fr: ["ingénieur en génie civil", "ingénieure en génie civil"], en: ["civil engineer", "civil engineers"] },
  { name: "mechanical engineering", occupation: "field", fr: ["génie mécanique"], en: ["mechanical engineering"] },
  { name: "mechanical engineering", occupation: "title", fr: ["ingénieur mécanique", "ingénieure mécanique"], en: ["mechanical engineer"] },
  { name: "music", occupation: "title", fr: ["musicien", "musicienne", "professeur de musique"], en: ["musician", "musicians", "music teacher"] },
  { name: "problem solving", fr: ["résolution de problèmes", "résolution des problèmes"], en: ["problem solving", "problem-solving"] },
  { name: "teamwork", fr: ["travail en équipe", "esprit d'équipe"], en: ["teamwork", "team player"] },
  { name: "organisation", fr: ["sens de l'organisation", "organisation du travail"], en: ["organisational skills", "organizational skills", "attention to detail"] },
  // Added in 1.2.0 from the labelled training sets' common labels (this project's own)
  { name: "stakeholder management", fr: ["gestion des parties prenantes", "pilotage des parties prenantes", "coordination des parties prenantes"], en: ["stakeholder management", "managing stakeholders", "coordinating stakeholders", "stakeholder engagement", "stakeholder relations"] },
  { name: "budgeting", fr: ["suivi budgétaire", "gestion des budgets", "gestion de budgets", "gérer un budget", "géré des budgets"], en: ["managed budgets", "managing budgets", "budget planning", "budget oversight"] },
  { name: "complaint handling", fr: ["gestion des réclamations", "traitement des réclamations", "gérer les plaintes", "gestion des plaintes", "traitement des plaintes"], en: ["complaint handling", "handling complaints", "complaints handling", "handled complaints", "dealing with complaints"] },
  { name: "staff training", fr: ["formation du personnel", "formation des nouveaux", "former les nouveaux", "formé les nouveaux", "former des équipes", "formé des équipes", "formation des équipes"], en: ["staff training", "trained new staff", "training new staff", "training new hires", "trained new hires", "onboarding and training", "training staff", "trained staff"] },
  { name: "cleaning", fr: ["ménage", "ménages", "nettoyage", "entretien des locaux"], en: ["cleaning", "housekeeping"] },
  { name: "cleaning", occupation: "title", fr: ["agent d'entretien", "agente d'entretien", "femme de ménage", "agent de propreté", "agente de propreté", "agent de nettoyage", "agente de nettoyage"], en: ["cleaner", "janitor", "custodian", "housekeeper"] },
  { name: "customer service", fr: ["accueil du public", "à l'aise avec le public", "sens du service", "relation usagers"], en: ["call centre", "call center", "handling calls", "front desk"] },
  { name: "French", fr: ["bilingue français", "français et anglais", "français langue maternelle"], en: ["fluent in french", "french and english", "native french"] },
  { name: "English", fr: ["parle anglais", "parle couramment anglais", "anglais et français"], en: ["fluent in english", "english and french", "english and spanish"] },
  { name: "", fr: ["en anglais"] },
  { name: "Microsoft Office", any: ["pack office", "microsoft office", "ms office", "suite office"] },
  { name: "teaching", fr: ["j'enseigne", "enseigne les", "enseigné les"], en: ["i teach", "taught undergraduate", "taught courses"] },
  { name: "bus driving", occupation: "title", fr: ["chauffeur de bus", "chauffeuse de bus", "conducteur de bus", "conductrice de bus", "machiniste", "chauffeur d'autobus", "chauffeuse d'autobus"], en: ["bus driver", "bus drivers", "school bus driver", "bus operator"] },
  { name: "bus driving", en: ["bus route", "driving a bus", "drove a bus"] },
  { name: "forklift operation", fr: ["caces", "chariot élévateur", "chariots élévateurs", "conduire un chariot", "conduite de chariot*"], en: ["forklift", "forklifts", "forklift operation", "forklift certified", "forklift licence", "forklift license"] },
  { name: "forklift operation", occupation: "title", fr: ["cariste", "caristes"], en: ["forklift driver", "forklift operator"] },
  { name: "order picking", fr: ["préparation de commandes", "préparation des commandes", "prépa de commandes", "prepa de commandes"], en: ["order picking", "picking and packing", "pick and pack"] },
  { name: "order picking", occupation: "title", fr: ["préparateur de commandes", "préparatrice de commandes"], en: ["order picker", "warehouse picker"] },
  { name: "workplace safety", fr: ["sécurité au travail", "règles de sécurité", "santé et sécurité", "prévention des risques"], en: ["workplace safety", "health and safety", "safety procedures", "osha"] },
  { name: "human resources", fr: ["gestion des ressources humaines", "gestion rh", "administration du personnel"], en: ["hr administration", "people operations"] },
  { name: "human resources", occupation: "title", fr: ["chargée rh", "chargé rh", "responsable rh", "gestionnaire rh"], en: ["hr coordinator", "hr generalist", "hr manager", "hr advisor", "hr officer"] },
  { name: "mentoring", fr: ["encadrement d'apprentis", "encadrement d'étudiants", "encadrement de stagiaires", "tutorat", "tuteur d'apprentis", "tutrice d'apprentis"], en: ["mentoring", "mentored", "mentoring junior*", "coaching junior*"] },
  { name: "accounting", fr: ["compta", "la compta", "comptabilité fournisseurs", "comptabilité clients"] },
  { name: "Portuguese", fr: ["portugais"], en: ["portuguese"] },
  { name: "Arabic", fr: ["arabe", "l'arabe"], en: ["arabic"] },
  { name: "Linux", any: ["linux"] },
  { name: "Bash", any: ["bash", "shell scripting", "scripts bash"] },
  { name: "Node.js", any: ["nodejs"] },
  { name: "VBA", any: ["vba", "excel/vba", "macros vba"] },
  { name: "Splunk", any: ["splunk"] },
  { name: "CRM", any: ["crm", "outils crm", "logiciel crm", "crm tools", "crm software"] },
  { name: "Jira", any: ["jira"] },
  { name: "Sage", any: ["sage"], cased: true },
  { name: "AutoCAD", any: ["autocad"] },
  { name: "HubSpot", any: ["hubspot"] },
  { name: "Workday", any: ["workday"], cased: true },
  { name: "video editing", fr: ["montage vidéo", "montages vidéo", "monter des vidéos", "monté des vidéos"], en: ["video editing", "editing videos", "edited videos"] },
  { name: "incident response", fr: ["réponse à incident", "réponse aux incidents", "gestion des incidents"], en: ["incident response", "incident management"] }
]

/**
 * Words that make an occupation a goal, not a trade practised: within OCCUPATION_GOAL_REACH words
 * before it ("devenir infirmière", "retrain as a nurse", "concours de professeur des écoles")…
 */
export const OCCUPATION_GOALS_BEFORE: ReadonlySet<string> = new Set([
  "devenir", "deviens", "devienne", "reconvertir", "formation", "formations", "ecole", "etudes", "concours", "cap",
  "diplome", "futur", "future", "futurs", "futures", "aspirant", "aspirante",
  "become", "becoming", "retrain", "retraining", "train", "training", "study", "studying", "aspiring", "would-be",
  "wannabe", "be", "program", "programs", "programme", "course", "courses", "degree"
])
/** A trade's name ("nursing", "speech therapy") is also a goal after these ("back to school for speech therapy"). */
export const FIELD_GOALS_BEFORE: ReadonlySet<string> = new Set(["school", "master", "masters", "licence", "bts", "cap", "into"])
/** …or right after it ("nursing programs", "formations d'infirmier" aside, "teacher training"). */
export const OCCUPATION_GOALS_AFTER: ReadonlySet<string> = new Set([
  "program", "programs", "programme", "programmes", "school", "schools", "degree", "degrees", "course", "courses",
  "training", "studies", "student", "students", "exam", "exams", "diploma", "bootcamp", "certificate", "formation",
  "formations", "etudes", "etudiant", "etudiante", "etudiants", "ecole", "concours", "diplome"
])
export const OCCUPATION_GOAL_REACH = 4

/**
 * Any skill named as the field of a job sought or a business to start is a goal, not a skill
 * held: within SECTOR_REACH words after one of these pairs ("un poste dans la logistique",
 * "a role in food logistics").
 */
export const GOAL_SECTOR_PAIRS: ReadonlySet<string> = new Set([
  "role in", "roles in", "job in", "jobs in", "position in", "career in", "poste dans", "postes dans", "emploi dans",
  "carriere dans"
])
export const SECTOR_REACH = 3

/**
 * A job title right after one of these names someone else ("le recruteur", "the recruiter", "une
 * product manager"): the writer names their own trade bare ("je suis comptable", "Infirmière depuis
 * 9 ans", "poste d'infirmière") or after "a" following "as", "am", "been"… ("as a nurse").
 */
export const OTHER_PERSON_DETERMINERS: ReadonlySet<string> = new Set([
  "le", "la", "les", "l'", "un", "une", "des", "du", "au", "aux", "ce", "cet", "cette", "ces", "mon", "ma", "mes", "son", "sa", "ses", "leur",
  "leurs", "notre", "nos", "votre", "vos", "the", "my", "his", "her", "their", "our", "your", "this", "that", "these", "those",
  "every", "other", "another",
  // …or an addressee ("Merci coach !", "Thanks, coach")
  "merci", "thanks", "thank", "hi", "hey", "hello", "bonjour", "salut", "dear", "cher", "chère"
])
/** "Devenu(e)" before a title is someone else's path ("une banquière devenue boulangère") unless after "suis", "est"… */
export const BECAME: ReadonlySet<string> = new Set(["devenu", "devenue", "devenus", "devenues"])
export const SELF_BEFORE_BECAME: ReadonlySet<string> = new Set(["suis", "es", "être", "etre", "j'ai", "ai", "je", "enfin", "finalement"])
/** Words before "a"/"an" that make the title the writer's ("as a nurse", "I'm a teacher", "been an accountant"). */
export const SELF_BEFORE_ARTICLE: ReadonlySet<string> = new Set([
  "as", "am", "i'm", "im", "been", "was", "be", "being", "work", "worked", "working", "still",
  "now", "also", "just", "already", "currently", "myself"
])
