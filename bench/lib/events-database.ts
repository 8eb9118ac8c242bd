// Where bench:events runs: a fresh database `luna_bench_<token>` on the local Postgres of
// TEST_DATABASE_URL when it answers (dropped at the end), else embedded PGlite in a temp
// DATA_DIR (removed at the end). Both are scoped resources: interrupting the bench cleans up too.
import { Effect, type Scope } from "effect";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as Pg from "pg";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
const CONNECT_TIMEOUT_MS = 2_000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

export interface BenchDatabase {
  readonly backend: "postgres" | "pglite";
  /** Settings for HubConfig.fromRecord: DATABASE_URL, or DATA_DIR. */
  readonly env: Readonly<Record<string, string>>;
  /** For the raw pg.Pool on Postgres (the PGlite socket is only known once the layer is up). */
  readonly url?: string;
  /** One line for the report: which database, and why. */
  readonly description: string;
}

const token = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

const describe = (error: unknown): string => {
  const code = (error as { readonly code?: unknown }).code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message : String(error);
};

export const withClient = async <A>(url: string, f: (client: Pg.Client) => Promise<A>): Promise<A> => {
  const client = new Pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** The admin URL with its host forced to 127.0.0.1, or why it cannot be used. */
export const loopbackUrl = (raw: string): { readonly url: string } | { readonly problem: string } => {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { problem: "TEST_DATABASE_URL is not a URL" };
  }
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) return { problem: `TEST_DATABASE_URL host ${parsed.hostname} is not 127.0.0.1 (traffic stays local)` };
  parsed.hostname = "127.0.0.1";
  return { url: parsed.toString() };
};

const postgres = (adminUrl: string): Effect.Effect<BenchDatabase, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const name = `luna_bench_${token()}`;
      await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const version = await withClient(url.toString(), (c) => c.query<{ v: string }>("SELECT current_setting('server_version') AS v"));
      return {
        backend: "postgres" as const,
        env: { DATABASE_URL: url.toString() },
        url: url.toString(),
        description: `Postgres ${version.rows[0]?.v ?? "?"} at 127.0.0.1:${url.port || "5432"}, fresh database ${name} (dropped at the end)`,
      };
    }),
    (db) =>
      Effect.promise(async () => {
        const name = new URL(db.url ?? "").pathname.slice(1);
        await withClient(adminUrl, async (c) => {
          await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      }).pipe(Effect.catchAllDefect((defect) => Effect.sync(() => process.stderr.write(`[bench:events] could not drop the bench database: ${describe(defect)}\n`)))),
  );

const pglite = (reason: string): Effect.Effect<BenchDatabase, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "luna-bench-events-"))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 })),
  ).pipe(
    Effect.map((dir) => ({
      backend: "pglite" as const,
      env: { DATA_DIR: dir },
      description: `embedded PGlite in a temp DATA_DIR (${reason})`,
    })),
  );

/** Postgres if TEST_DATABASE_URL (default DEFAULT_TEST_DATABASE_URL) answers on loopback, else PGlite. */
export const benchDatabase = (rawUrl: string | undefined): Effect.Effect<BenchDatabase, never, Scope.Scope> =>
  Effect.gen(function* () {
    const target = loopbackUrl(rawUrl === undefined || rawUrl.trim() === "" ? DEFAULT_TEST_DATABASE_URL : rawUrl);
    if ("problem" in target) return yield* pglite(target.problem);
    const answer = yield* Effect.promise(() =>
      withClient(target.url, (c) => c.query("SELECT 1")).then(
        () => undefined,
        (error: unknown) => describe(error),
      ),
    );
    if (answer !== undefined) return yield* pglite(`Postgres at TEST_DATABASE_URL did not answer: ${answer}`);
    return yield* postgres(target.url);
  });
