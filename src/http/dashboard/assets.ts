/**
 * The dashboard's files, served by the Hub itself (never a CDN: the page must work offline and
 * its CSP allows scripts from the Hub only): uPlot from the installed package, and the page's own
 * script and styles from this folder. Each file is read once, when the layer is built; a missing
 * file stops the start rather than breaking the page later.
 */
import { HttpLayerRouter, type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { DASHBOARD_ASSETS } from "./paths.js"

const JAVASCRIPT = "text/javascript; charset=utf-8"
const CSS = "text/css; charset=utf-8"

/**
 * The names do not change with the content, so browsers keep a file for five minutes, then ask
 * again with its ETag and get an empty 304 when it is unchanged.
 */
const CACHE_CONTROL = "public, max-age=300"

const packageFile = createRequire(import.meta.url).resolve
const localFile = (name: string): string => fileURLToPath(new URL(name, import.meta.url))

const ASSETS: ReadonlyArray<{ readonly path: HttpLayerRouter.PathInput; readonly file: () => string; readonly contentType: string }> = [
  { path: DASHBOARD_ASSETS.uplotJs, file: () => packageFile("uplot/dist/uPlot.iife.min.js"), contentType: JAVASCRIPT },
  { path: DASHBOARD_ASSETS.uplotCss, file: () => packageFile("uplot/dist/uPlot.min.css"), contentType: CSS },
  { path: DASHBOARD_ASSETS.dashboardJs, file: () => localFile("./client.js"), contentType: JAVASCRIPT },
  { path: DASHBOARD_ASSETS.dashboardCss, file: () => localFile("./style.css"), contentType: CSS }
]

/** The handler of one file, its bytes and ETag computed once. */
const serveFile = (file: string, contentType: string) => {
  const body = readFileSync(file)
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`
  const headers = { "cache-control": CACHE_CONTROL, etag }
  const notModified = HttpServerResponse.empty({ status: 304, headers })
  const full = HttpServerResponse.uint8Array(body, { contentType, headers })
  return (request: HttpServerRequest.HttpServerRequest) =>
    Effect.succeed(request.headers["if-none-match"] === etag ? notModified : full)
}

/** GET routes for the dashboard's files on the shared router; add to `HubRoutes`. */
export const DashboardAssets = HttpLayerRouter.use((router) =>
  Effect.forEach(
    ASSETS,
    (asset) => Effect.flatMap(Effect.sync(() => serveFile(asset.file(), asset.contentType)), (handler) => router.add("GET", asset.path, handler)),
    { discard: true }
  )
)
