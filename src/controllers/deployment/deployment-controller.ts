/**
 * The Deployment controller (upstream's pkg/controller/deployment).
 *
 * sync(key): read the Deployment from the cache (NotFound: done); claim the
 * ReplicaSets of its namespace by selector; then, as upstream's
 * syncDeployment: status only while it is being deleted; Paused/Resumed
 * conditions; when paused or when spec.replicas changed (a scaling event),
 * scale without rolling out; otherwise one step of the Recreate or
 * RollingUpdate strategy. Every step is computed from the cache and the
 * objects' annotations alone (no memory across syncs), so a restart in the
 * middle of a rollout resumes it.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone } from '../../api/object.js';
import { labelSelectorAsSelector, NOTHING, type LabelSelectorMatcher } from '../../api/selectors/index.js';
import type { ApiObject } from '../../client/api-object.js';
import { startController } from '../../client/controller.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { claimObjects, getControllerOf, recheckOwner } from '../shared/controller-ref.js';
import { desiredReplicasAnnotation } from './annotations.js';
import { cleanupDeployment } from './cleanup.js';
import { desiredReplicas } from './int-or-percent.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { updateDeploymentStatus, type DeploymentOps } from './ops.js';
import { checkPausedConditions, syncDeploymentStatus } from './progress.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { filterActive } from './replica-sets.js';
import { rolloutRolling } from './rolling.js';
import { scale } from './scale.js';

export interface DeploymentControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  /** Events as `deployment-controller`. */
  recorder: EventRecorder;
  logger?: Logger;
  /** @default 5 (upstream's --concurrent-deployment-syncs) */
  workers?: number;
}

export interface RunningDeploymentController {
  /** Reconciles one `namespace/name` key (the workers call this; tests may too). */
  sync(key: string): Promise<void>;
  stop(): Promise<void>;
}

const withKind = <T extends ApiObject>(o: T, apiVersion: string, kind: string): T => ({ ...deepClone(o), apiVersion, kind });

function selectorOf(d: Deployment): LabelSelectorMatcher {
  try { return labelSelectorAsSelector(d.spec?.selector); } catch { return NOTHING; }
}

