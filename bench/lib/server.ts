// Spawning servers under test as child processes (`node --import tsx <entry>`),
// waiting for them to be ready, and stopping them. Every child and temp dir is
// registered with the cleanup registry, so it is gone however the bench ends.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { registerCleanup } from "./cleanup.js";
import { LOOPBACK, httpGet } from "./net.js";

/** The repository root (bench/lib/../..). Children run with this cwd. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A fresh directory under os.tmpdir(), removed at cleanup unless `keep`
 * (then its path is printed to stderr so it can be inspected).
 */
export const createTempDir = (prefix: string, keep: boolean): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = (): void => {
    if (keep) {
      process.stderr.write(`kept temp dir ${dir}\n`);
      return;
    }
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  registerCleanup({
    name: `remove ${dir}`,
    run: async () => remove(),
    runSync: remove,
  });
  return dir;
};

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

const describeExit = (exit: ExitInfo): string =>
  exit.error !== undefined
    ? `failed to start: ${exit.error.message}`
    : exit.signal !== null
      ? `was killed by ${exit.signal}`
      : `exited with code ${String(exit.code)}`;

export interface SpawnServerOptions {
  /** Label used in messages and log file names. */
  readonly name: string;
  /** Entry module, relative to REPO_ROOT (e.g. "src/main.ts"). */
  readonly entry: string;
  readonly port: number;
  /** Extra environment on top of the inherited one (PORT and HOST are set for you). */
  readonly env?: Readonly<Record<string, string>>;
  /** Inherited variables to remove (e.g. DATABASE_URL). */
  readonly unsetEnv?: readonly string[];
  /** Extra node flags before `--import tsx` (e.g. --cpu-prof, not allowed in NODE_OPTIONS). */
  readonly nodeArgs?: readonly string[];
  /** Where `<name>.stdout.log` / `<name>.stderr.log` are written. */
  readonly logDir: string;
  /**
   * Open an IPC channel to the child; it disconnects when this process dies,
   * so a cooperating child (our reference server) can exit then. Default: no.
   */
  readonly ipc?: boolean;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly exited: Promise<ExitInfo>;
  /** Undefined while running. */
  exitInfo(): ExitInfo | undefined;
  /** Bytes the child has written to stdout so far. */
  stdoutBytes(): number;
  /** Last `lines` lines of the child's stderr (or stdout). */
  tail(stream: "stdout" | "stderr", lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const TAIL_BYTES = 64 * 1024;

const readTail = (file: string, lines: number): string => {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

/**
 * Starts `process.execPath --import tsx <entry>` with cwd REPO_ROOT and
 * PORT/HOST=127.0.0.1 set. stdout/stderr go straight to files (no pipe for
 * this process to drain while it is generating load).
 */
export const spawnServer = (options: SpawnServerOptions): ServerProcess => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PORT: String(options.port), HOST: LOOPBACK };
  for (const name of options.unsetEnv ?? []) delete env[name];

  fs.mkdirSync(options.logDir, { recursive: true });
  const stdoutFile = path.join(options.logDir, `${options.name}.stdout.log`);
  const stderrFile = path.join(options.logDir, `${options.name}.stderr.log`);
  const stdoutFd = fs.openSync(stdoutFile, "w");
  const stderrFd = fs.openSync(stderrFile, "w");

  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", options.entry], {
    cwd: REPO_ROOT,
    env,
    stdio: options.ipc === true ? ["ignore", stdoutFd, stderrFd, "ipc"] : ["ignore", stdoutFd, stderrFd],
  });
  fs.closeSync(stdoutFd);
  fs.closeSync(stderrFd);

  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      exit ??= { code, signal };
      resolve(exit);
    });
    child.once("error", (error) => {
      // 'error' without 'exit' means the process never started.
      if (child.pid === undefined) {
        exit ??= { code: null, signal: null, error };
        resolve(exit);
      }
    });
  });
  // Later 'error' events (failed kill, broken IPC channel) must not crash the bench.
  child.on("error", () => undefined);

  const killSync = (): void => {
    if (exit === undefined) child.kill("SIGKILL");
  };

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (exit !== undefined) return;
    child.kill("SIGTERM");
    const result = await Promise.race([exited, sleep(graceMs).then(() => undefined)]);
    if (result === undefined) {
      process.stderr.write(`${options.name} did not exit within ${graceMs} ms of SIGTERM; sending SIGKILL\n`);
      child.kill("SIGKILL");
      await Promise.race([exited, sleep(2_000)]);
    }
  };

  registerCleanup({ name: `stop ${options.name}`, run: () => stop(), runSync: killSync });

  return {
    name: options.name,
    pid: child.pid,
    origin: `http://${LOOPBACK}:${options.port}`,
    exited,
    exitInfo: () => exit,
    stdoutBytes: () => {
      try {
        return fs.statSync(stdoutFile).size;
      } catch {
        return 0;
      }
    },
    tail: (stream, lines = 30) => readTail(stream === "stdout" ? stdoutFile : stderrFile, lines),
    stop,
  };
};

/** Error text with the child's exit status and stderr tail (stdout if stderr is empty). */
export const describeServerFailure = (server: ServerProcess, headline: string): string => {
  const exit = server.exitInfo();
  const status = exit === undefined ? "" : ` (${server.name} ${describeExit(exit)})`;
  const stderr = server.tail("stderr");
  const output = stderr !== "" ? { label: "stderr", text: stderr } : { label: "stdout", text: server.tail("stdout") };
  const body = output.text === "" ? `\n(${server.name} wrote nothing to stdout/stderr)` : `\n--- ${server.name} ${output.label} (tail) ---\n${output.text}\n---`;
  return `${headline}${status}${body}`;
};

export interface WaitForReadyOptions {
  /** Path polled with GET until it answers 200. */
  readonly path: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/**
 * Polls `GET <origin><path>` every `intervalMs` (default 200 ms) until it
 * answers 200. Fails early if the child exits, and after `timeoutMs` with the
 * last observation and the child's stderr tail.
 */
export const waitForReady = async (server: ServerProcess, options: WaitForReadyOptions): Promise<number> => {
  const intervalMs = options.intervalMs ?? 200;
  const url = `${server.origin}${options.path}`;
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let last = "no answer yet";
  for (;;) {
    if (server.exitInfo() !== undefined) {
      throw new Error(describeServerFailure(server, `${server.name} stopped before ${url} answered 200 (last: ${last})`));
    }
    try {
      const response = await httpGet(url, Math.max(1, Math.min(2_000, deadline - Date.now())));
      if (response.status === 200) return Date.now() - started;
      last = `HTTP ${response.status}`;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      last = code ?? (error instanceof Error ? error.message : String(error));
    }
    if (Date.now() + intervalMs > deadline) {
      throw new Error(
        describeServerFailure(
          server,
          `${server.name} did not become ready: ${url} did not answer 200 within ${options.timeoutMs / 1000} s (last: ${last})`,
        ),
      );
    }
    await Promise.race([sleep(intervalMs), server.exited]);
  }
};
