// Bare node:http reference server: the "no framework" floor the Hub is
// compared against. Run as a child process by the benchmarks:
//   PORT=<port> HOST=127.0.0.1 node --import tsx bench/lib/reference-server.ts
// GET /monitoring/health and GET /monitoring/ready answer 200 with the Hub's
// health body and content-type: application/json; anything else is 404.
// Exits on SIGTERM/SIGINT, and when spawned with an IPC channel, as soon as
// that channel disconnects (parent gone).
import http from "node:http";

const port = Number(process.env["PORT"]);
const host = process.env["HOST"] ?? "127.0.0.1";
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write(`reference-server: PORT must be a port number, got ${JSON.stringify(process.env["PORT"])}\n`);
  process.exit(1);
}

// Same bytes as the Hub's GET /monitoring/health body; serialized once, since
// this server is meant to be the cheapest possible answer.
const healthBody = Buffer.from(JSON.stringify({ status: "healthy" }), "utf8");
const healthHeaders = {
  "content-type": "application/json",
  "content-length": String(healthBody.length),
};

const server = http.createServer((request, response) => {
  if (request.method === "GET" && (request.url === "/monitoring/health" || request.url === "/monitoring/ready")) {
    response.writeHead(200, healthHeaders);
    response.end(healthBody);
    return;
  }
  response.writeHead(404, { "content-length": "0" });
  response.end();
});

server.on("error", (error) => {
  process.stderr.write(`reference-server: ${error.message}\n`);
  process.exit(1);
});

server.listen(port, host);

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
// Spawned with an IPC channel: the parent dying (even by SIGKILL) closes it.
if (process.send !== undefined) process.on("disconnect", shutdown);
