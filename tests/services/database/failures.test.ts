import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import { classifyFailure, isConnectionFailure, isUniqueViolation, sqlStateOf } from "../../../src/services/database/failures.js"

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })
const wrapped = (cause: unknown, message = "Failed to execute statement") => new SqlError({ cause, message })

describe("database failure classification", () => {
  it("recognises connection-class failures and describes them without connection details", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [wrapped(withCode("connect ECONNREFUSED 10.0.0.5:5432", "ECONNREFUSED"), "Failed to acquire connection"), "connection refused"],
      [wrapped(Object.assign(new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")], ""), {})), "connection refused"],
      [wrapped(withCode("read ECONNRESET", "ECONNRESET")), "connection reset"],
      [wrapped(withCode("write EPIPE", "EPIPE")), "connection lost"],
      [wrapped(withCode("connect ETIMEDOUT", "ETIMEDOUT")), "connection timed out"],
      [wrapped(new Error("Connection terminated unexpectedly")), "connection lost"],
      [wrapped(new Error("timeout exceeded when trying to connect"), "Failed to acquire connection"), "connection timed out"],
      [wrapped(withCode("terminating connection due to administrator command", "57P01")), "server terminated the connection (admin shutdown) (SQLSTATE 57P01)"],
      [wrapped(withCode("the database system is starting up", "57P03")), "server is not accepting connections (SQLSTATE 57P03)"],
      [wrapped(withCode("connection failure", "08006")), "connection failure (SQLSTATE 08006)"],
      // An acquisition failure is an outage even when its cause is an answer (e.g. bad password).
      [wrapped(withCode("password authentication failed for user \"hub\"", "28P01"), "Failed to acquire connection"), "could not acquire a connection"]
    ]
    for (const [error, reason] of cases) {
      expect(classifyFailure(error)).toEqual({ kind: "connection", reason })
      expect(isConnectionFailure(error)).toBe(true)
    }
  })

  it("leaves query errors to the caller and treats statement timeouts apart", () => {
    const unique = wrapped(withCode("duplicate key value violates unique constraint \"x_pkey\"", "23505"))
    expect(classifyFailure(unique)).toEqual({ kind: "other", reason: "query failed (SQLSTATE 23505)" })
    expect(isUniqueViolation(unique)).toBe(true)
    expect(sqlStateOf(unique)).toBe("23505")
    expect(classifyFailure(wrapped(withCode("syntax error at or near \"SELEC\"", "42601"))).kind).toBe("other")
    expect(classifyFailure(wrapped(withCode("canceling statement due to statement timeout", "57014")))).toEqual({
      kind: "timeout",
      reason: "statement timed out (SQLSTATE 57014)"
    })
    expect(classifyFailure(new Error("something else")).kind).toBe("other")
    expect(classifyFailure(undefined).kind).toBe("other")
  })
})
