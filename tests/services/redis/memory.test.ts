/** What only the memory store does: its bounded background sweep of expired keys. */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream, TestClock } from "effect"
import { makeMemoryRedisStore } from "../../../src/services/redis/memory.js"
import { SWEEP_BUDGET } from "../../../src/services/redis/settings.js"

describe("the memory store", () => {
  it.scoped("sweeps expired keys without being asked, a bounded batch per tick", () =>
    Effect.gen(function*() {
      const memory = yield* makeMemoryRedisStore({ keyPrefix: "t:" })
      const count = SWEEP_BUDGET + 500
      yield* Effect.forEach(Array.from({ length: count }, (_, i) => `k${i}`), (k) => memory.service.set(k, "v", { ttlMs: 100 }), {
        discard: true
      })
      yield* memory.service.set("forever", "v")
      expect(yield* memory.size).toBe(count + 1)
      yield* TestClock.adjust("1 second")
      // One tick examines at most SWEEP_BUDGET entries.
      expect(yield* memory.size).toBe(count + 1 - SWEEP_BUDGET)
      yield* TestClock.adjust("1 second")
      expect(yield* memory.size).toBe(1)
      expect(Chunk.toArray(yield* Stream.runCollect(memory.service.scan("*")))).toEqual(["forever"])
    }))
})
