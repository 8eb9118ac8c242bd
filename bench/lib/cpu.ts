// CPU time, from /proc (Linux): the whole machine's busy time and one process's, so a bench can
// say per request how much CPU went to the server, to the load generator and to the rest (here,
// Postgres). Elsewhere the readers return undefined and the figures are left out.
import fs from "node:fs";

/** Clock ticks per second of /proc's counters (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

/** Busy CPU time of all cores since boot (user+nice+system+irq+softirq+steal), in µs. */
export const machineBusyMicros = (): number | undefined => {
  const line = read("/proc/stat")?.split("\n")[0];
  if (line === undefined || !line.startsWith("cpu ")) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return (busy * 1e6) / TICKS_PER_SECOND;
};

/** CPU time (user + system) of process `pid` so far, in µs. */
export const processCpuMicros = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1e6) / TICKS_PER_SECOND : undefined;
};

/** This process's CPU time (user + system) so far, in µs. */
export const ownCpuMicros = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

export interface CpuSnapshot {
  readonly machine: number | undefined;
  readonly server: number | undefined;
  readonly bench: number;
}

export const cpuSnapshot = (serverPid?: number): CpuSnapshot => ({
  machine: machineBusyMicros(),
  server: processCpuMicros(serverPid),
  bench: ownCpuMicros(),
});

/** CPU µs spent between two snapshots: by the server, by this process, and by everything else. */
export interface CpuSpent {
  readonly server: number | undefined;
  readonly bench: number;
  /** Machine busy time minus the server and this process: Postgres, mostly, on an idle machine. */
  readonly rest: number | undefined;
  readonly machine: number | undefined;
}

export const cpuSpent = (before: CpuSnapshot, after: CpuSnapshot): CpuSpent => {
  const machine = before.machine === undefined || after.machine === undefined ? undefined : after.machine - before.machine;
  const server = before.server === undefined || after.server === undefined ? undefined : after.server - before.server;
  const bench = after.bench - before.bench;
  return { server, bench, machine, rest: machine === undefined ? undefined : Math.max(0, machine - bench - (server ?? 0)) };
};

export const addCpu = (a: CpuSpent, b: CpuSpent): CpuSpent => {
  const sum = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? undefined : x + y);
  return { server: sum(a.server, b.server), bench: a.bench + b.bench, machine: sum(a.machine, b.machine), rest: sum(a.rest, b.rest) };
};
