/**
 * The dashboard page: over plain HTTP (the page, its files, their types and the page's policy),
 * then in headless Chromium (Debian `chromium` driven by playwright-core): it loads without a
 * console error under its CSP, draws the Hub's figures, shows the dependencies, shows a test
 * alert after `POST /monitoring/alerts/test`, and shows an error state when a fetch fails.
 * Screenshots go to test-output/. Chromium must be installed (`.ci/run` installs it as root):
 * without it the browser tests fail, they are never skipped.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { type Duration, Effect, Schedule } from "effect"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"
import { DASHBOARD_ASSET_PATHS } from "../../src/http/dashboard/paths.js"
import { DASHBOARD_SECURITY_HEADERS } from "../../src/http/security-headers.js"
import { backendsUnderTest } from "../support/backends.js"
import { call, callAs, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

/** Written out, not taken from the source: the test is the specification. */
const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'"

const ASSETS: ReadonlyArray<{ readonly path: string; readonly contentType: string }> = [
  { path: "/monitoring/dashboard/assets/uplot.js", contentType: "text/javascript" },
  { path: "/monitoring/dashboard/assets/uplot.css", contentType: "text/css" },
  { path: "/monitoring/dashboard/assets/dashboard.js", contentType: "text/javascript" },
  { path: "/monitoring/dashboard/assets/dashboard.css", contentType: "text/css" }
]

const OUTPUT = fileURLToPath(new URL("../../test-output/", import.meta.url))
const CHARTS = ["chart-latency", "chart-throughput", "chart-errors", "chart-cache", "chart-rate-limit"]
/** The page refreshes every second here, so that each wait below is short. */
const PAGE = "/monitoring/dashboard?refresh=1"

/** Debian's `chromium` on PATH (or CHROMIUM_PATH); a clear failure when it is missing. */
const chromiumPath = (): string => {
  const candidates = [
    ...(process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : []),
    ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, "chromium"))
  ]
  const found = candidates.find((file) => existsSync(file))
  if (found === undefined) {
    throw new Error(
      "Chromium is not installed: the dashboard tests need Debian's `chromium` on PATH (or CHROMIUM_PATH). " +
        "Install it with `apt-get install -y chromium` (as root; .ci/run does it)."
    )
  }
  return found
}

/** A browser for the length of `use`, closed whatever happens. */
const withBrowser = <A, E, R>(use: (browser: Browser) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.promise(() =>
      chromium.launch({
        executablePath: chromiumPath(),
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
      })
    ),
    use,
    (browser) => Effect.promise(() => browser.close())
  )

/** What went wrong in the page: console errors, uncaught errors, failed or refused requests. */
const watch = (page: Page): Array<string> => {
  const problems: Array<string> = []
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`)
  })
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`))
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
  })
  return problems
}

const attribute = (page: Page, selector: string, name: string) =>
  Effect.promise(() => page.locator(selector).getAttribute(name))

/**
 * `self` again every 100 ms until `until` holds; after `timeout`, a failure naming `what` and what
 * went wrong in the page meanwhile (a missing file, a refused script: the likely causes).
 */
const waitFor = <A, E, R>(
  what: string,
  self: Effect.Effect<A, E, R>,
  until: (a: A) => boolean,
  timeout: Duration.DurationInput,
  problems: ReadonlyArray<string>
) =>
  self.pipe(
    Effect.repeat({ schedule: Schedule.spaced("100 millis"), until }),
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () => new Error(`timed out waiting for ${what}; the page reported: ${JSON.stringify(problems)}`)
    }),
    Effect.orDie
  )

/** The part of a canvas the pixel check reads (the test's types have no DOM). */
interface CanvasLike {
  readonly width: number
  readonly height: number
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> } }
}

