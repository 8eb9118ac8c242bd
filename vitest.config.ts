import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share one Postgres and one Redis; files isolate their data themselves.
    fileParallelism: true,
    pool: "forks"
  }
})
