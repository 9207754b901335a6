/**
 * Finding or creating a Deployment's new ReplicaSet and keeping revisions
 * in step (upstream's getAllReplicaSetsAndSyncRevision / getNewReplicaSet).
 *
 * The new ReplicaSet is `<deployment>-<hash>` where the hash is of the pod
 * template and status.collisionCount; its selector, template and labels
 * gain `pod-template-hash`. Its revision is one more than the highest old
 * revision; reusing an old ReplicaSet (a rollback, `kubectl rollout undo`)
 * raises its revision and records the old one in revision-history. A name
 * taken by a ReplicaSet with another template is a hash collision: bump
 * collisionCount and retry on the next sync.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { deepClone } from '../../api/object.js';
import { RESOURCES } from '../../client/resource.js';
import { computeHash } from '../shared/hash.js';
import { getControllerOf, newControllerRef } from '../shared/controller-ref.js';
import { REVISION_ANNOTATION, maxRevision, setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { PROGRESSING, REASONS, getCondition, hasProgressDeadline, newCondition, setCondition } from './conditions.js';
import { replaceWith, updateDeploymentStatus, type DeploymentOps } from './ops.js';
import { POD_TEMPLATE_HASH_LABEL, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, newRSNewReplicas } from './replica-sets.js';

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** The new ReplicaSet (created when `create` and missing) and all old ones; syncs revision annotations. */
export async function getAllReplicaSetsAndSyncRevision(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[],
  create: boolean): Promise<ReplicaSetsOfDeployment> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ops, d, rsList, oldRSs, create);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(ops: DeploymentOps, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[],
  create: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) {
    const copy = deepClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
    if (annotationsChanged || minReadyChanged) {
      copy.spec = { ...copy.spec!, minReadySeconds: d.spec?.minReadySeconds ?? 0 };
      const updated = await ops.client.update<ReplicaSet>(RESOURCES.replicasets, copy, { namespace: copy.metadata!.namespace! });
      return replaceWith(existing, { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...updated });
    }
    let needsUpdate = setDeploymentRevision(d, copy.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
    if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
      setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', REASONS.foundNewRS, `Found new replica set "${copy.metadata!.name}"`));
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(ops, d);
    return existing;
  }
  if (!create) return undefined;

  const template = deepClone(d.spec!.template);
  const hash = computeHash(template, d.status?.collisionCount ?? undefined);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = deepClone(d.spec!.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const ns = d.metadata!.namespace!;
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata!.name}-${hash}`, namespace: ns,
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      labels: { ...template.metadata.labels },
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  rs.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await ops.client.create<ReplicaSet>(RESOURCES.replicasets, rs, { namespace: ns });
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (code === 409) {
      alreadyExists = true;
      const found = ops.cachedReplicaSet(`${ns}/${rs.metadata!.name}`);
      if (found && getControllerOf(found)?.uid === d.metadata!.uid && equalIgnoreHash(d.spec!.template, found.spec?.template)) {
        created = deepClone(found);
      } else {
        // Another template holds this name: a hash collision.
        d.status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        try {
          await updateDeploymentStatus(ops, d);
          ops.logger?.info({ deployment: `${ns}/${d.metadata!.name}`, collisionCount: d.status.collisionCount }, 'found a hash collision for deployment - bumping collisionCount to resolve it');
        } catch { /* the retry of the sync sees the conflict again */ }
        throw e;
      }
    } else {
      const causes = (e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? [];
      if (!causes.some((c) => c.reason === 'NamespaceTerminating')) {
        const msg = `Failed to create new replica set "${rs.metadata!.name}": ${e instanceof Error ? e.message : String(e)}`;
        if (hasProgressDeadline(d)) {
          setCondition((d.status ??= {}), newCondition(PROGRESSING, 'False', REASONS.failedRSCreate, msg));
          await updateDeploymentStatus(ops, d).catch(() => undefined);
        }
        ops.recorder.event(d, 'Warning', REASONS.failedRSCreate, msg);
      }
      throw e;
    }
  }
  if (!alreadyExists && replicas > 0) {
    ops.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata!.name} from 0 to ${replicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', REASONS.newReplicaSet, `Created new replica set "${created.metadata!.name}"`));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(ops, d);
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...created };
}
