/**
 * Consent as both doors show it: the types a user may consent to, a grant or withdrawal, a user's
 * current state with its history, a check by data category, and the errors.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { UserId } from "../../guardian/schema.js"

const Code = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{0,63}$/, { message: () => "lowercase letters, digits and '_', starting with a letter (at most 64)" })
)

export const ConsentTypeCode = Code.annotations({ description: "A consent type's code, e.g. `narrative_analysis`." })
export const DataCategory = Code.annotations({ description: "What a consent covers, e.g. `behavioral`." })

export const ConsentSource = Schema.Literal("web", "mobile", "api", "support").annotations({
  description: "Where the user gave or withdrew it."
})

export const ConsentType = Schema.Struct({
  code: ConsentTypeCode,
  dataCategory: DataCategory,
  version: Schema.Int.annotations({ description: "Moves when the text changes; a consent to an older version no longer counts." }),
  text: Schema.String,
  required: Schema.Boolean.annotations({ description: "Needed to use the service at all." })
}).annotations({ identifier: "ConsentType" })
export type ConsentType = typeof ConsentType.Type

export const ConsentTypes = Schema.Struct({ consentTypes: Schema.Array(ConsentType) }).annotations({ identifier: "ConsentTypes" })
export type ConsentTypes = typeof ConsentTypes.Type

export const RecordConsentRequest = Schema.Struct({
  userId: UserId,
  consentType: ConsentTypeCode,
  granted: Schema.Boolean.annotations({ description: "true: given; false: withdrawn." }),
  version: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)).annotations({
    description: "The version the user saw (default: the current one); another version is refused (409)."
  })),
  source: ConsentSource,
  ipAddress: Schema.optional(Schema.String.pipe(Schema.maxLength(64)).annotations({
    description: "The user's address as the app saw it; stored truncated (IPv4 /24, IPv6 /48), never whole."
  })),
  userAgent: Schema.optional(Schema.String.pipe(Schema.maxLength(1024)).annotations({
    description: "The user's browser or app; stored as a keyed hash only."
  }))
}).annotations({ identifier: "RecordConsentRequest" })
export type RecordConsentRequest = typeof RecordConsentRequest.Type

export const ConsentRecord = Schema.Struct({
  consentType: ConsentTypeCode,
  version: Schema.Int,
  granted: Schema.Boolean,
  source: ConsentSource,
  ipAnonymised: Schema.NullOr(Schema.String),
  recordedAt: Schema.DateTimeUtc
}).annotations({ identifier: "ConsentRecord" })
export type ConsentRecord = typeof ConsentRecord.Type

export const ConsentRecorded = Schema.Struct({ userId: UserId, record: ConsentRecord }).annotations({ identifier: "ConsentRecorded" })
export type ConsentRecorded = typeof ConsentRecorded.Type

export const ConsentState = Schema.Struct({
  consentType: ConsentTypeCode,
  dataCategory: DataCategory,
  currentVersion: Schema.Int,
  granted: Schema.Boolean.annotations({ description: "Given, to the current version, and not withdrawn since." }),
  version: Schema.NullOr(Schema.Int).annotations({ description: "The version of the latest record (null: none)." }),
  since: Schema.NullOr(Schema.DateTimeUtc).annotations({ description: "When the latest record was made (null: none)." })
}).annotations({ identifier: "ConsentState" })
export type ConsentState = typeof ConsentState.Type

export const UserConsents = Schema.Struct({
  userId: UserId,
  consents: Schema.Array(ConsentState),
  history: Schema.Array(ConsentRecord).annotations({ description: "Every grant and withdrawal, oldest first." })
}).annotations({ identifier: "UserConsents" })
export type UserConsents = typeof UserConsents.Type

export const ConsentCheck = Schema.Struct({
  userId: UserId,
  dataCategory: DataCategory,
  granted: Schema.Boolean,
  version: Schema.NullOr(Schema.Int).annotations({ description: "The granted version (null when not granted)." }),
  since: Schema.NullOr(Schema.DateTimeUtc).annotations({ description: "When it was granted (null when not granted)." })
}).annotations({ identifier: "ConsentCheck" })
export type ConsentCheck = typeof ConsentCheck.Type

export class UnknownConsentType extends Schema.TaggedError<UnknownConsentType>()(
  "UnknownConsentType",
  { consentType: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "No consent type has this code (see GET /gdpr/info/consent-types)." })
) {
  override get message(): string {
    return `No consent type ${JSON.stringify(this.consentType)}`
  }
}

export class UnknownDataCategory extends Schema.TaggedError<UnknownDataCategory>()(
  "UnknownDataCategory",
  { dataCategory: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "No consent type covers this data category." })
) {
  override get message(): string {
    return `No consent type covers the data category ${JSON.stringify(this.dataCategory)}`
  }
}

export class ConsentVersionMismatch extends Schema.TaggedError<ConsentVersionMismatch>()(
  "ConsentVersionMismatch",
  { consentType: Schema.String, currentVersion: Schema.Int, given: Schema.Int },
  HttpApiSchema.annotations({ status: 409, description: "The user saw another version of the text than the current one." })
) {
  override get message(): string {
    return `Consent type ${this.consentType} is at version ${this.currentVersion}, not ${this.given}`
  }
}

export class ConsentRequired extends Schema.TaggedError<ConsentRequired>()(
  "ConsentRequired",
  { userId: Schema.String, dataCategory: Schema.String },
  HttpApiSchema.annotations({ status: 403, description: "This processing needs the user's consent for its data category." })
) {
  override get message(): string {
    return `The user has not consented to ${this.dataCategory}`
  }
}