const screenshot = (page: Page, name: string) =>
  Effect.promise(() => {
    mkdirSync(OUTPUT, { recursive: true })
    return page.screenshot({ path: path.join(OUTPUT, name), fullPage: true })
  })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`dashboard (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("the page answers HTML under its own policy, and names only the Hub's files", () =>
        Effect.gen(function* () {
          const answer = yield* callAs(undefined, "/monitoring/dashboard")
          expect(answer.status, answer.text).toBe(200)
          expect(answer.headers.get("content-type")).toContain("text/html")
          expect(answer.headers.get("content-security-policy")).toBe(DASHBOARD_CSP)
          expect(answer.headers.get("x-content-type-options")).toBe("nosniff")
          // No inline script: every <script> has a src, and every src/href is one of the Hub's files.
          expect(answer.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
          const references = [...answer.text.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1])
          expect([...references].sort()).toEqual([...DASHBOARD_ASSET_PATHS, "data:,"].sort())
          expect(answer.text).not.toMatch(/https?:|\/\/[a-z]/i)
          // With a query string too; a neighbouring path is an unknown route with the strict policy.
          const refreshed = yield* callAs(undefined, "/monitoring/dashboard?refresh=2")
          expect(refreshed.headers.get("content-security-policy")).toBe(DASHBOARD_CSP)
          const neighbour = yield* callAs(undefined, "/monitoring/dashboardx")
          expect(neighbour.status).toBe(404)
          expect(neighbour.headers.get("content-security-policy")).toBe(STRICT_CSP)
        }))

      it.effect("each file answers without credentials, typed, cached, and revalidated by ETag", () =>
        Effect.gen(function* () {
          expect([...DASHBOARD_ASSET_PATHS].sort()).toEqual(ASSETS.map((a) => a.path).sort())
          for (const asset of ASSETS) {
            const answer = yield* callAs(undefined, asset.path)
            expect(answer.status, asset.path).toBe(200)
            expect(answer.headers.get("content-type"), asset.path).toContain(asset.contentType)
            expect(answer.headers.get("cache-control"), asset.path).toBe("public, max-age=300")
            expect(answer.text.length, asset.path).toBeGreaterThan(100)
            const etag = answer.headers.get("etag")
            expect(etag, asset.path).toMatch(/^"[\w-]+"$/)
            const again = yield* callAs(undefined, asset.path, { headers: { "if-none-match": etag! } })
            expect(again.status, asset.path).toBe(304)
            expect(again.text).toBe("")
          }
          // uPlot is the installed package's own file, not a copy that could drift.
          const uplot = yield* callAs(undefined, "/monitoring/dashboard/assets/uplot.js")
          const installed = createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js")
          expect(uplot.text).toBe(readFileSync(installed, "utf8"))
        }))

      it.effect("in Chromium: loads cleanly, draws the figures and dependencies, then shows a test alert", () =>
        Effect.gen(function* () {
          const hub = yield* TestHub
          // Traffic to draw: successes and a few 404s.
          yield* Effect.forEach(Array.from({ length: 40 }), () => call("/monitoring/health"), { concurrency: 4 })
          yield* Effect.forEach(Array.from({ length: 5 }), () => call("/nowhere"), { concurrency: 5 })

          yield* withBrowser((browser) =>
            Effect.gen(function* () {
              const page = yield* Effect.promise(() => browser.newPage({ viewport: { width: 1280, height: 1000 } }))
              const problems = watch(page)
              yield* Effect.promise(() => page.goto(`${hub.url}${PAGE}`))
              // Two steps of the hour give every chart a line; the current step comes at once.
              const points = attribute(page, "#chart-latency", "data-points")
              yield* waitFor("two points on the latency chart", points, (n) => Number(n) >= 2, "25 seconds", problems)
              expect(yield* attribute(page, "body", "data-state")).toBe("ok")
              expect(yield* Effect.promise(() => page.locator("#error").isHidden())).toBe(true)

              for (const id of CHARTS) {
                const canvas = yield* Effect.promise(() => page.locator(`#${id} canvas`).boundingBox())
                expect(canvas, id).not.toBeNull()
                expect(canvas!.width, id).toBeGreaterThan(100)
                expect(canvas!.height, id).toBeGreaterThan(50)
                expect(Number(yield* attribute(page, `#${id}`, "data-points")), id).toBeGreaterThanOrEqual(2)
              }
              // Latencies and throughput of the traffic above, drawn as values (not gaps).
              expect(Number(yield* attribute(page, "#chart-latency", "data-values"))).toBeGreaterThan(0)
              expect(Number(yield* attribute(page, "#chart-throughput", "data-values"))).toBeGreaterThan(0)
              // The throughput line is on the canvas: pixels of its colour (#2f7ed8).
              const linePixels = yield* Effect.promise(() =>
                page.locator("#chart-throughput canvas").evaluate((canvas: CanvasLike) => {
                  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data
                  let count = 0
                  for (let i = 0; i < pixels.length; i += 4) {
                    if (Math.abs(pixels[i]! - 0x2f) < 24 && Math.abs(pixels[i + 1]! - 0x7e) < 24 && Math.abs(pixels[i + 2]! - 0xd8) < 24) count++
                  }
                  return count
                })
              )
              expect(linePixels).toBeGreaterThan(10)

              expect(yield* attribute(page, '[data-dependency="database"]', "class")).toContain("status-up")
              expect(yield* attribute(page, '[data-dependency="redis"]', "class")).toContain("status-up")
              const dependencies = yield* Effect.promise(() => page.locator("#dependencies").innerText())
              expect(dependencies).toContain(backend.name === "real" ? "postgres" : "pglite")
              expect(dependencies).toContain(backend.name === "real" ? "redis" : "memory")

              const fired = yield* call("/monitoring/alerts/test", { method: "POST" })
              expect(fired.status, fired.text).toBe(200)
              const alert = page.locator('#alerts li[data-rule="test_alert"]').first()
              yield* waitFor("the test alert", Effect.promise(() => alert.count()), (n) => n > 0, "10 seconds", problems)
              expect(yield* Effect.promise(() => alert.innerText())).toContain("test_alert")

              yield* screenshot(page, `dashboard-${backend.name}.png`)
              expect(problems).toEqual([])
            })
          )
        }), 90_000)

      it.effect("in Chromium: a failed fetch shows an error state in the page, and the page recovers", () =>
        Effect.gen(function* () {
          const hub = yield* TestHub
          yield* withBrowser((browser) =>
            Effect.gen(function* () {
              const page = yield* Effect.promise(() => browser.newPage({ viewport: { width: 1280, height: 800 } }))
              const problems = watch(page)
              const failing = "**/monitoring/performance"
              yield* Effect.promise(() =>
                page.route(failing, (route) =>
                  route.fulfill({
                    status: 503,
                    contentType: "application/json",
                    body: JSON.stringify({ error: { tag: "ServiceUnavailable", message: "figures are resting" } })
                  })
                )
              )
              yield* Effect.promise(() => page.goto(`${hub.url}${PAGE}`))
              yield* waitFor("the error state", attribute(page, "body", "data-state"), (state) => state === "error", "10 seconds", problems)
              const banner = yield* Effect.promise(() => page.locator("#error").innerText())
              expect(banner).toContain("/monitoring/performance: figures are resting")
              yield* screenshot(page, `dashboard-error-${backend.name}.png`)

              yield* Effect.promise(() => page.unroute(failing))
              yield* waitFor("the page to recover", attribute(page, "body", "data-state"), (state) => state === "ok", "10 seconds", problems)
              expect(yield* Effect.promise(() => page.locator("#error").isHidden())).toBe(true)
              // The browser reports the 503 itself; the page's own script logs nothing.
              const expected = (p: string) =>
                p === `HTTP 503: ${hub.url}/monitoring/performance` ||
                p.startsWith("console: Failed to load resource: the server responded with a status of 503")
              expect(problems.filter((p) => !expected(p))).toEqual([])
            })
          )
        }), 60_000)
    })
  })
}

describe("dashboard security headers", () => {
  it("are the common ones with the dashboard's policy", () => {
    expect(DASHBOARD_SECURITY_HEADERS["content-security-policy"]).toBe(DASHBOARD_CSP)
    expect(DASHBOARD_SECURITY_HEADERS["x-frame-options"]).toBe("DENY")
  })
})
