/**
 * Process figures from Linux /proc: CPU time and resident memory of a pid,
 * and CPU shares over a window, for the server under test and for the
 * benchmark's own process. Off Linux every reader returns undefined.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux we target). */
const CLK_TCK = 100;

/**
 * User + system CPU time of a process in ms, or undefined if unreadable.
 * With mainThreadOnly, only the main thread's (its task whose id is the pid):
 * a Node process's JavaScript runs there, so that is the share that saturates.
 */
export function procCpuMs(pid: number, mainThreadOnly = false): number | undefined {
  try {
    const stat = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" of the command name: state is field 3; utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** VmRSS of a process in KiB, or undefined if unreadable. */
export function procRssKib(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU share of a window: 1.0 = one core fully busy. */
export interface CpuWindow {
  /** Ends the window; returns cores used on average over it (NaN if unreadable). */
  stop(): number;
}

/** Starts measuring the CPU a process (by pid), or only its main thread, uses. */
export function cpuWindow(pid: number, mainThreadOnly = false): CpuWindow {
  const t0 = performance.now();
  const c0 = procCpuMs(pid, mainThreadOnly);
  return {
    stop() {
      const c1 = procCpuMs(pid, mainThreadOnly);
      if (c0 === undefined || c1 === undefined) return Number.NaN;
      return (c1 - c0) / (performance.now() - t0);
    },
  };
}

/** Starts measuring this process's own CPU (process.cpuUsage, all threads). */
export function selfCpuWindow(): CpuWindow {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return {
    stop() {
      const d = process.cpuUsage(c0);
      return (d.user + d.system) / 1000 / (performance.now() - t0);
    },
  };
}

/** Words for a CPU share, flagging a client that used (nearly) a whole core. */
export function describeCpu(label: string, cores: number): string {
  if (!Number.isFinite(cores)) return `${label} CPU n/a`;
  const share = `${label} CPU ${(cores * 100).toFixed(0)}% of a core`;
  return cores >= 0.9 ? `${share} (SATURATED: figures are bounded by the ${label})` : share;
}

export const CORES = availableParallelism();

/** Busy CPU time of the whole machine in ms (all cores, from /proc/stat), or undefined. */
function machineBusyMs(): number | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    return (busy * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Starts measuring the CPU the whole machine uses (in cores), to tell how much went to other processes. */
export function machineCpuWindow(): CpuWindow {
  const t0 = performance.now();
  const c0 = machineBusyMs();
  return {
    stop() {
      const c1 = machineBusyMs();
      if (c0 === undefined || c1 === undefined) return Number.NaN;
      return (c1 - c0) / (performance.now() - t0);
    },
  };
}

/** Words for CPU other processes took during a measurement (machine − what we account for). */
export function describeOthers(machine: number, ours: number): string {
  const others = Math.max(0, machine - ours);
  if (!Number.isFinite(others)) return 'other processes CPU n/a';
  return `other processes ${(others * 100).toFixed(0)}%${others >= 0.25 ? ' (NOISY: other work shared the cores)' : ''}`;
}
