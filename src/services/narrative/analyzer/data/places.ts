/**
 * Cities, regions and countries people move between, a half cue of the relocation theme each
 * (themes.ts): naming two places, or a place and a move, is talking about relocating ("The London
 * offer… le coût de la vie là-bas", "quitté Paris pour Annecy"). Names that are also common words
 * ("Nice", "Tours", "Orange", "Reading", "Vienne", "Nancy", "Charlotte", "LA") are left out.
 * Source: written for Luna Hub from common geography (no gazetteer copied). Licence: this project's own.
 */
export const PLACES: ReadonlyArray<string> = [
  // France
  "paris", "lyon", "marseille", "toulouse", "bordeaux", "nantes", "lille", "rennes", "strasbourg", "montpellier",
  "grenoble", "annecy", "chambéry", "clermont-ferrand", "clermont", "dijon", "brest", "reims", "rouen", "caen",
  "angers", "limoges", "poitiers", "perpignan", "orléans", "metz", "toulon", "avignon", "nîmes",
  "aix-en-provence", "biarritz", "bayonne", "la rochelle", "le havre", "saint-étienne", "besançon", "amiens", "pau",
  "la réunion", "guadeloupe", "martinique", "bretagne", "normandie", "provence", "alsace", "occitanie", "corse",
  "île-de-france", "côte d'azur", "pays basque", "auvergne", "savoie", "haute-savoie",
  // Elsewhere in Europe
  "londres", "london", "manchester", "leeds", "edinburgh", "édimbourg", "glasgow", "birmingham", "bristol",
  "liverpool", "cardiff", "belfast", "dublin", "bruxelles", "brussels", "genève", "geneva", "lausanne", "zurich",
  "luxembourg", "berlin", "munich", "hambourg", "hamburg", "francfort", "frankfurt", "amsterdam", "rotterdam",
  "madrid", "barcelone", "barcelona", "lisbonne", "lisbon", "porto", "rome", "milan", "vienna", "prague",
  "varsovie", "warsaw", "copenhague", "copenhagen", "stockholm", "oslo", "helsinki", "athènes", "athens",
  // The Americas
  "montréal", "toronto", "vancouver", "calgary", "ottawa", "québec", "new york", "nyc", "san francisco",
  "los angeles", "seattle", "austin", "denver", "chicago", "boston", "dallas", "houston", "atlanta", "miami",
  "portland", "philadelphia", "detroit", "minneapolis", "nashville", "tucson", "dayton", "oakland", "san diego",
  "pittsburgh", "baltimore", "raleigh", "salt lake city", "las vegas", "orlando", "tampa", "sacramento", "brooklyn",
  "são paulo", "buenos aires", "mexico city",
  // Elsewhere
  "tokyo", "singapore", "singapour", "dubai", "dubaï", "hong kong", "shanghai", "beijing", "pékin", "sydney",
  "melbourne", "auckland", "bangalore", "mumbai", "casablanca", "dakar", "abidjan", "tunis", "alger",
  // Countries and states
  "canada", "états-unis", "usa", "royaume-uni", "angleterre", "england", "écosse", "scotland", "irlande",
  "ireland", "allemagne", "germany", "espagne", "spain", "portugal", "italie", "italy", "suisse", "switzerland",
  "belgique", "belgium", "pays-bas", "netherlands", "australie", "australia", "nouvelle-zélande", "new zealand",
  "japon", "japan", "maroc", "morocco", "tunisie", "algérie", "sénégal", "brésil", "brazil", "mexique",
  "suède", "sweden", "norvège", "norway", "danemark", "denmark", "ohio", "texas", "california", "californie",
  "florida", "floride", "colorado", "oregon", "arizona", "michigan", "illinois", "minnesota", "massachusetts",
  "new jersey", "new mexico", "montana", "idaho", "vermont", "alaska", "hawaii"
]
