/**
 * Which pods a ReplicaSet deletes first when it has too many: upstream's
 * ActivePodsWithRanks ordering with LogarithmicScaleDown (on by default
 * since 1.22) and PodDeletionCost. Earlier in the order is deleted first:
 *  1. unassigned before assigned;
 *  2. Pending before Unknown before Running;
 *  3. not ready before ready;
 *  4. lower controller.kubernetes.io/pod-deletion-cost first;
 *  5. more colocated related pods on the same node first (the rank);
 *  6. both ready: ready more recently first, by power-of-two age buckets;
 *  7. more container restarts first;
 *  8. created more recently first, by power-of-two age buckets;
 * ties in a bucket broken by uid.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodActive, isPodReady, podCondition } from '../../api/pods/index.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

function time(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

function readyTime(pod: Pod): number | undefined {
  return isPodReady(pod) ? time(podCondition(pod, 'Ready')?.lastTransitionTime) : undefined;
}

function maxRestarts(pod: Pod): [number, number] {
  const max = (xs: { restartCount: number }[] | undefined): number => Math.max(0, ...(xs ?? []).map((c) => c.restartCount ?? 0));
  return [max(pod.status?.containerStatuses), max(pod.status?.initContainerStatuses)];
}

/** Upstream's afterOrZero: a missing time sorts first, else the later one. Returns <0 when a goes first. */
function afterOrZero(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1;
  return a > b ? -1 : 1;
}

/** Compares ages in power-of-two buckets of nanoseconds, as upstream's logarithmicRankDiff. */
function logRankDiff(a: number, b: number, now: number): number {
  const rank = (t: number): number => {
    const d = (now - t) * 1e6;
    return d > 0 ? Math.floor(Math.log2(d)) : -1;
  };
  return rank(a) - rank(b);
}

function byTime(a: number | undefined, b: number | undefined, now: number, pa: Pod, pb: Pod): number {
  if (a === undefined || b === undefined) return afterOrZero(a, b);
  const diff = logRankDiff(a, b, now);
  if (diff === 0) {
    const ua = pa.metadata?.uid ?? '';
    const ub = pb.metadata?.uid ?? '';
    return ua < ub ? -1 : ua > ub ? 1 : 0;
  }
  return diff;
}

/** Orders two pods for deletion; negative when `a` should go first. */
export function comparePodsForDeletion(a: Pod, rankA: number, b: Pod, rankB: number, now: number): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = PHASE_ORDINAL[a.status?.phase ?? ''] ?? 0;
  const pb = PHASE_ORDINAL[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const ta = readyTime(a);
    const tb = readyTime(b);
    if (ta !== tb) {
      const c = byTime(ta, tb, now, a, b);
      if (c !== 0) return c;
    }
  }
  const [xa, sa] = maxRestarts(a);
  const [xb, sb] = maxRestarts(b);
  if (xa !== xb) return xb - xa;
  if (sa !== sb) return sb - sa;
  const cta = time(a.metadata?.creationTimestamp);
  const ctb = time(b.metadata?.creationTimestamp);
  if (cta !== ctb) return byTime(cta, ctb, now, a, b);
  return 0;
}

/**
 * The `count` pods of `pods` to delete first. `relatedPods` (the pods of
 * every ReplicaSet with the same controlling owner) give each pod its rank:
 * how many active related pods share its node.
 */
export function podsToDelete(pods: readonly Pod[], relatedPods: readonly Pod[], count: number, now = Date.now()): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => comparePodsForDeletion(x.pod, x.rank, y.pod, y.rank, now));
  return ranked.slice(0, count).map((r) => r.pod);
}
