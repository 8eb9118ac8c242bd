// Process-wide cleanup registry for benchmarks: children to kill, temp dirs to
// remove. Tasks run in reverse registration order, at most once each, whether
// the benchmark ends normally, throws, or is interrupted (SIGINT/SIGTERM/SIGHUP).

export interface CleanupTask {
  readonly name: string;
  /** Graceful path (e.g. SIGTERM then wait). */
  readonly run: () => Promise<void>;
  /** Last-resort synchronous path, used from the process 'exit' event. */
  readonly runSync: () => void;
}

interface Entry {
  readonly task: CleanupTask;
  done: boolean;
}

const entries: Entry[] = [];
let running: Promise<void> | undefined;
let installed = false;

export const registerCleanup = (task: CleanupTask): void => {
  entries.push({ task, done: false });
};

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs every pending task (LIFO). Idempotent: later calls share the first run. */
export const runCleanup = (): Promise<void> => {
  running ??= (async () => {
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      if (entry === undefined || entry.done) continue;
      try {
        await entry.task.run();
      } catch (error) {
        process.stderr.write(`cleanup "${entry.task.name}" failed: ${describe(error)}\n`);
        try {
          entry.task.runSync();
        } catch {
          // best effort
        }
      }
      entry.done = true;
    }
  })();
  return running;
};

const runCleanupSync = (): void => {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry === undefined || entry.done) continue;
    entry.done = true;
    try {
      entry.task.runSync();
    } catch {
      // best effort: we are exiting
    }
  }
};

const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * On SIGINT/SIGTERM/SIGHUP: run the cleanup and exit with 128+signal.
 * A second signal exits immediately (the 'exit' hook still SIGKILLs children
 * and removes temp dirs synchronously).
 */
export const installCleanupHandlers = (): void => {
  if (installed) return;
  installed = true;
  process.on("exit", runCleanupSync);
  let interrupted = false;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      if (interrupted) process.exit(code);
      interrupted = true;
      process.stderr.write(`\n${signal} received: stopping servers and removing temp files...\n`);
      void runCleanup().finally(() => process.exit(code));
    });
  }
};

/**
 * Runs a benchmark's `main` under a watchdog of `budgetSeconds`, cleans up whatever happens, and
 * exits with main's code (1 on a throw or past the budget).
 */
export const runBenchMain = async (name: string, main: () => Promise<number>, budgetSeconds: number): Promise<void> => {
  const watchdog = setTimeout(() => {
    process.stderr.write(`FAIL: ${name} exceeded its time budget; stopping servers\n`);
    void runCleanup().finally(() => process.exit(1));
  }, budgetSeconds * 1000);
  watchdog.unref();

  let exitCode = 1;
  try {
    exitCode = await main();
  } catch (error) {
    process.stderr.write(`FAIL: ${describe(error)}\n`);
    exitCode = 1;
  } finally {
    await runCleanup();
    clearTimeout(watchdog);
  }
  process.exitCode = exitCode;
  // Do not let a stray handle (e.g. a lingering socket) keep the bench alive.
  setTimeout(() => process.exit(exitCode), 1_000).unref();
};
