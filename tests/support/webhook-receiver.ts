/**
 * A local HTTP receiver for webhook tests: records every POST body and answers with the statuses
 * it is told to (then 200).
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"

export interface WebhookReceiver {
  readonly url: string
  readonly received: Array<Record<string, any>>
  /** The next answers' statuses, in order (then 200 for ever). */
  answerNext(...statuses: ReadonlyArray<number>): void
  clear(): void
  close(): Promise<void>
}

export const startWebhookReceiver = async (): Promise<WebhookReceiver> => {
  const received: Array<Record<string, any>> = []
  let plan: Array<number> = []
  const server = http.createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => (body += chunk))
    request.on("end", () => {
      received.push(JSON.parse(body))
      response.statusCode = plan.shift() ?? 200
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    received,
    answerNext: (...statuses) => {
      plan = [...statuses]
    },
    clear: () => {
      received.length = 0
      plan = []
    },
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}
