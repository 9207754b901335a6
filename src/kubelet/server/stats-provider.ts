/**
 * The Summary of GET /stats/summary, the way upstream's CRI stats provider
 * builds it (pkg/kubelet/stats/cri_stats_provider.go): pods and containers
 * from the runtime's ListPodSandboxStats, only ready sandboxes and running
 * containers. When that call fails (a runtime without it, or containerd
 * 1.6 failing the whole list for one sandbox without a cgroup parent) the
 * pods are ListContainerStats summed per sandbox; upstream itself reads
 * pod totals from cAdvisor by default. A container's logs are the usage
 * of its log directory
 * `<pod-logs-dir>/<ns>_<pod>_<uid>/<container>`; a pod's ephemeral storage
 * is its containers' writable layers plus logs (volumes are not counted
 * yet). The node's CPU and memory come from /proc (node-stats.ts), its
 * filesystem from the kubelet root dir, the image filesystem from the
 * runtime's ImageFsInfo and the image directory's filesystem.
 */
import { readdir, lstat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageService, RuntimeService } from '../runtime/cri/services.js';
import type { Container, ContainerStats as CriContainerStats, CpuUsage, MemoryUsage, PodSandbox, PodSandboxStats } from '../runtime/cri/types.js';
import { GrpcError } from '../grpc/errors.js';
import { readHostUsage } from '../node-status/host-usage.js';
import { readNodeCpuMemory } from './node-stats.js';
import type { CPUStats, ContainerStats, FsStats, MemoryStats, PodStats, Summary } from './stats-types.js';

const UNIMPLEMENTED = 12;

export type StatsRuntime = Pick<RuntimeService, 'listPodSandbox' | 'listContainers' | 'listContainerStats' | 'listPodSandboxStats'>;

export interface StatsProviderOptions {
  nodeName: string;
  runtime: StatsRuntime;
  images: Pick<ImageService, 'imageFsInfo'>;
  /** The kubelet root dir: its filesystem is the node fs. */
  rootDir: string;
  /** Where the runtime keeps images. @default rootDir */
  imageFsDir?: string;
  podLogsDir: string;
  /** /proc prefix for tests. @default '' */
  hostRoot?: string;
}

export class StatsProvider {
  private lastNodeCpu: { atMs: number; coreNs: number } | undefined;
  private podSandboxStatsWork = true;

  constructor(private readonly o: StatsProviderOptions) {}

  async summary(): Promise<Summary> {
    const now = new Date();
    const time = now.toISOString();
    const [node, host, imageFsInfo, imageFsStat, pods] = await Promise.all([
      readNodeCpuMemory(this.o.hostRoot),
      readHostUsage({ rootDir: this.o.rootDir, ...(this.o.hostRoot ? { hostRoot: this.o.hostRoot } : {}) }),
      this.o.images.imageFsInfo().catch(() => []),
      statfs(this.o.imageFsDir ?? this.o.rootDir),
      this.podStats(),
    ]);
    let usageNanoCores: number | undefined;
    if (this.lastNodeCpu && now.getTime() > this.lastNodeCpu.atMs) {
      usageNanoCores = Math.round(((node.cpuCoreNanoSeconds - this.lastNodeCpu.coreNs) * 1e6) / (now.getTime() - this.lastNodeCpu.atMs) / 1e3);
    }
    this.lastNodeCpu = { atMs: now.getTime(), coreNs: node.cpuCoreNanoSeconds };
    const nodeFs = host.nodeFs;
    return {
      node: {
        nodeName: this.o.nodeName,
        startTime: new Date(node.bootTimeMs).toISOString(),
        cpu: { time, usageCoreNanoSeconds: Math.round(node.cpuCoreNanoSeconds), ...(usageNanoCores !== undefined ? { usageNanoCores } : {}) },
        memory: { time, ...node.memory },
        fs: {
          time, availableBytes: nodeFs.availableBytes, capacityBytes: nodeFs.capacityBytes, usedBytes: nodeFs.capacityBytes - nodeFs.availableBytes,
          inodesFree: nodeFs.inodesFree, inodes: nodeFs.inodes, inodesUsed: nodeFs.inodes - nodeFs.inodesFree,
        },
        runtime: {
          imageFs: {
            time, availableBytes: imageFsStat.bavail * imageFsStat.bsize, capacityBytes: imageFsStat.blocks * imageFsStat.bsize,
            usedBytes: imageFsInfo.reduce((a, f) => a + (f.usedBytes?.value ?? 0), 0),
            inodesFree: imageFsStat.ffree, inodes: imageFsStat.files, inodesUsed: imageFsInfo.reduce((a, f) => a + (f.inodesUsed?.value ?? 0), 0),
          },
        },
        rlimit: { time, maxpid: host.maxPID, curproc: host.processes },
      },
      pods: pods.map((p) => withEphemeralStorage(p, time, nodeFs.capacityBytes, nodeFs.availableBytes)),
    };
  }

