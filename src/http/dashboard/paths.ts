/**
 * Where the dashboard lives: the page is an endpoint of the monitoring group; its files are plain
 * routes beside the HttpApi. Kept apart from page.ts and assets.ts so the edge can import the page's
 * path without reading any file.
 */

export const DASHBOARD_PATH = "/monitoring/dashboard" as const

const ASSETS_PATH = `${DASHBOARD_PATH}/assets` as const

export const DASHBOARD_ASSETS = {
  uplotJs: `${ASSETS_PATH}/uplot.js`,
  uplotCss: `${ASSETS_PATH}/uplot.css`,
  dashboardJs: `${ASSETS_PATH}/dashboard.js`,
  dashboardCss: `${ASSETS_PATH}/dashboard.css`
} as const

/** Public like the page itself (for PUBLIC_PATHS in src/http/authentication.ts). */
export const DASHBOARD_ASSET_PATHS: ReadonlyArray<string> = Object.values(DASHBOARD_ASSETS)