export function startDeploymentController(opts: DeploymentControllerOptions): RunningDeploymentController {
  const { client, recorder, logger } = opts;
  const dInformer = opts.informers.forResource<Deployment>(RESOURCES.deployments);
  const rsInformer = opts.informers.forResource<ReplicaSet>(RESOURCES.replicasets);
  const podInformer = opts.informers.forResource<Pod>(RESOURCES.pods);
  const queue = new WorkQueue<string>({ name: 'deployment' });

  const ops: DeploymentOps = {
    client, recorder, ...(logger ? { logger } : {}),
    cachedReplicaSet: (key) => rsInformer.store.get(key),
    requeueAfter: (d, ms) => queue.addAfter(objectKey(d), ms),
    requeueRateLimited: (d) => queue.addRateLimited(objectKey(d)),
  };

  const enqueue = (d: Deployment): void => queue.add(objectKey(d));
  const resolve = (namespace: string, ref: { kind: string; name: string; uid: string } | undefined): Deployment | undefined => {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = dInformer.store.get(`${namespace}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  };
  /** Deployments whose selector matches an orphan ReplicaSet (upstream's getDeploymentsForReplicaSet). */
  const matching = (rs: ReplicaSet): Deployment[] => dInformer.store.byNamespace(rs.metadata!.namespace!).filter((d) => {
    const sel = selectorOf(d);
    return !sel.empty && sel.matches(rs.metadata?.labels);
  });

  dInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, d) => enqueue(d), onDelete: enqueue });
  const onReplicaSet = (rs: ReplicaSet): void => {
    const ref = getControllerOf(rs);
    if (ref) {
      const d = resolve(rs.metadata!.namespace!, ref);
      if (d) enqueue(d);
      return;
    }
    if (!rs.metadata?.deletionTimestamp) for (const d of matching(rs)) enqueue(d);
  };
  rsInformer.addEventHandler({
    onAdd: onReplicaSet,
    onUpdate(old, cur) {
      if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
      const oldRef = getControllerOf(old);
      const curRef = getControllerOf(cur);
      if (oldRef && oldRef.uid !== curRef?.uid) {
        const d = resolve(old.metadata!.namespace!, oldRef);
        if (d) enqueue(d);
      }
      if (curRef) { onReplicaSet(cur); return; }
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
      if (labelsChanged || oldRef) onReplicaSet(cur);
    },
    onDelete(rs) {
      const d = resolve(rs.metadata!.namespace!, getControllerOf(rs));
      if (d) enqueue(d);
    },
  });
  // Recreate waits for old pods to go: a deleted pod may let it proceed.
  podInformer.addEventHandler({
    onDelete(pod) {
      const rsRef = getControllerOf(pod);
      if (rsRef?.kind !== 'ReplicaSet') return;
      const rs = rsInformer.store.get(`${pod.metadata!.namespace}/${rsRef.name}`);
      if (!rs || rs.metadata?.uid !== rsRef.uid) return;
      const d = resolve(rs.metadata!.namespace!, getControllerOf(rs));
      if (d && d.spec?.strategy?.type === 'Recreate') enqueue(d);
    },
  });

  async function claimReplicaSets(d: Deployment, selector: LabelSelectorMatcher): Promise<ReplicaSet[]> {
    const candidates = rsInformer.store.byNamespace(d.metadata!.namespace!).map((rs) => withKind(rs, 'apps/v1', 'ReplicaSet'));
    const claimed = await claimObjects<ReplicaSet>(candidates, {
      client, resource: RESOURCES.replicasets, owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment',
      matches: (rs) => !selector.empty && selector.matches(rs.metadata?.labels),
      canAdopt: recheckOwner(client, RESOURCES.deployments, d),
    });
    return claimed.map((rs) => ({ ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' }));
  }

  function podMapFor(d: Deployment, rsList: ReplicaSet[], selector: LabelSelectorMatcher): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata!.uid!, []]));
    for (const pod of podInformer.store.byNamespace(d.metadata!.namespace!)) {
      if (!selector.matches(pod.metadata?.labels)) continue;
      const uid = getControllerOf(pod)?.uid;
      if (uid && map.has(uid)) map.get(uid)!.push(pod);
    }
    return map;
  }

  /** Upstream's isScalingEvent: an active ReplicaSet was sized for another spec.replicas. */
  async function isScalingEvent(d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false);
    return filterActive([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== desiredReplicas(d);
    });
  }

  /** Upstream's sync(): scaling and status without a rollout (paused, scaling events). */
  async function syncScaling(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false);
    await scale(ops, d, newRS, oldRSs);
    if (d.spec?.paused) await cleanupDeployment(ops, oldRSs, d);
    await syncDeploymentStatus(ops, [...oldRSs, newRS], newRS, d);
  }

  async function sync(key: string): Promise<void> {
    const cached = dInformer.store.get(key);
    if (!cached) return;
    const d = withKind(cached, 'apps/v1', 'Deployment');
    const sel = d.spec?.selector;
    if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata?.generation ?? 0 };
        await updateDeploymentStatus(ops, d);
      }
      return;
    }
    const selector = selectorOf(d);
    const rsList = await claimReplicaSets(d, selector);
    if (d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ops, d, rsList, false);
      await syncDeploymentStatus(ops, [...oldRSs, newRS], newRS, d);
      return;
    }
    await checkPausedConditions(ops, d);
    if (d.spec?.paused || await isScalingEvent(d, rsList)) {
      await syncScaling(d, rsList);
      return;
    }
    if (d.spec?.strategy?.type === 'Recreate') await rolloutRecreate(ops, d, rsList, podMapFor(d, rsList, selector));
    else await rolloutRolling(ops, d, rsList);
  }

  const running = startController({
    name: 'deployment', queue, sync, informers: [dInformer, rsInformer, podInformer], workers: opts.workers ?? 5, logger,
  });
  return { sync, stop: () => running.stop() };
}
