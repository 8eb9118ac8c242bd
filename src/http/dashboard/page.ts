/**
 * The dashboard page (`GET /monitoring/dashboard`): static markup only. Everything it runs or styles
 * is a file the Hub serves (assets.ts), so its Content-Security-Policy forbids inline script and
 * style; the script (client.js) fills the page from /monitoring/performance and /monitoring/alerts.
 * The refresh interval is read by the script from the query string: `?refresh=2` (seconds).
 */
import { DASHBOARD_ASSETS } from "./paths.js"

/** One chart: the script finds it by id and reports on it through `data-points` and `data-values`. */
const chart = (id: string, title: string): string =>
  `<figure class="chart" id="${id}" data-points="0" data-values="0"><figcaption>${title}</figcaption><div class="plot"></div></figure>`

/** A headline figure of the last minute (or since start), filled by id. */
const tile = (id: string, label: string): string =>
  `<div class="tile"><span class="label">${label}</span><span class="value" id="${id}">–</span></div>`

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Luna Hub · dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${DASHBOARD_ASSETS.uplotCss}">
<link rel="stylesheet" href="${DASHBOARD_ASSETS.dashboardCss}">
<script src="${DASHBOARD_ASSETS.uplotJs}" defer></script>
<script src="${DASHBOARD_ASSETS.dashboardJs}" defer></script>
</head>
<body data-state="loading" data-refreshes="0">
<header>
  <h1>Luna Hub</h1>
  <p id="status" role="status">Loading…</p>
</header>
<div id="error" class="error" role="alert" hidden></div>
<noscript><p class="error">The dashboard needs JavaScript.</p></noscript>
<main>
  <section class="tiles" aria-label="Headline figures">
    ${tile("tile-throughput", "Requests/s (1 min)")}
    ${tile("tile-p95", "p95 latency (1 min)")}
    ${tile("tile-error-rate", "5xx rate (1 min)")}
    ${tile("tile-cache", "Cache hit rate")}
    ${tile("tile-blocked", "Rate-limit blocks")}
    ${tile("tile-lag", "Event-loop lag p99")}
    ${tile("tile-heap", "Heap used")}
    ${tile("tile-uptime", "Uptime")}
  </section>
  <section class="panels">
    <section class="panel" aria-labelledby="dependencies-title">
      <h2 id="dependencies-title">Dependencies</h2>
      <table id="dependencies">
        <thead><tr><th>name</th><th>status</th><th>backend</th><th>latency</th><th>breaker</th></tr></thead>
        <tbody></tbody>
      </table>
    </section>
    <section class="panel" id="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <h3>Active</h3>
      <ul id="alerts-active" class="alerts"></ul>
      <h3>Recently resolved</h3>
      <ul id="alerts-recent" class="alerts"></ul>
    </section>
  </section>
  <section class="charts" aria-label="The last hour, every 10 seconds">
    ${chart("chart-latency", "Latency (ms)")}
    ${chart("chart-throughput", "Throughput (requests/s)")}
    ${chart("chart-errors", "Errors (answers per 10 s)")}
    ${chart("chart-cache", "Cache hit rate (%)")}
    ${chart("chart-rate-limit", "Rate-limit blocks (per 10 s)")}
  </section>
  <section class="panel" aria-labelledby="routes-title">
    <h2 id="routes-title">Errors by route (5 min)</h2>
    <table id="errors-by-route">
      <thead><tr><th>route</th><th>status</th><th>count</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
</body>
</html>
`

/** The page's HTML, the same for every request. */
export const dashboardPage = (): string => PAGE
