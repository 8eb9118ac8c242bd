/**
 * Personal data in free text: every finder's candidates, settled so that the result is sorted
 * and non-overlapping (the longest valid match wins). The tokens the anonymiser writes are not
 * personal data and are skipped.
 */
import { findCardNumbers } from "./card.js"
import { findSirens, findSirets } from "./company.js"
import { type Detection, settleOverlaps } from "./detection.js"
import { findEmails } from "./email.js"
import { findIbans } from "./iban.js"
import { findIpAddresses } from "./ip.js"
import { findNirs } from "./nir.js"
import { findPhoneNumbers } from "./phone.js"
import { tokenSpans } from "./tokens.js"

const FINDERS: ReadonlyArray<(text: string) => ReadonlyArray<Detection>> = [
  findEmails,
  findIbans,
  findNirs,
  findSirets,
  findSirens,
  findCardNumbers,
  findIpAddresses,
  findPhoneNumbers
]

export const detectPersonalData = (text: string): ReadonlyArray<Detection> =>
  settleOverlaps(FINDERS.flatMap((find) => find(text)), text.length, tokenSpans(text))
