/**
 * Feeds kubelet_pod_start_duration_seconds from the kubelet's pod
 * informer: a pod's clock starts when the informer first shows it to this
 * kubelet without being Running (upstream: the ConfigFirstSeen time), and
 * stops at the first update that shows it Running, which is the kubelet's
 * own status write coming back through the watch.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Histogram } from 'prom-client';

export interface PodEvents {
  addEventHandler(h: { onAdd?: (p: Pod) => void; onUpdate?: (old: Pod, p: Pod) => void; onDelete?: (p: Pod) => void }): () => void;
}

/** Starts tracking; returns the function that stops it. */
export function trackPodStarts(pods: PodEvents, histogram: Pick<Histogram, 'observe'>, now: () => number = Date.now): () => void {
  const firstSeen = new Map<string, number>();
  const seen = (p: Pod): void => {
    const uid = p.metadata?.uid;
    if (!uid) return;
    if (p.status?.phase === 'Running') {
      const t = firstSeen.get(uid);
      if (t !== undefined) histogram.observe((now() - t) / 1000);
      firstSeen.delete(uid);
    } else if ((p.status?.phase === undefined || p.status.phase === 'Pending') && !firstSeen.has(uid)) {
      firstSeen.set(uid, now());
    }
  };
  return pods.addEventHandler({
    onAdd: seen,
    onUpdate: (_old, p) => seen(p),
    onDelete: (p) => { firstSeen.delete(p.metadata?.uid ?? ''); },
  });
}