  private async podStats(): Promise<PodStats[]> {
    const [sandboxes, containers] = await Promise.all([
      this.o.runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' } }),
      this.o.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' } }),
    ]);
    const stats = await this.sandboxStats(sandboxes);
    const byId = new Map(containers.map((c) => [c.id, c]));
    const logsFs = await statfs(this.o.podLogsDir).catch(() => undefined);
    const out: PodStats[] = [];
    for (const s of sandboxes) {
      const m = s.metadata;
      if (!m) continue;
      const st = stats.get(s.id);
      const podLogDir = join(this.o.podLogsDir, `${m.namespace}_${m.name}_${m.uid}`);
      const cs: ContainerStats[] = [];
      for (const c of st?.linux?.containers ?? []) {
        const ctr = byId.get(c.attributes?.id ?? '');
        if (!ctr) continue;
        const name = c.attributes?.metadata?.name ?? ctr.metadata?.name ?? '';
        const time = new Date().toISOString();
        const logs = await directoryUsage(join(podLogDir, name));
        cs.push({
          name, startTime: nsToIso(ctr.createdAt),
          ...cpuOf(c.cpu), ...memoryOf(c.memory),
          ...(c.writableLayer ? { rootfs: { time: nsToIso(c.writableLayer.timestamp), usedBytes: c.writableLayer.usedBytes?.value ?? 0, inodesUsed: c.writableLayer.inodesUsed?.value ?? 0 } } : {}),
          logs: {
            time, usedBytes: logs.bytes, inodesUsed: logs.inodes,
            ...(logsFs ? { availableBytes: logsFs.bavail * logsFs.bsize, capacityBytes: logsFs.blocks * logsFs.bsize, inodesFree: logsFs.ffree, inodes: logsFs.files } : {}),
          },
        });
      }
      out.push({
        podRef: { name: m.name, namespace: m.namespace, uid: m.uid },
        startTime: nsToIso(s.createdAt),
        containers: cs.sort((a, b) => a.name.localeCompare(b.name)),
        ...cpuOf(st?.linux?.cpu), ...memoryOf(st?.linux?.memory),
        ...(st?.linux?.process?.processCount ? { process_stats: { process_count: st.linux.process.processCount.value } } : {}),
      });
    }
    return out;
  }

  /** Stats per sandbox ID; summed from container stats when the runtime lacks ListPodSandboxStats. */
  private async sandboxStats(sandboxes: PodSandbox[]): Promise<Map<string, PodSandboxStats>> {
    if (this.podSandboxStatsWork) {
      try {
        const list = await this.o.runtime.listPodSandboxStats();
        return new Map(list.map((s) => [s.attributes?.id ?? '', s]));
      } catch (e) {
        // Unimplemented, or containerd 1.6 failing the whole list for one sandbox without a cgroup parent.
        if (e instanceof GrpcError && e.code === UNIMPLEMENTED) this.podSandboxStatsWork = false;
      }
    }
    const all = await this.o.runtime.listContainerStats();
    const containers = await this.o.runtime.listContainers();
    const sandboxOf = new Map(containers.map((c: Container) => [c.id, c.podSandboxId]));
    const out = new Map<string, PodSandboxStats>();
    for (const s of sandboxes) {
      const mine = all.filter((c) => sandboxOf.get(c.attributes?.id ?? '') === s.id);
      out.set(s.id, { linux: { containers: mine, ...sumUsage(mine) } });
    }
    return out;
  }
}

