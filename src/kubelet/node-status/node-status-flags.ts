/**
 * From the kubelet's flags to a NodeStatusManager reading the real host:
 * what `k8ts server` and `k8ts agent` wire. The flags keep upstream's names
 * and formats (--node-name, --node-ip, --max-pods, --system-reserved,
 * --kube-reserved, --eviction-hard, --register-with-taints, --node-labels).
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { KUBERNETES_GIT_VERSION } from '../../api/version.js';
import type { EventRecorder, RestClient } from '../../client/index.js';
import { DEFAULT_EVICTION_HARD, DEFAULT_PID_AVAILABLE, parseEvictionThresholds } from './eviction-thresholds.js';
import { readHostInfo } from './host-info.js';
import { readHostUsage } from './host-usage.js';
import { NodeStatusManager, type NodeStatusManagerOptions } from './node-status-manager.js';
import { parseReservation } from './quantities.js';
import type { StatusImages, StatusRuntime } from './status-inputs.js';

export interface NodeStatusFlags {
  /** --root-dir: its filesystem is the node's ephemeral storage. */
  rootDir: string;
  /** Where the runtime keeps images, when on another filesystem (the image fs). */
  imageFsDir?: string;
  /** @default the lowercased hostname */
  nodeName?: string;
  nodeIP?: string;
  /** @default 110 */
  maxPods?: number;
  /** `cpu=500m,memory=1Gi`. */
  systemReserved?: string;
  kubeReserved?: string;
  /** @default DEFAULT_EVICTION_HARD plus DEFAULT_PID_AVAILABLE */
  evictionHard?: string;
  /** `key=value,...` */
  nodeLabels?: string;
  /** `key=value:Effect,...` */
  registerWithTaints?: string;
  podCIDRs?: string[];
  /** A `k8ts server` node. */
  controlPlane?: boolean;
  /** The kubelet server's port, reported in status.daemonEndpoints. @default 10250 */
  kubeletPort?: number;
  /** --cloud-provider=external: register with the uninitialized taint. */
  externalCloudProvider?: boolean;
}

/** `key=value:Effect` or `key:Effect` entries (upstream's --register-with-taints). */
export function parseTaints(text: string): Taint[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(t);
    if (!m) throw new Error(`invalid taint ${JSON.stringify(t)}: want key[=value]:Effect`);
    return { key: m[1]!, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3]! };
  });
}

/** `key=value,...` (upstream's --node-labels). */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.indexOf('=');
    if (i <= 0) throw new Error(`invalid label ${JSON.stringify(entry)}: want key=value`);
    out[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return out;
}

/** What the manager needs besides the flags; intervals and clock only for tests. */
export type NodeStatusDeps = { client: RestClient; logger: Logger; runtime: StatusRuntime; images: StatusImages; events?: EventRecorder }
  & Partial<Pick<NodeStatusManagerOptions, 'clock' | 'statusUpdateFrequencyMs' | 'statusReportFrequencyMs' | 'leaseRenewIntervalMs'>>;

/** A manager for this host; throws on a malformed flag, naming it. Not started. */
export function nodeStatusManagerFromFlags(flags: NodeStatusFlags, deps: NodeStatusDeps): NodeStatusManager {
  const evictionHard = parseEvictionThresholds(flags.evictionHard ?? `${DEFAULT_EVICTION_HARD},${DEFAULT_PID_AVAILABLE}`);
  return new NodeStatusManager({
    ...deps,
    readHost: () => readHostInfo({ rootDir: flags.rootDir, ...(flags.nodeIP ? { nodeIP: flags.nodeIP } : {}) }),
    readUsage: () => readHostUsage({ rootDir: flags.rootDir, ...(flags.imageFsDir ? { imageFsDir: flags.imageFsDir } : {}) }),
    registration: {
      ...(flags.nodeName ? { nodeName: flags.nodeName } : {}),
      controlPlane: flags.controlPlane ?? false,
      ...(flags.nodeLabels ? { labels: parseLabels(flags.nodeLabels) } : {}),
      ...(flags.registerWithTaints ? { taints: parseTaints(flags.registerWithTaints) } : {}),
      ...(flags.podCIDRs ? { podCIDRs: flags.podCIDRs } : {}),
      ...(flags.externalCloudProvider ? { externalCloudProvider: true } : {}),
    },
    status: {
      evictionHard,
      kubeletVersion: KUBERNETES_GIT_VERSION,
      ...(flags.maxPods !== undefined ? { maxPods: flags.maxPods } : {}),
      ...(flags.kubeletPort !== undefined ? { kubeletPort: flags.kubeletPort } : {}),
      ...(flags.systemReserved ? { systemReserved: parseReservation(flags.systemReserved) } : {}),
      ...(flags.kubeReserved ? { kubeReserved: parseReservation(flags.kubeReserved) } : {}),
    },
  });
}
