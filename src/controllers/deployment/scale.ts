/**
 * Scaling a Deployment's ReplicaSets (upstream's sync.go scale and
 * scaleReplicaSet): one ReplicaSet at a time with the ScalingReplicaSet
 * Event, and proportional scaling, which spreads a change of
 * spec.replicas in the middle of a rollout over every active ReplicaSet by
 * its share of the Deployment's size when it was last scaled (the
 * max-replicas annotation), larger ReplicaSets first.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { RESOURCES } from '../../client/resource.js';
import { maxReplicasAnnotation, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.js';
import { desiredReplicas, isRollingUpdate, maxSurge } from './int-or-percent.js';
import { replaceWith, type DeploymentOps } from './ops.js';
import { bySizeNewer, bySizeOlder, filterActive, findActiveOrLatest, isSaturated, replicaCount, specReplicas } from './replica-sets.js';
import { deepClone } from '../../api/object.js';

/**
 * Sets rs.spec.replicas to `newScale` and the replicas annotations to the
 * Deployment's size; records ScalingReplicaSet when the size changed.
 * `rs` becomes the server's reply. Resolves whether the size changed.
 */
export async function scaleReplicaSet(ops: DeploymentOps, rs: ReplicaSet, newScale: number, d: Deployment,
  operation: string): Promise<boolean> {
  const oldScale = specReplicas(rs);
  const sizeChanged = oldScale !== newScale;
  const desired = desiredReplicas(d);
  const max = desired + maxSurge(d);
  if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const copy = deepClone(rs);
  copy.spec = { ...copy.spec!, replicas: newScale };
  setReplicasAnnotations(copy, desired, max);
  const updated = await ops.client.update<ReplicaSet>(RESOURCES.replicasets, copy, { namespace: rs.metadata!.namespace! });
  replaceWith(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...updated });
  if (sizeChanged) {
    ops.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata!.name} from ${oldScale} to ${newScale}`);
  }
  return sizeChanged;
}

/** scaleReplicaSet with the direction worked out; no-op when the size is already right. */
export async function scaleReplicaSetAndRecordEvent(ops: DeploymentOps, rs: ReplicaSet, newScale: number, d: Deployment): Promise<boolean> {
  if (specReplicas(rs) === newScale) return false;
  return scaleReplicaSet(ops, rs, newScale, d, specReplicas(rs) < newScale ? 'up' : 'down');
}

/** The share of `toAdd` that `rs` gets (upstream's GetReplicaSetProportion). */
function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (desiredReplicas(d) === 0) fraction = -specReplicas(rs);
  else {
    const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
    const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
    fraction = annotated === 0 ? 0 : roundHalfAway((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Upstream's scale(): the one active (or newest) ReplicaSet takes the whole
 * size; a saturated new ReplicaSet scales every old one to 0; otherwise a
 * rolling Deployment scales all active ReplicaSets proportionally.
 */
export async function scale(ops: DeploymentOps, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const want = desiredReplicas(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    if (specReplicas(single) !== want) await scaleReplicaSetAndRecordEvent(ops, single, want, d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(ops, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  let operation = '';
  if (toAdd > 0) { all.sort(bySizeNewer); operation = 'up'; } else if (toAdd < 0) { all.sort(bySizeOlder); operation = 'down'; }
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs.metadata!.name!, specReplicas(rs) + p);
      added += p;
    } else sizes.set(rs.metadata!.name!, specReplicas(rs));
  }
  for (const [i, rs] of all.entries()) {
    const name = rs.metadata!.name!;
    if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, sizes.get(name)! + toAdd - added));
    await scaleReplicaSet(ops, rs, sizes.get(name)!, d, operation);
  }
}