function sumUsage(cs: CriContainerStats[]): { cpu: CpuUsage; memory: MemoryUsage } {
  const ts = Math.max(0, ...cs.map((c) => c.cpu?.timestamp ?? 0)) || Date.now() * 1e6;
  const sum = (f: (c: CriContainerStats) => number | undefined): { value: number } => ({ value: cs.reduce((a, c) => a + (f(c) ?? 0), 0) });
  return {
    cpu: { timestamp: ts, usageCoreNanoSeconds: sum((c) => c.cpu?.usageCoreNanoSeconds?.value), usageNanoCores: sum((c) => c.cpu?.usageNanoCores?.value) },
    memory: { timestamp: ts, workingSetBytes: sum((c) => c.memory?.workingSetBytes?.value), usageBytes: sum((c) => c.memory?.usageBytes?.value), rssBytes: sum((c) => c.memory?.rssBytes?.value) },
  };
}

function nsToIso(ns: number): string {
  return new Date(Math.floor(ns / 1e6)).toISOString();
}

function cpuOf(u: CpuUsage | undefined): { cpu?: CPUStats } {
  if (!u) return {};
  return {
    cpu: {
      time: nsToIso(u.timestamp),
      ...(u.usageNanoCores ? { usageNanoCores: u.usageNanoCores.value } : {}),
      ...(u.usageCoreNanoSeconds ? { usageCoreNanoSeconds: u.usageCoreNanoSeconds.value } : {}),
    },
  };
}

function memoryOf(u: MemoryUsage | undefined): { memory?: MemoryStats } {
  if (!u) return {};
  const v = (x: { value: number } | undefined): number | undefined => x?.value;
  const fields = {
    availableBytes: v(u.availableBytes), usageBytes: v(u.usageBytes), workingSetBytes: v(u.workingSetBytes),
    rssBytes: v(u.rssBytes), pageFaults: v(u.pageFaults), majorPageFaults: v(u.majorPageFaults),
  };
  return { memory: { time: nsToIso(u.timestamp), ...Object.fromEntries(Object.entries(fields).filter(([, x]) => x !== undefined)) } };
}

function withEphemeralStorage(p: PodStats, time: string, capacityBytes: number, availableBytes: number): PodStats {
  const used = p.containers.reduce((a, c) => a + (c.rootfs?.usedBytes ?? 0) + (c.logs?.usedBytes ?? 0), 0);
  const inodes = p.containers.reduce((a, c) => a + (c.rootfs?.inodesUsed ?? 0) + (c.logs?.inodesUsed ?? 0), 0);
  const fs: FsStats = { time, availableBytes, capacityBytes, usedBytes: used, inodesUsed: inodes };
  return { ...p, 'ephemeral-storage': fs };
}

/** Disk use (allocated blocks) and inode count of a directory tree, like du. */
async function directoryUsage(dir: string): Promise<{ bytes: number; inodes: number }> {
  let bytes = 0;
  let inodes = 0;
  const walk = async (d: string): Promise<void> => {
    const st = await lstat(d).catch(() => undefined);
    if (!st) return;
    bytes += st.blocks * 512;
    inodes += 1;
    if (!st.isDirectory()) return;
    for (const n of await readdir(d).catch(() => [] as string[])) await walk(join(d, n));
  };
  await walk(dir);
  return { bytes, inodes };
}
