/**
 * The path an access line shows: the segments that name a person (a user id, a rate-limit
 * identifier, a stream id such as `energy:<user>`) appear as keyed hashes, so access logs can still
 * be correlated but hold no user id (a user's erasure leaves none behind in them).
 */
import type { IdentifierHasher } from "../services/auth/identifier-hash.js"
import { anonymiseLogText } from "../services/logging/personal-data.js"

const PERSONAL_PARAMETERS: ReadonlySet<string> = new Set([":userId", ":user_id", ":identifier", ":streamId"])

/** `path` as logged, given the `route` pattern that answered it (unmatched paths are anonymised as free text). */
export const loggedPath = (route: string | undefined, path: string, hash: IdentifierHasher): string => {
  if (route === undefined) return anonymiseLogText(path)
  const pattern = route.split("/")
  if (!pattern.some((part) => PERSONAL_PARAMETERS.has(part))) return path
  const parts = path.split("/")
  // A pattern that does not line up with the path (never for these routes): the pattern says enough.
  if (parts.length !== pattern.length) return route
  return parts.map((part, i) => (PERSONAL_PARAMETERS.has(pattern[i]!) ? `~${hash(safeDecode(part))}` : part)).join("/")
}

const safeDecode = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
