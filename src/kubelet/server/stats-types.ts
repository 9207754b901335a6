/**
 * The kubelet's Summary API (upstream staging/src/k8s.io/kubelet/pkg/apis/stats/v1alpha1/types.go),
 * the JSON of GET /stats/summary that metrics-server and `kubectl top` read.
 * Times are RFC 3339 strings; byte and nanosecond counts are numbers.
 */

export interface CPUStats {
  time: string;
  /** Average over the runtime's last sample window, in nanocores. */
  usageNanoCores?: number;
  /** Cumulative, in core-nanoseconds. */
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface FsStats {
  time: string;
  availableBytes?: number;
  capacityBytes?: number;
  usedBytes?: number;
  inodesFree?: number;
  inodes?: number;
  inodesUsed?: number;
}

export interface RlimitStats {
  time: string;
  maxpid?: number;
  curproc?: number;
}

export interface NodeStats {
  nodeName: string;
  startTime: string;
  cpu?: CPUStats;
  memory?: MemoryStats;
  fs?: FsStats;
  runtime?: { imageFs?: FsStats };
  rlimit?: RlimitStats;
}

export interface ContainerStats {
  name: string;
  startTime: string;
  cpu?: CPUStats;
  memory?: MemoryStats;
  rootfs?: FsStats;
  logs?: FsStats;
}

export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerStats[];
  cpu?: CPUStats;
  memory?: MemoryStats;
  'ephemeral-storage'?: FsStats;
  process_stats?: { process_count?: number };
}

export interface Summary {
  node: NodeStats;
  pods: PodStats[];
}
