/**
 * The request being served by the current fiber, if any: its id (for every log line written while
 * serving it) and the matched route pattern. The HTTP edge sets a fresh record per request; the
 * router fills in the route; the logger reads the id from the fiber, with no per-request annotation.
 */
import { FiberRef } from "effect"
import type { LimitNotes } from "../rate-limit/admission.js"

export interface RequestContext {
  readonly requestId: string
  route: string | undefined
  /** The client's address as the limits see it (set when limiting is on). */
  readonly clientIp: string | undefined
  /** The rate-limit checks made for this request so far (set when limiting is on), for the headers. */
  readonly limits: LimitNotes | undefined
}

export const currentRequest: FiberRef.FiberRef<RequestContext | undefined> = FiberRef.unsafeMake<RequestContext | undefined>(undefined)
