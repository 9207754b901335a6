/**
 * Node status as upstream's status setters build it
 * (pkg/kubelet/nodestatus/setters.go), as pure functions of what the host
 * and the runtime said: addresses, capacity and allocatable, nodeInfo,
 * conditions, images and daemonEndpoints. No I/O here: the status manager
 * gathers the inputs, then computes.
 */
import type { ContainerImage, NodeAddress, NodeStatus, NodeSystemInfo } from 'kubernetes-types/core/v1.js';
import type { Image, VersionResponse } from '../runtime/cri/types.js';
import { nodeConditions, notReadyReasons, pressures, type RuntimeStatusResult } from './conditions.js';
import { thresholdAmount, type EvictionThresholds } from './eviction-thresholds.js';
import type { HostInfo } from './host-info.js';
import type { HostUsage } from './host-usage.js';
import { formatBinary, formatMilliCPU } from './quantities.js';

/** Upstream's --max-pods default. */
export const DEFAULT_MAX_PODS = 110;
/** Upstream's nodeStatusMaxImages. */
export const MAX_IMAGES_IN_NODE_STATUS = 50;
/** Upstream's MaxNamesPerImageInNodeStatus. */
export const MAX_NAMES_PER_IMAGE = 5;
/** The kubelet's HTTPS port. */
export const KUBELET_PORT = 10250;

export interface NodeStatusConfig {
  /** @default DEFAULT_MAX_PODS */
  maxPods?: number;
  /** --system-reserved: cpu in millicores, the rest in units. */
  systemReserved?: Record<string, number>;
  /** --kube-reserved, as systemReserved. */
  kubeReserved?: Record<string, number>;
  /** --eviction-hard, parsed. */
  evictionHard: EvictionThresholds;
  /** nodeInfo.kubeletVersion and kubeProxyVersion. */
  kubeletVersion: string;
  /** @default KUBELET_PORT */
  kubeletPort?: number;
}

/** Everything one status computation reads, gathered beforehand. */
export interface NodeStatusInputs {
  host: HostInfo;
  usage: HostUsage;
  /** The runtime's Version answer; undefined when it did not answer. */
  runtimeVersion?: VersionResponse;
  runtimeStatus: RuntimeStatusResult;
  /** The runtime's images; undefined when it did not answer. */
  images?: Image[];
}

/** InternalIP (when known), then Hostname. */
export function nodeAddresses(host: HostInfo): NodeAddress[] {
  return [
    ...(host.internalIP ? [{ type: 'InternalIP', address: host.internalIP }] : []),
    { type: 'Hostname', address: host.hostname },
  ];
}

/** cpu, memory and ephemeral-storage from the host; pods from maxPods. */
export function nodeCapacity(host: HostInfo, cfg: NodeStatusConfig): Record<string, string> {
  return {
    cpu: formatMilliCPU(host.cpus * 1000),
    'ephemeral-storage': formatBinary(host.ephemeralStorageBytes),
    memory: formatBinary(host.memoryBytes),
    pods: String(cfg.maxPods ?? DEFAULT_MAX_PODS),
  };
}

/**
 * Capacity less system-reserved, kube-reserved and the hard eviction
 * thresholds of memory.available (memory) and nodefs.available
 * (ephemeral-storage), never below zero (upstream's
 * GetNodeAllocatableReservation).
 */
export function nodeAllocatable(host: HostInfo, cfg: NodeStatusConfig): Record<string, string> {
  const reserved = (r: string): number => (cfg.systemReserved?.[r] ?? 0) + (cfg.kubeReserved?.[r] ?? 0);
  const eviction = (signal: 'memory.available' | 'nodefs.available', capacity: number): number => {
    const t = cfg.evictionHard[signal];
    return t ? thresholdAmount(t, capacity) : 0;
  };
  const memory = host.memoryBytes - reserved('memory') - eviction('memory.available', host.memoryBytes);
  const storage = host.ephemeralStorageBytes - reserved('ephemeral-storage') - eviction('nodefs.available', host.ephemeralStorageBytes);
  const storageByPercentage = cfg.evictionHard['nodefs.available'] && 'percentage' in cfg.evictionHard['nodefs.available'];
  return {
    cpu: formatMilliCPU(host.cpus * 1000 - reserved('cpu')),
    // A percentage leaves a number no binary suffix divides: upstream writes it plain.
    'ephemeral-storage': storageByPercentage ? String(Math.max(0, storage)) : formatBinary(storage),
    memory: formatBinary(memory),
    pods: String(Math.max(0, (cfg.maxPods ?? DEFAULT_MAX_PODS) - reserved('pods'))),
  };
}

