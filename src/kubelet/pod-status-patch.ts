/**
 * The status write of a pod worker (upstream's status manager): a JSON
 * merge patch of pods/<name>/status, only when the status changed.
 */
import type { PodStatus } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../api/object.js';

/**
 * The merge patch that turns `old` into `next`, or undefined when they are
 * equal. Top-level fields `next` lacks are deleted with null; lists are
 * replaced whole, as merge patches do.
 */
export function podStatusPatch(old: PodStatus | undefined, next: PodStatus): { status: Record<string, unknown> } | undefined {
  const before = (old ?? {}) as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if (!deepEqual(before[k], v)) patch[k] = v;
  for (const k of Object.keys(before)) if (!(k in after) && KUBELET_OWNED.has(k)) patch[k] = null;
  return Object.keys(patch).length ? { status: patch } : undefined;
}

/** Fields the kubelet writes (others, like nominatedNodeName, belong to someone else). */
const KUBELET_OWNED = new Set(['phase', 'conditions', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'qosClass', 'containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses', 'message', 'reason']);
