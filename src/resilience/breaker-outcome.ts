import { Cause, Chunk, Exit } from "effect"

/** What a finished call means for the breaker's health accounting. */
export type CallOutcome = "success" | "failure" | "interrupted"

/** Defects always count (a crashed driver is no healthy backend); other typed errors mean the backend answered, so success; bare interruption says nothing. */
export const classifyExit = <A, E>(exit: Exit.Exit<A, E>, isFailure: (error: unknown) => boolean): CallOutcome => {
  if (Exit.isSuccess(exit)) {
    return "success"
  }
  const cause = exit.cause
  if (!Chunk.isEmpty(Cause.defects(cause))) {
    return "failure"
  }
  if (Chunk.some(Cause.failures(cause), isFailure)) {
    return "failure"
  }
  return Cause.isInterrupted(cause) ? "interrupted" : "success"
}
