/**
 * The request being served by the current fiber, if any: its id (for every log line written while
 * serving it) and the matched route pattern. The HTTP edge sets a fresh record per request; the
 * router fills in the route; the logger reads the id from the fiber, with no per-request annotation.
 */
import { FiberRef } from "effect"

export interface RequestContext {
  readonly requestId: string
  route: string | undefined
}

export const currentRequest: FiberRef.FiberRef<RequestContext | undefined> = FiberRef.unsafeMake<RequestContext | undefined>(undefined)
