/**
 * The RollingUpdate strategy of DaemonSets as a pure function (upstream's
 * dsc.rollingUpdate): with maxSurge 0, delete old pods while at most
 * maxUnavailable nodes lack an available pod (the manage step then creates
 * the new ones); with maxSurge, create new pods beside old ones on at most
 * maxSurge nodes at once (the manage step deletes each old pod once its
 * replacement is available). Unavailable old pods are replaced at once.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
type IntOrString = number | string;
import { isPodAvailable } from '../../api/pods/index.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';
import { nodeShouldRunDaemonPod } from './placement.js';

/** An int, or a percentage of `total` rounded up (upstream's GetScaledValueFromIntOrPercent, roundUp). */
export function scaledValue(v: IntOrString | undefined, total: number): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  return Math.ceil((Number(m[1]) * total) / 100);
}

export function allowsSurge(ds: DaemonSet): boolean {
  const us = ds.spec?.updateStrategy;
  return us?.type === 'RollingUpdate' && scaledValue(us.rollingUpdate?.maxSurge, 1) > 0;
}

/** Whether a pod runs the DaemonSet's current template. */
export function isPodUpdated(pod: Pod, hash: string): boolean {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}

/** The one new and one old pod on a node; ok false when there are several of either. */
function updatedPodsOnNode(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(p, hash)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

export interface RollingUpdatePlan {
  podsToDelete: Pod[];
  nodesNeedingPods: string[];
}

export function planRollingUpdate(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, readonly Pod[]>,
  hash: string, nowMs: number): RollingUpdatePlan {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const perNode = new Map<string, readonly Pod[]>(byNode);
  let desired = 0;
  for (const n of nodes) {
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    if (!perNode.has(n.metadata!.name!)) perNode.set(n.metadata!.name!, []);
  }
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledValue(ru?.maxUnavailable, desired);
  const maxSurge = scaledValue(ru?.maxSurge, desired);
  if (maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const available = (p: Pod): boolean => isPodAvailable(p, minReady, nowMs);
  const names = [...perNode.keys()].sort();

  if (maxSurge === 0) {
    let unavailable = 0;
    const replaceNow: Pod[] = [];
    const candidates: Pod[] = [];
    for (const name of names) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(perNode.get(name)!, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) { unavailable++; continue; }
      if (newPod) { if (!available(newPod)) unavailable++; continue; }
      if (!available(oldPod!)) { replaceNow.push(oldPod!); unavailable++; }
      else if (unavailable < maxUnavailable) candidates.push(oldPod!);
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    return { podsToDelete: [...replaceNow, ...candidates.slice(0, room)], nodesNeedingPods: [] };
  }

  let surging = 0;
  const createNow: string[] = [];
  const candidates: string[] = [];
  for (const name of names) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(perNode.get(name)!, hash);
    if (!ok) { surging++; continue; }
    if (!oldPod) continue;
    if (newPod) { surging++; continue; }
    if (!available(oldPod)) createNow.push(name);
    else if (surging < maxSurge) candidates.push(name);
  }
  const room = Math.min(Math.max(0, maxSurge - surging), candidates.length);
  return { podsToDelete: [], nodesNeedingPods: [...createNow, ...candidates.slice(0, room)] };
}
