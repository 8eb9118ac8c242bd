/** The credential of an `Authorization: Bearer <credential>` header; "" for none or another scheme. */
const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i

export const bearerCredential = (authorization: string | undefined): string => BEARER.exec(authorization ?? "")?.[1] ?? ""
