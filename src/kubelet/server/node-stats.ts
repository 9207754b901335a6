/**
 * The node's own CPU and memory, from /proc (upstream reads the root
 * cgroup through cAdvisor; the numbers agree on a host that runs only
 * cgroup-managed work). CPU is the non-idle time of /proc/stat's `cpu`
 * line (user, nice, system, irq, softirq, steal); the memory working set
 * is cAdvisor's definition, usage minus inactive file pages, with usage =
 * MemTotal - MemFree.
 */
import { readFile } from 'node:fs/promises';
import { parseMemInfo } from '../node-status/host-parse.js';

/** Linux's USER_HZ, the unit of /proc/stat. */
const USER_HZ = 100;

export interface NodeCpuMemory {
  /** Cumulative core-nanoseconds. */
  cpuCoreNanoSeconds: number;
  memory: { usageBytes: number; workingSetBytes: number; availableBytes: number; rssBytes: number; pageFaults: number; majorPageFaults: number };
  /** Boot time, ms since the epoch. */
  bootTimeMs: number;
}

export function parseProcStat(text: string): { cpuCoreNanoSeconds: number; bootTimeMs: number } {
  const cpu = /^cpu\s+(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  if (!cpu || cpu.length < 4 || cpu.some((n) => !Number.isFinite(n))) throw new Error('malformed /proc/stat: no cpu line');
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  const btime = Number(/^btime\s+(\d+)$/m.exec(text)?.[1] ?? 0);
  return { cpuCoreNanoSeconds: ((user + nice + system + irq + softirq + steal) * 1e9) / USER_HZ, bootTimeMs: btime * 1000 };
}

export async function readNodeCpuMemory(hostRoot = ''): Promise<NodeCpuMemory> {
  const [stat, meminfo, vmstat] = await Promise.all([
    readFile(`${hostRoot}/proc/stat`, 'utf8'),
    readFile(`${hostRoot}/proc/meminfo`, 'utf8'),
    readFile(`${hostRoot}/proc/vmstat`, 'utf8').catch(() => ''),
  ]);
  const { cpuCoreNanoSeconds, bootTimeMs } = parseProcStat(stat);
  const m = parseMemInfo(meminfo);
  const usageBytes = (m['MemTotal'] ?? 0) - (m['MemFree'] ?? 0);
  const vm = (key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(vmstat)?.[1] ?? 0);
  return {
    cpuCoreNanoSeconds, bootTimeMs,
    memory: {
      usageBytes,
      workingSetBytes: Math.max(0, usageBytes - (m['Inactive(file)'] ?? 0)),
      availableBytes: m['MemAvailable'] ?? m['MemFree'] ?? 0,
      rssBytes: m['AnonPages'] ?? 0,
      pageFaults: vm('pgfault'),
      majorPageFaults: vm('pgmajfault'),
    },
  };
}
