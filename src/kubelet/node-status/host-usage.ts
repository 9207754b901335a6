/**
 * The host's current use of what eviction watches: memory, the node and
 * image filesystems, and process IDs. The pressure conditions compare these
 * with the hard eviction thresholds.
 */
import { readFile, statfs } from 'node:fs/promises';
import { parseLoadavgProcesses, parseMemInfo } from './host-parse.js';

export interface FilesystemStats {
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

export interface HostUsage {
  /** memory.available: MemAvailable, bytes. */
  memoryAvailableBytes: number;
  memoryCapacityBytes: number;
  /** The kubelet root directory's filesystem. */
  nodeFs: FilesystemStats;
  /** The runtime's image filesystem, when it is another one. */
  imageFs?: FilesystemStats;
  /** min(kernel.pid_max, kernel.threads-max). */
  maxPID: number;
  /** Tasks running now. */
  processes: number;
}

export interface ReadUsageOptions {
  rootDir: string;
  /** Where the runtime keeps images; omitted when on the node filesystem. */
  imageFsDir?: string;
  /** /proc prefix for tests. @default '' */
  hostRoot?: string;
}

export async function filesystemStats(path: string): Promise<FilesystemStats> {
  const s = await statfs(path);
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize, inodes: s.files, inodesFree: s.ffree };
}

export async function readHostUsage(opts: ReadUsageOptions): Promise<HostUsage> {
  const r = opts.hostRoot ?? '';
  const [meminfo, pidMax, threadsMax, loadavg, nodeFs, imageFs] = await Promise.all([
    readFile(`${r}/proc/meminfo`, 'utf8'),
    readFile(`${r}/proc/sys/kernel/pid_max`, 'utf8').catch(() => '4194304'),
    readFile(`${r}/proc/sys/kernel/threads-max`, 'utf8').catch(() => ''),
    readFile(`${r}/proc/loadavg`, 'utf8').catch(() => ''),
    filesystemStats(opts.rootDir),
    opts.imageFsDir ? filesystemStats(opts.imageFsDir) : Promise.resolve(undefined),
  ]);
  const mem = parseMemInfo(meminfo);
  const limits = [Number.parseInt(pidMax, 10), Number.parseInt(threadsMax, 10)].filter((n) => Number.isFinite(n) && n > 0);
  return {
    memoryAvailableBytes: mem['MemAvailable'] ?? mem['MemFree'] ?? 0,
    memoryCapacityBytes: mem['MemTotal'] ?? 0,
    nodeFs,
    ...(imageFs && (imageFs.capacityBytes !== nodeFs.capacityBytes || imageFs.availableBytes !== nodeFs.availableBytes) ? { imageFs } : {}),
    maxPID: Math.min(...limits),
    processes: parseLoadavgProcesses(loadavg) ?? 0,
  };
}
