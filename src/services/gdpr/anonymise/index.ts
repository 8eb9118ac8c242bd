/**
 * Anonymisation of free text (logs, consent records, exports): detection of personal data and
 * its replacement, pure functions without a service.
 */
export { anonymiseText } from "./anonymise-text.js"
export { isValidCardNumber } from "./card.js"
export { isValidSiren, isValidSiret } from "./company.js"
export { detectPersonalData } from "./detect.js"
export { type Detection, PERSONAL_DATA_KINDS, type PersonalDataKind } from "./detection.js"
export { isValidIban } from "./iban.js"
export { truncateIp } from "./ip.js"
export { isValidNir } from "./nir.js"
export { type AnonymiseOptions, TOKEN_HASH_HEX_DIGITS } from "./tokens.js"
