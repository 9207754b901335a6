/**
 * Writing a Deployment's status after a sync step (upstream's progress.go
 * and syncDeploymentStatus): counts and Available always; the Progressing
 * condition while a progress deadline is set (ReplicaSetUpdated on
 * progress, NewReplicaSetAvailable when complete, ProgressDeadlineExceeded
 * after progressDeadlineSeconds without progress); ReplicaFailure copied
 * from the ReplicaSets; DeploymentPaused / DeploymentResumed.
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { deepEqual } from '../../api/object.js';
import {
  PROGRESSING, REASONS, REPLICA_FAILURE, calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut,
  getCondition, hasProgressDeadline, newCondition, removeCondition, replicaFailures, setCondition,
} from './conditions.js';
import { updateDeploymentStatus, type DeploymentOps } from './ops.js';

const same = (a: DeploymentStatus | undefined, b: DeploymentStatus): boolean => deepEqual(normalize(a ?? {}), normalize(b));

function normalize(s: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined || v === null || (k !== 'observedGeneration' && v === 0) || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as DeploymentStatus;
}

/** Counts and Available only (paused, scaling, being deleted). */
export async function syncDeploymentStatus(ops: DeploymentOps, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined,
  d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d);
  if (same(d.status, status)) return;
  d.status = status;
  await updateDeploymentStatus(ops, d);
}

/** Counts, Available, Progressing and ReplicaFailure; requeues to notice a passing deadline. */
export async function syncRolloutStatus(ops: DeploymentOps, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined,
  d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === REASONS.newRSAvailable;
  const name = d.metadata!.name!;
  const rsName = newRS?.metadata?.name;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${name}" has successfully progressed.`;
      setCondition(status, newCondition(PROGRESSING, 'True', REASONS.newRSAvailable, msg));
    } else if (deploymentProgressing(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${name}" is progressing.`;
      const cond = newCondition(PROGRESSING, 'True', REASONS.replicaSetUpdated, msg);
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, PROGRESSING);
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${name}" has timed out progressing.`;
      setCondition(status, newCondition(PROGRESSING, 'False', REASONS.timedOut, msg));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(status, failures[0]!);
  else removeCondition(status, REPLICA_FAILURE);

  if (same(d.status, status)) {
    requeueStuckDeployment(ops, d, status);
    return;
  }
  d.status = status;
  await updateDeploymentStatus(ops, d);
}

/** Upstream's requeueStuckDeployment: sync again when the progress deadline would pass. */
function requeueStuckDeployment(ops: DeploymentOps, d: Deployment, status: DeploymentStatus): void {
  const current = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === REASONS.timedOut) return;
  const from = Date.parse(current.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return;
  const after = from + d.spec!.progressDeadlineSeconds! * 1000 - Date.now();
  if (after < 1000) ops.requeueRateLimited(d);
  else ops.requeueAfter(d, after);
}

/** Sets Progressing to DeploymentPaused / DeploymentResumed when spec.paused changed (upstream's checkPausedConditions). */
export async function checkPausedConditions(ops: DeploymentOps, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, PROGRESSING);
  if (cond?.reason === REASONS.timedOut) return;
  const pausedCondition = cond?.reason === REASONS.paused;
  const status = (d.status ??= {});
  if (d.spec?.paused && !pausedCondition) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', REASONS.paused, 'Deployment is paused'));
  } else if (!d.spec?.paused && pausedCondition) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', REASONS.resumed, 'Deployment is resumed'));
  } else return;
  await updateDeploymentStatus(ops, d);
}
