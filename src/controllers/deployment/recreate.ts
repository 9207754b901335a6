/**
 * The Recreate strategy (upstream's recreate.go): scale every old
 * ReplicaSet to zero, wait until none of their pods is left running, then
 * create or scale up the new ReplicaSet to the full size.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { cleanupDeployment } from './cleanup.js';
import { deploymentComplete } from './conditions.js';
import { desiredReplicas } from './int-or-percent.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import type { DeploymentOps } from './ops.js';
import { syncRolloutStatus } from './progress.js';
import { actualReplicaCount, filterActive } from './replica-sets.js';
import { scaleReplicaSetAndRecordEvent } from './scale.js';

/** Pods of the Deployment's ReplicaSets, by the ReplicaSet's uid. */
export type PodMap = Map<string, Pod[]>;

function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

export async function rolloutRecreate(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[], podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false);
  let allRSs = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if (await scaleReplicaSetAndRecordEvent(ops, rs, 0, d)) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podMap)) {
    await syncRolloutStatus(ops, allRSs, newRS, d);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(ops, newRS, desiredReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ops, oldRSs, d);
  await syncRolloutStatus(ops, allRSs, newRS, d);
}
