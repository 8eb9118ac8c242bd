/**
 * Consent (SPEC concern 9): what a user agreed to, when, to which text, and the one place
 * processing asks before it touches data that needs consent (`require`). Records are append-only:
 * the latest per type is the state, the others its history.
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import type {
  ConsentCheck,
  ConsentRecorded,
  ConsentRequired,
  ConsentTypes,
  ConsentVersionMismatch,
  RecordConsentRequest,
  UnknownConsentType,
  UnknownDataCategory,
  UserConsents
} from "./schema.js"

export class Consent extends Context.Tag("luna/Consent")<Consent, {
  readonly types: Effect.Effect<ConsentTypes, ServiceUnavailable>
  /** A grant or withdrawal; IP and user agent are anonymised before anything is stored. */
  readonly record: (request: RecordConsentRequest) => Effect.Effect<ConsentRecorded, UnknownConsentType | ConsentVersionMismatch | ServiceUnavailable>
  readonly ofUser: (userId: string) => Effect.Effect<UserConsents, ServiceUnavailable>
  readonly check: (userId: string, dataCategory: string) => Effect.Effect<ConsentCheck, UnknownDataCategory | ServiceUnavailable>
  /** Passes when the user consented to `dataCategory` (always, with `GDPR_ENABLED=false`). */
  readonly require: (userId: string, dataCategory: string) => Effect.Effect<void, ConsentRequired | UnknownDataCategory | ServiceUnavailable>
}>() {}
