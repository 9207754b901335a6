/**
 * The RollingUpdate strategy (upstream's rolling.go): scale the new
 * ReplicaSet up as far as maxSurge allows; else scale old ones down as far
 * as maxUnavailable allows, unhealthy replicas first; once complete, prune
 * old revisions. Every step ends with the rollout status.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { cleanupDeployment } from './cleanup.js';
import { deploymentComplete } from './conditions.js';
import { desiredReplicas, maxUnavailable } from './int-or-percent.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import type { DeploymentOps } from './ops.js';
import { syncRolloutStatus } from './progress.js';
import { availableReplicaCount, byCreation, filterActive, newRSNewReplicas, replicaCount, specReplicas } from './replica-sets.js';
import { scaleReplicaSetAndRecordEvent } from './scale.js';

export async function rolloutRolling(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if (newRS && await reconcileNewReplicaSet(ops, allRSs, newRS, d)) {
    await syncRolloutStatus(ops, allRSs, newRS, d);
    return;
  }
  if (newRS && await reconcileOldReplicaSets(ops, allRSs, filterActive(oldRSs), newRS, d)) {
    await syncRolloutStatus(ops, allRSs, newRS, d);
    return;
  }
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ops, oldRSs, d);
  await syncRolloutStatus(ops, allRSs, newRS, d);
}

async function reconcileNewReplicaSet(ops: DeploymentOps, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet,
  d: Deployment): Promise<boolean> {
  const want = desiredReplicas(d);
  if (specReplicas(newRS) === want) return false;
  if (specReplicas(newRS) > want) return scaleReplicaSetAndRecordEvent(ops, newRS, want, d);
  return scaleReplicaSetAndRecordEvent(ops, newRS, newRSNewReplicas(d, allRSs, newRS), d);
}

async function reconcileOldReplicaSets(ops: DeploymentOps, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[],
  newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const allPods = replicaCount(allRSs);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(ops, oldRSs, d, maxScaledDown);
  const scaled = await scaleDownOldReplicaSetsForRollingUpdate(ops, [...oldRSs, newRS], oldRSs, d);
  return cleaned + scaled > 0;
}

/** Scales old ReplicaSets down by their unavailable replicas, oldest first, at most `maxCleanup` in all. */
async function cleanupUnhealthyReplicas(ops: DeploymentOps, oldRSs: ReplicaSet[], d: Deployment, maxCleanup: number): Promise<number> {
  oldRSs.sort(byCreation);
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= maxCleanup) break;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const n = Math.min(maxCleanup - total, replicas - available);
    await scaleReplicaSetAndRecordEvent(ops, rs, replicas - n, d);
    total += n;
  }
  return total;
}

/** Scales old ReplicaSets down, oldest first, while more than minAvailable pods are available. */
async function scaleDownOldReplicaSetsForRollingUpdate(ops: DeploymentOps, allRSs: ReplicaSet[], oldRSs: ReplicaSet[],
  d: Deployment): Promise<number> {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  oldRSs.sort(byCreation);
  const target = available - minAvailable;
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= target) break;
    if (specReplicas(rs) === 0) continue;
    const n = Math.min(specReplicas(rs), target - total);
    await scaleReplicaSetAndRecordEvent(ops, rs, specReplicas(rs) - n, d);
    total += n;
  }
  return total;
}
