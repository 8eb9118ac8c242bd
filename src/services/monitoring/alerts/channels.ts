/**
 * Where alerts are told: the log (always) and Alertmanager-compatible webhooks (`ALERT_WEBHOOK_URLS`).
 * A delivery never fails the evaluation: it reports its outcome. Webhooks are retried with capped,
 * jittered backoff on network errors, 429 and 5xx, each behind its own circuit breaker so a dead
 * receiver costs one refused call per alert instead of a full retry budget.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Duration, Effect, Ref, Schema } from "effect"
import { makeCircuitBreaker, retrySchedule } from "../../../resilience/index.js"
import { counterFamily } from "../metric-family.js"
import type { Alert, ChannelDelivery } from "./schema.js"

export interface Notification {
  readonly state: "firing" | "resolved"
  readonly alert: Alert
}

export interface AlertChannel {
  readonly name: string
  readonly deliver: (notification: Notification) => Effect.Effect<ChannelDelivery>
}

const notifications = counterFamily("phoenix_alert_notifications", "Alert notifications by channel and outcome")

const counted = (delivery: ChannelDelivery): Effect.Effect<ChannelDelivery> =>
  Effect.sync(() => {
    notifications({ channel: delivery.channel.startsWith("webhook") ? "webhook" : delivery.channel, outcome: delivery.outcome }).unsafeUpdate(1, [])
    return delivery
  })

export const logChannel: AlertChannel = {
  name: "log",
  deliver: ({ alert, state }) => {
    const line = `Alert ${state}: ${alert.rule} (${alert.severity}) ${alert.summary}; value ${alert.value ?? "unknown"}, threshold ${alert.threshold}`
    const log = state === "resolved" ? Effect.logInfo(line) : alert.severity === "critical" ? Effect.logError(line) : Effect.logWarning(line)
    return log.pipe(
      Effect.annotateLogs({ logger: "alerts", alert_id: alert.id, rule: alert.rule, severity: alert.severity, state }),
      Effect.zipRight(counted({ channel: "log", outcome: "delivered", attempts: 1 }))
    )
  }
}

/** The body Alertmanager sends its webhook receivers (version 4), for one alert. */
export const alertmanagerPayload = (notification: Notification, externalUrl: string) => {
  const { alert, state } = notification
  const annotations = {
    summary: alert.summary,
    description: alert.description,
    value: alert.value === null ? "" : String(alert.value),
    threshold: String(alert.threshold)
  }
  return {
    version: "4",
    groupKey: `{}:{alertname="${alert.rule}"}`,
    truncatedAlerts: 0,
    status: state,
    receiver: "luna-hub",
    groupLabels: { alertname: alert.rule },
    commonLabels: alert.labels,
    commonAnnotations: annotations,
    externalURL: externalUrl,
    alerts: [{
      status: state,
      labels: alert.labels,
      annotations,
      startsAt: alert.firedAt ?? alert.startsAt,
      // Alertmanager's "not ended yet".
      endsAt: state === "resolved" && alert.resolvedAt !== null ? alert.resolvedAt : "0001-01-01T00:00:00Z",
      generatorURL: `${externalUrl}/monitoring/alerts`,
      fingerprint: alert.id
    }]
  }
}

class WebhookRefused extends Schema.TaggedError<WebhookRefused>()("WebhookRefused", {
  status: Schema.Int,
  retryable: Schema.Boolean
}) {}

export interface WebhookOptions {
  readonly url: string
  readonly timeoutMs: number
  readonly retries: number
  readonly externalUrl: string
}

/** The receiver's origin only: a webhook URL's path often holds a token. */
const channelName = (url: string): string => `webhook ${new URL(url).origin}`

export const makeWebhookChannel = (options: WebhookOptions): Effect.Effect<AlertChannel, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const name = channelName(options.url)
    const breaker = yield* makeCircuitBreaker({ name: `alert-${name}`, failureThreshold: 3, cooldown: Duration.seconds(30), halfOpenSuccesses: 1 })
    const schedule = retrySchedule({ baseDelay: "200 millis", maxDelay: "5 seconds", maxRetries: options.retries })

    const post = (body: unknown) =>
      HttpClientRequest.post(options.url).pipe(
        HttpClientRequest.bodyJson(body),
        Effect.flatMap(client.execute),
        Effect.scoped,
        Effect.timeout(Duration.millis(options.timeoutMs)),
        Effect.flatMap((response) =>
          response.status < 300
            ? Effect.void
            : Effect.fail(new WebhookRefused({ status: response.status, retryable: response.status === 429 || response.status >= 500 }))
        )
      )

    return {
      name,
      deliver: (notification) =>
        Effect.gen(function* () {
          const attempts = yield* Ref.make(0)
          const once = Ref.update(attempts, (n) => n + 1).pipe(Effect.zipRight(post(alertmanagerPayload(notification, options.externalUrl))))
          const outcome = yield* once.pipe(
            Effect.retry({ schedule, while: (error) => !(error._tag === "WebhookRefused" && !error.retryable) }),
            breaker.run,
            Effect.either
          )
          const tried = yield* Ref.get(attempts)
          const delivery: ChannelDelivery = outcome._tag === "Right"
            ? { channel: name, outcome: "delivered", attempts: tried }
            : { channel: name, outcome: "failed", attempts: tried, error: describe(outcome.left) }
          if (delivery.outcome === "failed") {
            yield* Effect.logWarning(`Alert webhook delivery failed: ${delivery.error}`).pipe(
              Effect.annotateLogs({ logger: "alerts", channel: name, alert_id: notification.alert.id, attempts: tried })
            )
          }
          return yield* counted(delivery)
        })
    }
  })

const describe = (error: { readonly _tag: string }): string => {
  switch (error._tag) {
    case "WebhookRefused":
      return `answered ${(error as WebhookRefused).status}`
    case "CircuitOpen":
      return "breaker open after repeated failures"
    case "TimeoutException":
      return "timed out"
    default:
      return "unreachable"
  }
}
