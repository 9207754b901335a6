/**
 * The manage step of the DaemonSet controller as a pure function (upstream's
 * podsShouldBeOnNode over every node): which nodes need a daemon pod and
 * which pods must go (failed or finished ones, surplus ones, ones on nodes
 * the DaemonSet no longer fits, and unbound ones pinned to vanished nodes).
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { isPodAvailable, isPodReady } from '../../api/pods/index.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './placement.js';
import { allowsSurge } from './rolling-update.js';

/** Bound pods first, then oldest, then by name (upstream's podByCreationTimestampAndPhase). */
export function byCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const ab = a.spec?.nodeName ? 0 : 1;
  const bb = b.spec?.nodeName ? 0 : 1;
  if (ab !== bb) return ab - bb;
  const at = a.metadata?.creationTimestamp ?? '';
  const bt = b.metadata?.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

/** Pods grouped by the node they are on or pinned to. */
export function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = targetNodeName(p);
    if (n === undefined) continue;
    const list = m.get(n) ?? [];
    list.push(p);
    m.set(n, list);
  }
  return m;
}

export interface ManagePlan {
  nodesNeedingPods: string[];
  podsToDelete: Pod[];
  /** Failed pods found (for the FailedDaemonPod event). */
  failedPods: Pod[];
}

export function planManage(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, readonly Pod[]>,
  hash: string, nowMs: number): ManagePlan {
  const plan: ManagePlan = { nodesNeedingPods: [], podsToDelete: [], failedPods: [] };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const surge = allowsSurge(ds);
  for (const node of nodes) {
    const name = node.metadata!.name!;
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(name) ?? [];
    if (shouldRun && pods.length === 0) {
      plan.nodesNeedingPods.push(name);
      continue;
    }
    if (!shouldContinueRunning) {
      for (const p of pods) if (!p.metadata?.deletionTimestamp) plan.podsToDelete.push(p);
      continue;
    }
    const running: Pod[] = [];
    for (const p of pods) {
      if (p.metadata?.deletionTimestamp) continue;
      if (p.status?.phase === 'Failed') { plan.failedPods.push(p); plan.podsToDelete.push(p); continue; }
      if (p.status?.phase === 'Succeeded') { plan.podsToDelete.push(p); continue; }
      running.push(p);
    }
    if (running.length <= 1) continue;
    running.sort(byCreationTimestampAndPhase);
    if (!surge) {
      plan.podsToDelete.push(...running.slice(1));
      continue;
    }
    // With surge, the oldest old pod stays until the oldest new pod is available.
    let oldestNew: Pod | undefined;
    let oldestOld: Pod | undefined;
    for (const p of running) {
      const isNew = p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
      if (isNew && !oldestNew) { oldestNew = p; continue; }
      if (!isNew && !oldestOld) { oldestOld = p; continue; }
      plan.podsToDelete.push(p);
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, nowMs))) {
      plan.podsToDelete.push(oldestOld);
    }
  }
  // Unbound pods pinned to nodes that no longer exist are never scheduled: delete them.
  const names = new Set(nodes.map((n) => n.metadata!.name!));
  for (const [node, pods] of byNode) {
    if (names.has(node)) continue;
    for (const p of pods) if (!p.spec?.nodeName && !p.metadata?.deletionTimestamp) plan.podsToDelete.push(p);
  }
  return plan;
}
