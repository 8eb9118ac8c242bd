/*
 * The dashboard's script, run by the browser (served as /monitoring/dashboard/assets/dashboard.js;
 * never imported by the Hub). Plain JS, no build step: it fetches /monitoring/performance and
 * /monitoring/alerts every `?refresh=` seconds (default 5), draws the last hour with uPlot and fills
 * the panels. Failures show in the page's error banner, not the console, and the last good figures
 * stay on screen. Server text is only ever set through textContent (never parsed as HTML).
 */
;(function () {
  "use strict"

  var PERFORMANCE_URL = "/monitoring/performance"
  var ALERTS_URL = "/monitoring/alerts"
  var FETCH_TIMEOUT_MS = 10000
  var CHART_HEIGHT = 180

  /** Seconds between refreshes: `?refresh=N`, 1 to 300, default 5. */
  function refreshSeconds() {
    var asked = Number(new URLSearchParams(location.search).get("refresh"))
    return Number.isFinite(asked) && asked >= 1 ? Math.min(asked, 300) : 5
  }

  // --- formatting -----------------------------------------------------------------------------

  function num(value, digits) {
    return value === null || value === undefined ? "–" : value.toFixed(digits)
  }
  function ms(value) {
    return value === null || value === undefined ? "–" : (value < 10 ? value.toFixed(2) : value.toFixed(0)) + " ms"
  }
  function pct(value) {
    return value === null || value === undefined ? "–" : value.toFixed(1) + " %"
  }
  function bytes(value) {
    return value === null || value === undefined ? "–" : (value / 1048576).toFixed(1) + " MiB"
  }
  function duration(seconds) {
    var s = Math.floor(seconds)
    if (s < 120) return s + " s"
    if (s < 7200) return Math.floor(s / 60) + " min"
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min"
  }
  function time(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : "–"
  }

  // --- DOM helpers ----------------------------------------------------------------------------

  function byId(id) {
    return document.getElementById(id)
  }
  function setText(id, text) {
    byId(id).textContent = text
  }
  /** An element with a class and text; `children` are appended after the text. */
  function el(tag, className, text, children) {
    var node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined && text !== null) node.textContent = String(text)
    if (children) children.forEach(function (child) { node.appendChild(child) })
    return node
  }
  function fillRows(tbody, rows) {
    tbody.replaceChildren.apply(tbody, rows.map(function (cells) {
      return el("tr", null, null, cells.map(function (cell) {
        return cell instanceof Node ? el("td", null, null, [cell]) : el("td", null, cell)
      }))
    }))
  }

  // --- charts ---------------------------------------------------------------------------------

  /** Each chart's series: label, colour, and how to read it from a performance point. */
  var CHARTS = [
    { id: "chart-latency", series: [
      ["p50", "#2f7ed8", function (p) { return p.latencyMs.p50 }],
      ["p95", "#e69500", function (p) { return p.latencyMs.p95 }],
      ["p99", "#c0392b", function (p) { return p.latencyMs.p99 }]
    ] },
    { id: "chart-throughput", series: [["requests/s", "#2f7ed8", function (p) { return p.throughputPerSecond }]] },
    { id: "chart-errors", series: [
      ["5xx", "#c0392b", function (p) { return p.serverErrors }],
      ["4xx", "#e69500", function (p) { return p.clientErrors }]
    ] },
    { id: "chart-cache", range: [0, 100], series: [["hit rate %", "#27ae60", function (p) { return p.cacheHitRatePct }]] },
    { id: "chart-rate-limit", series: [["blocked", "#8e44ad", function (p) { return p.rateLimitBlocked }]] }
  ]

  var plots = {}

  function plotWidth(figure) {
    return Math.max(200, figure.querySelector(".plot").clientWidth)
  }

  /** Local clock times: uPlot's default adds the date at the left edge, where it is cut off. */
  function timeLabels(u, splits) {
    var seconds = u.scales.x.max - u.scales.x.min < 600
    var format = seconds ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { hour: "2-digit", minute: "2-digit" }
    return splits.map(function (at) { return new Date(at * 1000).toLocaleTimeString([], format) })
  }

  function makePlot(chart, figure, data) {
    var options = {
      width: plotWidth(figure),
      height: CHART_HEIGHT,
      // x values are Unix seconds (uPlot's default time scale).
      series: [{}].concat(chart.series.map(function (s) {
        return { label: s[0], stroke: s[1], width: 2, spanGaps: false }
      })),
      axes: [{ space: 70, values: timeLabels }, { size: 50 }],
      // The legend names the series; values under the cursor would flicker with every refresh.
      legend: { live: false },
      scales: chart.range ? { y: { range: chart.range } } : {}
    }
    return new uPlot(options, data, figure.querySelector(".plot"))
  }

  /** Draws every chart from the points; reports on each figure how many points and values it drew. */
  function drawCharts(points) {
    var xs = points.map(function (p) { return Date.parse(p.at) / 1000 })
    CHARTS.forEach(function (chart) {
      var figure = byId(chart.id)
      var columns = chart.series.map(function (s) {
        return points.map(function (p) { var v = s[2](p); return v === undefined ? null : v })
      })
      var data = [xs].concat(columns)
      if (plots[chart.id]) plots[chart.id].setData(data)
      else plots[chart.id] = makePlot(chart, figure, data)
      var values = columns.reduce(function (n, column) {
        return n + column.filter(function (v) { return v !== null }).length
      }, 0)
      figure.dataset.points = String(xs.length)
      figure.dataset.values = String(values)
    })
  }

  var resizePending = false
  window.addEventListener("resize", function () {
    if (resizePending) return
    resizePending = true
    requestAnimationFrame(function () {
      resizePending = false
      Object.keys(plots).forEach(function (id) {
        plots[id].setSize({ width: plotWidth(byId(id)), height: CHART_HEIGHT })
      })
    })
  })

  // --- panels ---------------------------------------------------------------------------------

  function drawTiles(current) {
    var minute = current.windows.oneMinute
    setText("tile-throughput", num(minute.throughputPerSecond, 2))
    setText("tile-p95", ms(minute.latencyMs.p95))
    setText("tile-error-rate", pct(minute.errorRatePct))
    setText("tile-cache", pct(current.cache.hitRatePct))
    setText("tile-blocked", String(current.rateLimit.blocked))
    setText("tile-lag", ms(current.runtime.eventLoopLagMs.p99))
    setText("tile-heap", bytes(current.runtime.heapUsedBytes))
    setText("tile-uptime", duration(current.uptimeSeconds))
  }

  function drawDependencies(dependencies) {
    var rows = ["database", "redis"].map(function (name) {
      var d = dependencies[name]
      var badge = el("span", "badge status-" + d.status, d.status)
      badge.dataset.dependency = name
      return [name, badge, d.backend, ms(d.latencyMs), d.breaker.replace("_", "-")]
    })
    fillRows(document.querySelector("#dependencies tbody"), rows)
  }

  function drawErrorsByRoute(errors) {
    var rows = errors.map(function (e) { return [e.route, String(e.status), String(e.count)] })
    if (rows.length === 0) rows = [["none", "", ""]]
    fillRows(document.querySelector("#errors-by-route tbody"), rows)
  }

  function alertItem(alert) {
    var value = alert.value === null ? "unknown" : String(Math.round(alert.value * 100) / 100)
    var when = alert.state === "resolved"
      ? "resolved " + time(alert.resolvedAt)
      : (alert.firedAt ? "firing since " + time(alert.firedAt) : "pending since " + time(alert.startsAt))
    var item = el("li", "alert severity-" + alert.severity + " state-" + alert.state, null, [
      el("span", "badge", alert.state),
      el("span", "badge severity", alert.severity),
      el("strong", "rule", alert.rule),
      el("span", "summary", alert.summary),
      el("span", "detail", "value " + value + " / threshold " + alert.threshold + " · " + when)
    ])
    item.title = alert.description
    item.dataset.rule = alert.rule
    item.dataset.state = alert.state
    return item
  }

  function drawAlertList(id, alerts, empty) {
    var list = byId(id)
    var items = alerts.map(alertItem)
    list.replaceChildren.apply(list, items.length > 0 ? items : [el("li", "none", empty)])
  }

  function drawAlerts(report) {
    drawAlertList("alerts-active", report.active, "None")
    drawAlertList("alerts-recent", report.recent.slice(0, 10), "None")
    byId("alerts").dataset.active = String(report.active.length)
  }

  // --- fetching -------------------------------------------------------------------------------

  /** The JSON body, or an Error naming the URL and the Hub's error message when there is one. */
  function getJson(url) {
    return fetch(url, { cache: "no-store", headers: { accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
      .then(function (response) {
        return response.text().then(function (text) {
          var body
          try { body = JSON.parse(text) } catch (e) { body = undefined }
          if (response.ok && body !== undefined) return body
          var reason = body && body.error && body.error.message ? body.error.message : "HTTP " + response.status
          throw new Error(url + ": " + reason)
        })
      }, function (error) {
        throw new Error(url + ": " + (error && error.name === "TimeoutError" ? "no answer" : "unreachable"))
      })
  }

  /** Runs a drawing step; a failure (say, an unexpected body) becomes a message, not a page error. */
  function attempt(what, step, problems) {
    try { step() } catch (error) { problems.push("Could not draw " + what + ": " + (error && error.message)) }
  }

  var refreshes = 0
  /** When the figures on screen were fetched (null: never). */
  var shownSince = null

  function refresh(every) {
    return Promise.allSettled([getJson(PERFORMANCE_URL), getJson(ALERTS_URL)]).then(function (results) {
      var problems = []
      var performance = results[0]
      var alerts = results[1]
      if (performance.status === "fulfilled") {
        var report = performance.value
        shownSince = new Date()
        attempt("the charts", function () { drawCharts(report.points) }, problems)
        attempt("the figures", function () {
          drawTiles(report.current)
          drawDependencies(report.current.dependencies)
          drawErrorsByRoute(report.current.errorsByRoute)
        }, problems)
      } else problems.push(performance.reason.message)
      if (alerts.status === "fulfilled") attempt("the alerts", function () { drawAlerts(alerts.value) }, problems)
      else problems.push(alerts.reason.message)

      refreshes += 1
      document.body.dataset.refreshes = String(refreshes)
      document.body.dataset.state = problems.length > 0 ? "error" : "ok"
      var banner = byId("error")
      banner.hidden = problems.length === 0
      var shown = shownSince === null ? "" : "; figures below are from " + shownSince.toLocaleTimeString()
      banner.textContent = problems.length === 0 ? "" : problems.join(" · ") + " (retrying every " + every + " s" + shown + ")"
      setText("status", (problems.length > 0 ? "Last attempt " : "Updated ") + new Date().toLocaleTimeString() + " · refreshing every " + every + " s")
    })
  }

  function showProblem(message) {
    var banner = byId("error")
    banner.textContent = message
    banner.hidden = false
    document.body.dataset.state = "error"
  }

  function start() {
    if (typeof uPlot !== "function") return showProblem("The chart library did not load.")
    var every = refreshSeconds()
    // One refresh at a time: the next is scheduled when the previous one is done. A hidden tab
    // stops refreshing (nobody looks) and refreshes as soon as it is shown again.
    var timer
    var busy = false
    function tick() {
      clearTimeout(timer)
      if (busy || document.hidden) return
      busy = true
      refresh(every)
        .catch(function (error) { showProblem("The dashboard failed: " + (error && error.message)) })
        .then(function () {
          busy = false
          timer = setTimeout(tick, every * 1000)
        })
    }
    document.addEventListener("visibilitychange", function () { if (!document.hidden) tick() })
    tick()
  }

  start()
})()
