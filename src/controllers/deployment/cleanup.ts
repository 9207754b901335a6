/**
 * revisionHistoryLimit (upstream's cleanupDeployment): delete the oldest
 * revisions beyond the limit among old ReplicaSets that are scaled to zero,
 * have no pods, have had their latest spec observed, and are not already
 * being deleted.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { RESOURCES } from '../../client/resource.js';
import type { DeploymentOps } from './ops.js';
import { byRevision, specReplicas } from './replica-sets.js';

export async function cleanupDeployment(ops: DeploymentOps, oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  const oldestFirst = [...alive].sort(byRevision);
  for (const rs of oldestFirst.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0
      || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    ops.logger?.debug({ replicaset: rs.metadata!.name }, 'trying to clean up replica set for deployment');
    try {
      await ops.client.delete(RESOURCES.replicasets, rs.metadata!.name!, { namespace: rs.metadata!.namespace!, preconditions: { uid: rs.metadata!.uid! } });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 404 && code !== 409) throw e;
    }
  }
}
