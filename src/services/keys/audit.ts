/** A key's audit trail is its event stream, `apikey:<id>`; these are the events written there. */
import { randomUUID } from "node:crypto"
import type { NewEvent, StreamId } from "../events/schema.js"

export const keyStream = (keyId: string): StreamId => `apikey:${keyId}` as StreamId

export type KeyEventType =
  | "ApiKeyCreated"
  | "ApiKeyRotated"
  | "ApiKeyRevoked"
  | "ApiKeyRotationScheduled"
  | "ApiKeyUseRefused"
  | "ApiKeySuccessorClaimed"

/** Audit data never holds a key or a token; `actor` names who acted (`key:<id>`, `cli`, `scheduler`…). */
export const keyEvent = (type: KeyEventType, data: Readonly<Record<string, unknown>>, actor: string): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { actor }
})
