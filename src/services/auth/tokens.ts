/**
 * End-user tokens: HS256 JWTs (jose), `sub` = the user id, checked for issuer, audience and expiry.
 * Issued by Phoenix's identity side with the shared JWT_SECRET; `signUserToken` exists for tests
 * and the `keys token` command.
 */
import { Effect, Option, Redacted } from "effect"
import { jwtVerify, SignJWT } from "jose"
import { refusal, type Unauthorized } from "./schema.js"

/** The user ids a token may name: the same shape the routes accept. */
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export interface TokenSettings {
  readonly secret: Option.Option<Redacted.Redacted>
  readonly issuer: string
  readonly audience: string
}

const secretBytes = (secret: Redacted.Redacted): Uint8Array => new TextEncoder().encode(Redacted.value(secret))

/** Verifies a token against the clock of the caller (`nowMs`); any failure is `invalid_token`. */
export const makeTokenVerifier = (settings: TokenSettings) => {
  const key = Option.map(settings.secret, secretBytes)
  return (token: string, nowMs: number): Effect.Effect<string, Unauthorized> =>
    Option.match(key, {
      // Without a secret (embedded mode only) no token can be valid.
      onNone: () => Effect.fail(refusal("invalid_token")),
      onSome: (secret) =>
        Effect.tryPromise({
          try: () =>
            jwtVerify(token, secret, {
              algorithms: ["HS256"],
              issuer: settings.issuer,
              audience: settings.audience,
              requiredClaims: ["sub", "exp"],
              currentDate: new Date(nowMs)
            }),
          catch: () => refusal("invalid_token")
        }).pipe(
          Effect.flatMap(({ payload }) =>
            typeof payload.sub === "string" && USER_ID.test(payload.sub)
              ? Effect.succeed(payload.sub)
              : Effect.fail(refusal("invalid_token"))
          )
        )
    })
}

export const signUserToken = (
  settings: { readonly secret: Redacted.Redacted; readonly issuer: string; readonly audience: string },
  userId: string,
  options: { readonly nowMs: number; readonly ttlSeconds: number }
): Promise<string> =>
  new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(Math.floor(options.nowMs / 1000))
    .setExpirationTime(Math.floor(options.nowMs / 1000) + options.ttlSeconds)
    .sign(secretBytes(settings.secret))
