// Fresh databases for bench:energy on the local Postgres of TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test): `luna_bench_energy_<token>`, created here and dropped
// by the cleanup registry however the bench ends (connections terminated first). No PGlite
// fallback: the bench measures the production path (Postgres, cluster runners over SQL).
import { spawnSync } from "node:child_process";
import { registerCleanup } from "./cleanup.js";
import { DEFAULT_TEST_DATABASE_URL, loopbackUrl, withClient } from "./events-database.js";

export interface EnergyBenchDatabase {
  readonly name: string;
  /** postgres://…/<name>, host forced to 127.0.0.1. */
  readonly url: string;
  /** e.g. "Postgres 15.20 at 127.0.0.1:5432". */
  readonly server: string;
}

const token = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** The admin URL (TEST_DATABASE_URL or the default) on loopback; throws if it is not local. */
export const adminUrlFromEnv = (): string => {
  const raw = process.env["TEST_DATABASE_URL"];
  const target = loopbackUrl(raw === undefined || raw.trim() === "" ? DEFAULT_TEST_DATABASE_URL : raw);
  if ("problem" in target) throw new Error(`bench:energy needs a local Postgres: ${target.problem}`);
  return target.url;
};

const dropSql = (name: string): string => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`;

/** CREATE DATABASE luna_bench_energy_<token>; dropped at cleanup. */
export const createEnergyDatabase = async (adminUrl: string): Promise<EnergyBenchDatabase> => {
  const name = `luna_bench_energy_${token()}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  registerCleanup({
    name: `drop database ${name}`,
    run: () =>
      withClient(adminUrl, async (c) => {
        await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
        await c.query(dropSql(name));
      }),
    // Last resort on a hard exit: psql, if it is installed (best effort).
    runSync: () => {
      spawnSync("psql", [adminUrl, "-qc", dropSql(name)], { stdio: "ignore", timeout: 5_000 });
    },
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const version = await withClient(url.toString(), (c) => c.query<{ v: string }>("SELECT current_setting('server_version') AS v"));
  return { name, url: url.toString(), server: `Postgres ${version.rows[0]?.v ?? "?"} at 127.0.0.1:${url.port || "5432"}` };
};
