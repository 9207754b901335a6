/**
 * DaemonSet status as upstream's updateDaemonSetStatus counts it: per node
 * that should run the daemon, whether it has a pod and whether the oldest
 * one is ready, available and of the current revision; pods on nodes that
 * should not run it are misscheduled.
 */
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { isPodAvailable, isPodReady } from '../../api/pods/index.js';
import { nodeShouldRunDaemonPod } from './placement.js';
import { byCreationTimestampAndPhase } from './pods-on-nodes.js';
import { isPodUpdated } from './rolling-update.js';

export function computeDaemonSetStatus(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, readonly Pod[]>,
  hash: string, nowMs: number): DaemonSetStatus {
  const s = {
    currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0,
    updatedNumberScheduled: 0, numberAvailable: 0,
  };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = [...(byNode.get(node.metadata!.name!) ?? [])];
    if (!shouldRun) {
      if (pods.length > 0) s.numberMisscheduled++;
      continue;
    }
    s.desiredNumberScheduled++;
    if (pods.length === 0) continue;
    s.currentNumberScheduled++;
    const pod = pods.sort(byCreationTimestampAndPhase)[0]!;
    if (isPodReady(pod)) {
      s.numberReady++;
      if (isPodAvailable(pod, minReady, nowMs)) s.numberAvailable++;
    }
    if (isPodUpdated(pod, hash)) s.updatedNumberScheduled++;
  }
  const numberUnavailable = s.desiredNumberScheduled - s.numberAvailable;
  return {
    ...ds.status,
    ...s,
    ...(numberUnavailable > 0 ? { numberUnavailable } : { numberUnavailable: undefined }),
    observedGeneration: ds.metadata?.generation,
  };
}
