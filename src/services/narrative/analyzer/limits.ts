/** Limits of the analyzer: every list it returns and every input it takes is bounded. */

/** One text; ~3,000 words. Longer texts should be split by the caller (the door answers 400). */
export const MAX_TEXT_CHARACTERS = 20_000
/** Texts per aggregate (a user's journal page, a batch). */
export const MAX_TEXTS_PER_BATCH = 100
/** Evidence spans kept per conclusion, the first ones in text order. */
export const MAX_EVIDENCE_PER_CONCLUSION = 12
/** Key phrases returned per text. */
export const MAX_KEY_PHRASES = 6
/** Words in one key phrase. */
export const MAX_KEY_PHRASE_WORDS = 4
