/**
 * When a pod must leave a node with NoExecute taints (upstream's
 * TaintEvictionController: getNoExecuteTaints, getMinTolerationTime).
 */
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { toleratesTaint } from '../../api/pods/taints.js';

/**
 * `now`: a taint the pod does not tolerate. `never`: every taint is
 * tolerated for ever. Otherwise the time (ms) the shortest tolerationSeconds
 * among the tolerations in use runs out, counted from the oldest taint's
 * timeAdded (`firstSeenMs` for taints without one).
 */
export type EvictionTime = { kind: 'now'; taint: Taint } | { kind: 'never' } | { kind: 'at'; ms: number };

export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

export function evictionTime(pod: Pod, taints: readonly Taint[], firstSeenMs: number): EvictionTime {
  const tolerations: Toleration[] = pod.spec?.tolerations ?? [];
  const used = new Set<Toleration>();
  for (const taint of taints) {
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return { kind: 'now', taint };
    for (const t of matching) used.add(t);
  }
  let minSeconds = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    minSeconds = Math.min(minSeconds, Math.max(0, t.tolerationSeconds));
  }
  if (minSeconds === Infinity) return { kind: 'never' };
  const added = taints.map((t) => (t.timeAdded ? Date.parse(t.timeAdded) : NaN)).filter((ms) => !Number.isNaN(ms));
  const start = added.length === taints.length ? Math.min(...added) : Math.min(firstSeenMs, ...added);
  return { kind: 'at', ms: start + minSeconds * 1000 };
}
