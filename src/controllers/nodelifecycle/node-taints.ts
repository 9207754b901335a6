/**
 * The taints the node lifecycle controller owns, computed from a node's
 * conditions (upstream's TaintNodesByCondition and taint-based eviction):
 * NoSchedule taints mirror the conditions and spec.unschedulable; the
 * not-ready / unreachable NoExecute taints follow the Ready condition and
 * keep their timeAdded while they stay.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { NOT_READY_TAINT, UNREACHABLE_TAINT } from '../../api/defaults/admit-pod.js';
import { nodeCondition } from '../../api/pods/conditions.js';

export { NOT_READY_TAINT, UNREACHABLE_TAINT };
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
export const MEMORY_PRESSURE_TAINT = 'node.kubernetes.io/memory-pressure';
export const DISK_PRESSURE_TAINT = 'node.kubernetes.io/disk-pressure';
export const PID_PRESSURE_TAINT = 'node.kubernetes.io/pid-pressure';
export const NETWORK_UNAVAILABLE_TAINT = 'node.kubernetes.io/network-unavailable';

/** NoSchedule taint keys owned here, by the condition (type and status) that sets them. */
const CONDITION_TAINTS: readonly { type: string; status: string; key: string }[] = [
  { type: 'Ready', status: 'False', key: NOT_READY_TAINT },
  { type: 'Ready', status: 'Unknown', key: UNREACHABLE_TAINT },
  { type: 'MemoryPressure', status: 'True', key: MEMORY_PRESSURE_TAINT },
  { type: 'DiskPressure', status: 'True', key: DISK_PRESSURE_TAINT },
  { type: 'NetworkUnavailable', status: 'True', key: NETWORK_UNAVAILABLE_TAINT },
  { type: 'PIDPressure', status: 'True', key: PID_PRESSURE_TAINT },
];
const NO_SCHEDULE_KEYS = new Set([...CONDITION_TAINTS.map((t) => t.key), UNSCHEDULABLE_TAINT]);
const NO_EXECUTE_KEYS = new Set([NOT_READY_TAINT, UNREACHABLE_TAINT]);

const owned = (t: Taint): boolean => (t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.has(t.key))
  || (t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key));

/** The NoSchedule taints the node's conditions and spec.unschedulable call for. */
export function noScheduleTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of CONDITION_TAINTS) {
    if (nodeCondition(node, c.type)?.status === c.status) out.push({ key: c.key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
  return out;
}

/** not-ready when Ready is False, unreachable when Unknown, none when True or not posted yet. */
export function noExecuteTaintKey(node: Node): string | undefined {
  const status = nodeCondition(node, 'Ready')?.status;
  if (status === 'False') return NOT_READY_TAINT;
  if (status === 'Unknown') return UNREACHABLE_TAINT;
  return undefined;
}

/**
 * The node's whole taint list after this controller's pass: taints others
 * own are kept in order; owned ones are replaced by what the conditions call
 * for, an unchanged one keeping its timeAdded; new NoExecute taints get
 * `now` as timeAdded.
 */
export function desiredTaints(node: Node, now: string): Taint[] {
  const current = node.spec?.taints ?? [];
  const want: Taint[] = noScheduleTaints(node);
  const noExecute = noExecuteTaintKey(node);
  if (noExecute) {
    const existing = current.find((t) => t.key === noExecute && t.effect === 'NoExecute');
    want.push({ key: noExecute, effect: 'NoExecute', timeAdded: existing?.timeAdded ?? now });
  }
  const kept = current.filter((t) => !owned(t));
  const keep = want.map((w) => current.find((t) => t.key === w.key && t.effect === w.effect && t.effect === 'NoSchedule') ?? w);
  return [...kept, ...keep];
}

/** Whether two taint lists hold the same taints (order ignored). */
export function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  const key = (t: Taint): string => `${t.key}\u0000${t.value ?? ''}\u0000${t.effect}\u0000${t.timeAdded ?? ''}`;
  const as = a.map(key).sort();
  const bs = b.map(key).sort();
  return as.length === bs.length && as.every((k, i) => k === bs[i]);
}
