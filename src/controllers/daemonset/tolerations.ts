/**
 * The tolerations every DaemonSet pod gets (upstream's
 * AddOrUpdateDaemonPodTolerations): daemons keep running on nodes that are
 * not ready, unreachable, under pressure or cordoned, and host-network
 * daemons on nodes whose network is not set up yet.
 */
import type { PodSpec, Toleration } from 'kubernetes-types/core/v1.js';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_NODE_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_NODE_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect });
  return [
    t(TAINT_NODE_NOT_READY, 'NoExecute'),
    t(TAINT_NODE_UNREACHABLE, 'NoExecute'),
    t(TAINT_NODE_DISK_PRESSURE, 'NoSchedule'),
    t(TAINT_NODE_MEMORY_PRESSURE, 'NoSchedule'),
    t(TAINT_NODE_PID_PRESSURE, 'NoSchedule'),
    t(TAINT_NODE_UNSCHEDULABLE, 'NoSchedule'),
    ...(hostNetwork ? [t(TAINT_NODE_NETWORK_UNAVAILABLE, 'NoSchedule')] : []),
  ];
}

const same = (a: Toleration, b: Toleration): boolean => (a.key ?? '') === (b.key ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal')
  && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/** Adds the daemon tolerations `spec` lacks (mutates `spec`, which must be the caller's copy). */
export function addDaemonPodTolerations(spec: PodSpec): void {
  const list = (spec.tolerations ??= []);
  for (const t of daemonTolerations(spec.hostNetwork === true)) {
    if (!list.some((x) => same(x, t))) list.push(t);
  }
}
