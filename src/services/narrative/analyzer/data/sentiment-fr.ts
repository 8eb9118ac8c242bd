/**
 * French valence lexicon for career and well-being texts, on AFINN's scale (-5 … 5).
 * Keys are cues (lexicon/pattern.ts: "épuis*" matches épuisé, épuisée, épuisement…); a value of 0
 * blocks a shorter entry inside a longer phrase ("lettre de motivation" is not motivation).
 * Phrases that contain their own negation start at it ("n'en peux plus") so they are not flipped.
 * Source: written for Luna Hub (FEEL and other French lexicons were not used: their licences
 * are unclear). Licence: this project's own.
 */
export const FRENCH_VALENCE: Readonly<Record<string, number>> = {
  // Joy, satisfaction, relief
  "heureux": 3, "heureuse": 3, "heureuses": 3, "heureusement": 1, "bonheur": 3, "joie": 3, "joyeu*": 3,
  "content": 2, "contente": 2, "contents": 2, "contentes": 2, "ravi": 3, "ravie": 3, "ravis": 3, "ravies": 3,
  "enchanté*": 3, "réjoui*": 2, "épanoui*": 3, "épanouissement": 3, "épanouissant*": 3, "comblé": 3, "comblée": 3, "comblés": 3, "comblées": 3,
  "enthousias*": 3, "passionn*": 3, "passion": 2, "adore": 3, "j'adore": 3, "adoré": 3, "aime": 2, "aimé": 2,
  "plaisir": 2, "fier": 2, "fière": 2, "fiers": 2, "fierté": 2, "soulag*": 2, "quel soulagement": 3, "apais*": 2,
  "serein*": 2, "sérénité": 2, "calme": 1, "rassuré*": 2, "rassurant*": 2, "détendu*": 2, "libéré*": 2, "libre": 1,
  "liberté": 2, "confiant*": 2, "confiance": 1, "optimiste": 2, "optimistes": 2, "optimisme": 2, "espoir": 2, "espère": 1, "espérer": 1, "hâte": 2,
  "impatient*": 1, "motivé*": 2, "motivant*": 2, "motivation": 1, "stimulant*": 2, "intéressant*": 2, "passionnant*": 3,
  "génial": 3, "géniale": 3, "super": 2, "top": 2, "formidable": 3, "magnifique": 3, "merveilleu*": 3, "excellent*": 3,
  "parfait*": 2, "incroyable": 2, "chouette": 2, "cool": 2, "bien": 1, "bon": 1, "bonne": 1, "bonnes": 1, "beau": 2,
  "belle": 2, "mieux": 2, "meilleur*": 2, "réussi*": 2, "réussite": 2, "succès": 2, "bravo": 2, "félicit*": 2,
  "progrès": 2, "progresse": 2, "progresser": 1, "avancé*": 1, "j'avance": 2, "avance bien": 2, "apprécie*": 2,
  "apprécié*": 2, "gratifi*": 2, "valorisant*": 2, "valorisé*": 2, "reconnaissant*": 2, "reconnu": 1, "reconnue": 1,
  "merci": 1, "chance": 2, "utile": 2, "utiles": 2, "sens": 0, "a du sens": 2, "a enfin du sens": 3, "accueilli*": 1,
  "bien accueilli*": 2, "chaleureu*": 2, "bienveillan*": 2, "facile": 1, "simple": 1, "clair": 1, "clarté": 1,
  "prêt": 1, "prête": 1, "prêts": 1, "prêtes": 1, "convaincu*": 1, "enfin": 1, "réjouis": 2, "énergie": 1,
  "plein d'énergie": 3, "regonflé*": 2, "équilibre": 2, "équilibré*": 2, "à ma place": 2, "ma place": 1, "s'est bien passé": 2,
  "bien passé": 2, "croise les doigts": 1, "ça y est": 1, "supporte": 2, "intégré*": 1, "déterminé": 2, "déterminée": 2, "déterminés": 2, "déterminées": 2, "curieu*": 1,
  "rigoureu*": 1, "dynamique": 1, "autonome": 1, "capable": 1, "capables": 1, "légitime": 2,

  // Tiredness, stress, fear
  "épuis*": -3, "fatigu*": -2, "crevé*": -2, "lessivé*": -3, "vidé": -2, "vidée": -2, "vidés": -2, "vidées": -2, "usé": -2, "usée": -2, "usés": -2, "usées": -2, "à bout": -3, "au bout du rouleau": -3,
  "burn out": -3, "burnout": -3, "surmen*": -3, "débordé*": -2, "submergé*": -2, "noyé*": -2, "sous l'eau": -2,
  "stress*": -2, "angoiss*": -3, "anxi*": -2, "inquiet": -2, "inquiète": -2, "inquiets": -2, "inquiètes": -2,
  "inquiét*": -2, "peur": -2, "peurs": -2, "effray*": -2, "terrifi*": -3, "terroris*": -3, "panique": -2, "paniqu*": -2,
  "crainte*": -2, "crains": -2, "craindre": -2, "nerveu*": -1, "boule au ventre": -3, "nuits blanches": -2, "insomni*": -2,
  "dors mal": -2, "pression": -1, "doute": -1, "doutes": -1, "douter": -1, "je doute": -2, "incertitude*": -1,
  "incertain*": -1, "perdu": -2, "perdue": -2, "perdus": -2, "perdues": -2,

  // Sadness, emptiness
  "triste*": -2, "tristesse": -2, "malheureu*": -3, "déprim*": -3, "dépression": -3, "cafard": -2, "moral à zéro": -3,
  "vide": -2, "seul": -1, "seule": -1, "isolé*": -2, "isolement": -2, "pleur*": -2, "larmes": -2, "désespér*": -3,
  "déçu*": -2, "déception*": -2, "regret*": -2, "regrette": -2, "nostalgi*": -1, "honte": -2, "culpabil*": -2,
  "mélancoli*": -2, "sombre": -1, "souffr*": -3, "douleur*": -2, "mal": -2, "malaise": -2, "mal-être": -3,

  // Frustration, anger, stagnation
  "frustr*": -2, "énerv*": -2, "agac*": -2, "irrit*": -2, "colère": -3, "furieu*": -3, "exaspér*": -3, "marre": -3,
  "en ai marre": -3, "ras le bol": -3, "dégoût*": -3, "dégoûté*": -3, "écœur*": -3, "injust*": -2, "ennui": -2,
  "ennuie": -2, "m'ennuie": -2, "ennuy*": -2, "monoton*": -2, "routine": -1, "stagn*": -2, "tourne en rond": -2,
  "tourner en rond": -2, "bloqué*": -2, "coincé*": -2, "impasse": -2, "piégé*": -2, "étouffe*": -2, "inutile*": -2,
  "dévaloris*": -2, "méprisé*": -2, "ignoré": -1, "ignorée": -1, "ignorés": -1, "ignorées": -1, "invisible": -1, "toxique": -3, "harcèlement": -3, "harcel*": -3,
  "conflit*": -1, "tension*": -1, "pénible": -2, "insupportable": -3, "horrible": -3, "affreu*": -3, "terrible": -3,
  "catastroph*": -3, "nul": -2, "nulle": -2, "pire": -2, "galère": -2, "galèr*": -2, "difficile*": -1, "difficult*": -1,
  "dur": -1, "dure": -1, "compliqué*": -1, "lourd*": -1, "problème*": -1, "souci*": -1, "dommage": -1, "hélas": -1,
  "malheureusement": -1, "échec*": -2, "échoué": -2, "raté": -2, "ratée": -2, "rater": -2, "refus": -2, "refusé": -2, "refusée": -2, "refusés": -2, "refusées": -2,
  "négati*": -1, "rejet*": -2, "précaire": -2, "précarité": -2, "chômage": -1, "licenci*": -2, "viré": -2, "virée": -2, "virés": -2, "virées": -2,
  "sous-payé*": -2, "mal payé*": -2, "endetté*": -2, "dettes": -2, "fauché*": -2, "sacrifice*": -2, "démotiv*": -2,
  "désagréable": -2, "déteste*": -3, "détester": -3, "haine": -3, "incapable*": -2, "impuissan*": -2, "inquiétant*": -2,
  "perte de temps": -2, "perte de sens": -2, "manque de reconnaissance": -2, "manque de confiance": -2,
  "manque d'énergie": -2, "plus d'énergie": -2, "aucune énergie": -2, "démoralisant*": -2, "n'en peux plus": -3, "en peux plus": -3, "ne supporte plus": -3, "supporte plus": -3,
  "n'ai plus envie": -2, "ai plus envie": -2, "pas à la hauteur": -2, "pas être à la hauteur": -2, "validé": 2, "validée": 2, "validés": 2,
  "décroché*": 2, "promesse d'embauche": 2, "embauché": 2, "embauchée": 2, "embauchés": 2, "retenu*": 1,
  "décourag*": -2, "démoralis*": -2, "abattu*": -2, "me tente": 2, "tentant*": 2, "n'arrive pas": -1, "n'y arrive pas": -2,
  "arrive pas": -1, "pas les moyens": -2, "ne comprends pas": -1, "comprends pas": -1, "trop vite": -1,
  "le poste est pour moi": 3, "j'ai le poste": 3, "c'est signé": 2, "risque*": -1, "manque de bases": -1, "je manque de": -1, "ne sais plus": -1, "arrêt maladie": -2,
  "douloureu*": -2, "mauvais": -2, "mauvaise": -2, "mauvaises": -2,

  // Everyday and informal French: joy, relief, pride
  "kiff*": 2, "trop bien": 3, "trop cool": 3, "géniaux": 3, "excité*": 2, "excitant*": 2, "victoire": 2,
  "petite victoire": 2, "gonflé à bloc": 3, "gonflée à bloc": 3, "à bloc": 1, "rajeuni*": 2, "encourageant*": 2,
  "encouragé*": 1, "rire": 1, "sourire": 1, "vivant": 1, "vivante": 1, "me ressemble": 2, "qui me ressemble": 2,
  "servi à quelque chose": 2, "servir à quelque chose": 2, "sert à quelque chose": 2, "j'ai signé": 2, "signé": 1,
  "c'est parti": 2, "ouf": 1, "youpi": 3, "admis": 2, "admise": 2, "obtenu": 1, "obtenue": 1, "opportunité*": 1,
  "chanceu*": 2, "bien dans ma peau": 3, "plaît": 2, "me plaît": 2, "vibrer": 2, "me fait vibrer": 2, "nickel": 2,
  "impeccable": 2, "au top": 2, "bonne nouvelle": 3, "bonnes nouvelles": 3, "c'est officiel": 2, "je me sens bien": 2,
  "ça va mieux": 2, "va mieux": 2, "bon signe": 2, "bon choix": 2, "c'est bon": 1, "atout": 1, "atouts": 1,
  "adorer": 3, "fier de moi": 3, "fière de moi": 3, "à l'aise": 2,
  "bien accueillie": 2, "reconnaissante": 2, "aucun regret": 2, "jamais regretté": 2, "pas regretté": 2,

  // Everyday and informal French: tiredness, fear, discouragement
  "galère grave": -3, "je galère": -2, "claqué*": -2, "naze": -2, "nase": -2, "saoul*": -2, "me soule": -2,
  "gonflant*": -2, "me gonfle": -2, "chiant*": -2, "relou": -2, "pourri*": -2, "merde": -2, "merdique": -3,
  "connerie*": -2, "flipp*": -2, "trouille": -2, "mal au ventre": -2, "me ronge": -3, "me bouffe": -2,
  "m'éteint": -2, "m'éteins": -2, "humili*": -3, "coupable*": -2, "égoïste": -1, "glacial*": -2, "pesant*": -2,
  "tout est contre moi": -2, "fait mal": -2, "ça fait mal": -2, "tiendrai pas": -2, "tiens plus": -2,
  "pas retenu": -2, "pas retenue": -2, "pas été retenu*": -2, "non retenu*": -2, "recalé*": -2, "sans réponse": -1,
  "aucune réponse": -2, "ghosté*": -2, "bafouill*": -1, "mal passé": -2, "s'est mal passé": -2, "décevant*": -2,
  "paumé*": -2, "largué*": -2, "à la ramasse": -2, "dépassé": -1, "dépassée": -1, "je sais plus": -1, "j'y comprends rien": -2,
  "comprends rien": -2, "rien compris": -2, "j'ose pas": -1, "ose pas": -1, "n'ose pas": -1, "pas le niveau": -1,
  "de la folie": -1, "n'importe quoi": -1, "craqu*": -2, "pète un câble": -2, "péter un câble": -2,
  "pété un plomb": -2, "pète les plombs": -2, "vénère": -2, "dèche": -2, "dans le rouge": -2, "cauchemar*": -3,
  "l'enfer": -3, "un enfer": -3, "infernal*": -3, "marre de": -3, "rien ne va": -3, "ça ne va pas": -2,
  "ça va pas": -2, "pas bien": -2, "mal dormi": -2, "plus la force": -3, "plus la motivation": -2, "sature*": -2,
  "saturé*": -2, "à cran": -2, "sur les nerfs": -2, "démoli*": -3, "anéanti*": -3, "effondré*": -3, "amer": -2,
  "amère": -2, "amertume": -2, "vexé*": -2, "blessé*": -2, "jaloux": -1, "jalouse": -1,
  "me demande ce que je fais là": -2, "ce que je fais là": -1, "retour à la case départ": -2, "case départ": -1,
  "perdu mon temps": -2, "à quoi bon": -2, "sert à rien": -2, "servir à rien": -2, "compliqué": -1,
  "honteu*": -2, "tendu": -1, "tendue": -1, "moral dans les chaussettes": -3, "moral en berne": -2, "pas le moral": -2,
  "plus le moral": -2, "à plat": -2, "sans énergie": -2, "à la dérive": -2, "dans le flou": -1, "flou": -1,
  "je rame": -2, "crevant*": -2, "pas terrible": -2, "pas génial": -1, "pas top": -1, "pas ouf": -1, "pas fou": -1,
  "pas la joie": -2, "pas évident": -1, "pas simple": -1, "je me sens mal": -2, "me sens seul*": -2, "boulot de merde": -3,
  "job de merde": -3, "mal dans ma peau": -3, "au fond du trou": -3, "j'étouffe": -3, "ça m'use": -2, "m'épuise": -3,
  "léger": 1, "légère": 1, "plus léger": 2, "plus légère": 2, "le moral remonte": 2, "j'ai le moral": 2, "bon moral": 2,
  "boosté*": 2, "reboosté*": 2, "requinqué*": 2, "ressourcé": 2, "ressourcée": 2, "à fond": 1, "sympa": 2, "sympathique": 2,
  "agréable": 2, "fun": 2, "marrant*": 1, "le pied": 2, "bouffée d'air": 2, "bouffée d'oxygène": 2, "je respire": 2,
  "je ne regrette pas": 2, "le bon choix": 2, "la meilleure décision": 3, "job de rêve": 3,
  "métier de rêve": 3, "poste de rêve": 3, "ça s'est très bien passé": 3, "ça se passe bien": 2, "tout se passe bien": 2,
  "je m'épanouis": 3, "m'éclate": 3, "je m'éclate": 3, "j'ai trouvé ma voie": 3, "ma voie": 1, "syndrome de l'imposteur": -2, "imposteur": -2, "c'est décidé": 1,
  "erreur": -1, "grosse erreur": -3, "j'ai accepté l'offre": 2, "accepté le poste": 2, "nuls": -2, "nulles": -2,
  "en miettes": -2, "sous le choc": -2, "choqué*": -2, "me sens légère": 2, "me sens léger": 2, "me sens plus légère": 3,
  "me sens plus léger": 3, "plus dur que prévu": -1, "comprends à peine": -1, "à la rigueur": 0, "le dos en compote": -2, "m'ennuie à mourir": -3, "ennuie à mourir": -3, "pourquoi je continue": -1,

  // Added in 1.2.0 (this project's own): informal and regional wording of weariness, worry and relief
  "ras-le-bol": -3, "tanné": -2, "tannée": -2, "c'est plate": -2, "nuit blanche": -2,
  "paralysé*": -2, "c'est mort": -2, "me rend fou": -2, "me rend folle": -2, "ça pique": -1,
  "je flippe": -2, "flippe": -1, "ça craint": -2, "découragé*": -2, "plus confiance": -2, "perdu confiance": -2,
  "je m'en veux": -2, "m'en veux": -2, "en dors plus": -2, "dors plus": -2, "compte les jours": -1, "vaux plus rien": -3,
  "sers à rien": -2, "pars de zéro": -1, "repartir de zéro": -1, "trop tard": -1, "je revis": 3, "revivre": 2,
  "jamais été aussi bien": 3, "jamais été aussi heureux": 3, "jamais été aussi heureuse": 3,
  // Blocks: phrases whose words would otherwise be misread
  "lettre de motivation": 0, "lettres de motivation": 0, "pas mal de": 0, "à peine": 0, "bien que": 0, "bien sûr": 0,
  "eh bien": 0, "bon nombre": 0, "mal de dos": -1, "mal au dos": -1, "sens de": 0, "gestion du stress": 0,
  "gestion des conflits": 0, "résolution de problèmes": 0, "bien-être": 1, "si bien que": 0, "ou bien": 0,
  "poids lourd": 0, "poids lourds": 0, "candidat libre": 0, "candidate libre": 0, "toute seule": 0, "tout seul": 0,
  "que ça dure": 0, "ça dure": 0, "bon nombre de": 0, "bon courage": 1, "assurance qualité": 0, "contrôle qualité": 0,
  "sans doute": 0, "pas de souci": 1, "pas de soucis": 1, "pas de problème": 1, "pas mal": 1, "à bientôt": 0
}