/** `containerd://1.7.24`, or `<name>://Unknown` as upstream when the runtime did not say. */
export function containerRuntimeVersion(v: VersionResponse | undefined): string {
  return v ? `${v.runtimeName}://${v.runtimeVersion}` : 'containerd://Unknown';
}

export function nodeInfo(host: HostInfo, runtime: VersionResponse | undefined, kubeletVersion: string): NodeSystemInfo {
  return {
    machineID: host.machineID,
    systemUUID: host.systemUUID,
    bootID: host.bootID,
    kernelVersion: host.kernelVersion,
    osImage: host.osImage,
    containerRuntimeVersion: containerRuntimeVersion(runtime),
    kubeletVersion,
    kubeProxyVersion: kubeletVersion,
    operatingSystem: host.operatingSystem,
    architecture: host.architecture,
  };
}

/**
 * The 50 largest images, each named by its digests then its tags, at most
 * five names (upstream's Images setter over the image manager's list,
 * which is sorted by size, largest first).
 */
export function nodeImages(images: readonly Image[]): ContainerImage[] {
  return [...images]
    .sort((a, b) => b.size - a.size)
    .slice(0, MAX_IMAGES_IN_NODE_STATUS)
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags].slice(0, MAX_NAMES_PER_IMAGE), sizeBytes: i.size }));
}

/**
 * The node's whole status at `now` (RFC 3339), given the status it had
 * (`previous`, for conditions and, when the runtime did not answer, the
 * image list).
 */
export function computeNodeStatus(inputs: NodeStatusInputs, cfg: NodeStatusConfig, previous: NodeStatus | undefined, now: string): NodeStatus {
  const capacity = nodeCapacity(inputs.host, cfg);
  const status: NodeStatus = {
    addresses: nodeAddresses(inputs.host),
    capacity,
    allocatable: nodeAllocatable(inputs.host, cfg),
    conditions: nodeConditions(previous?.conditions ?? [], now, {
      pressure: pressures(inputs.usage, cfg.evictionHard),
      notReady: notReadyReasons(inputs.runtimeStatus, capacity),
    }),
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.kubeletPort ?? KUBELET_PORT } },
    nodeInfo: nodeInfo(inputs.host, inputs.runtimeVersion, cfg.kubeletVersion),
  };
  // An empty list is left out, as upstream's omitempty does.
  const images = inputs.images ? nodeImages(inputs.images) : previous?.images ?? [];
  return images.length > 0 ? { ...status, images } : status;
}

/** Whether `next` differs from `prev` other than in the conditions' heartbeat times (upstream's nodeStatusHasChanged). */
export function nodeStatusChanged(prev: NodeStatus | undefined, next: NodeStatus): boolean {
  if (!prev) return true;
  const strip = (s: NodeStatus): NodeStatus => ({
    ...s,
    conditions: [...(s.conditions ?? [])].map(({ lastHeartbeatTime: _h, ...c }) => c).sort((a, b) => byCodeUnits(a.type, b.type)),
  });
  return canonicalJson(strip(prev)) !== canonicalJson(strip(next));
}

/**
 * Plain string order, as Go's sort.Strings: localeCompare would be ICU
 * collation, whose tables (megabytes of the node binary) would then stay in
 * the agent's RSS for a comparison of ASCII keys every 10 s.
 */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    // Absent, null and empty lists are the same to Go's omitempty, so the same here.
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null && !(Array.isArray(x) && x.length === 0))
      .sort(([a], [b]) => byCodeUnits(a, b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
