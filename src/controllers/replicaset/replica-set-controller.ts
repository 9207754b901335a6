/**
 * The ReplicaSet controller (upstream's pkg/controller/replicaset), which
 * also runs ReplicationControllers through an adapter (as upstream's
 * ReplicationManager wraps the ReplicaSet controller).
 *
 * sync(key): read the object from the cache (NotFound: forget its
 * expectations, done); claim the active pods of its namespace by selector
 * (adopt orphans, release non-matches); if its expectations are satisfied
 * and it is not being deleted, create (slow-start batches, at most
 * burstReplicas) or delete (upstream's deletion ranking) pods to reach
 * spec.replicas; then write status. Expectations make a slow pod watch
 * harmless: until every requested create/delete is observed, a sync only
 * refreshes status. Nothing else is kept in memory, so a restart is safe.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone } from '../../api/object.js';
import { isPodActive, isPodReady } from '../../api/pods/index.js';
import type { ApiObject } from '../../client/api-object.js';
import { startController } from '../../client/controller.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { ControllerExpectations } from '../shared/expectations.js';
import { claimObjects, getControllerOf, newControllerRef, recheckOwner } from '../shared/controller-ref.js';
import { PodControl, podFromTemplate } from '../shared/pod-control.js';
import { podsToDelete } from './active-pods.js';
import { REPLICA_SET_ADAPTER, type ReplicaSetAdapter } from './adapter.js';
import { slowStartBatch } from './slow-start.js';
import { calculateReplicaStatus, replicaStatusChanged } from './replica-set-status.js';

export interface ReplicaSetControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger?: Logger;
  /** @default REPLICA_SET_ADAPTER */
  adapter?: ReplicaSetAdapter;
  /** @default 5 (upstream's --concurrent-replicaset-syncs) */
  workers?: number;
  /** Most pods created or deleted in one sync. @default 500 */
  burstReplicas?: number;
  /** @default a fresh ControllerExpectations */
  expectations?: ControllerExpectations;
}

export interface RunningReplicaSetController {
  /** Reconciles one `namespace/name` key (the workers call this; tests may too). */
  sync(key: string): Promise<void>;
  stop(): Promise<void>;
}

const SLOW_START_INITIAL_BATCH_SIZE = 1;

function isNamespaceTerminating(e: unknown): boolean {
  const causes = (e as { details?: { causes?: { reason?: string; type?: string }[] } }).details?.causes ?? [];
  return causes.some((c) => (c.reason ?? c.type) === 'NamespaceTerminating');
}

export function startReplicaSetController(opts: ReplicaSetControllerOptions): RunningReplicaSetController {
  const adapter = opts.adapter ?? REPLICA_SET_ADAPTER;
  const { client, recorder, logger } = opts;
  const burst = opts.burstReplicas ?? 500;
  const expectations = opts.expectations ?? new ControllerExpectations();
  const podControl = new PodControl(client, recorder);
  const rsInformer: Informer<ApiObject> = opts.informers.forResource(adapter.resource);
  const podInformer: Informer<Pod> = opts.informers.forResource<Pod>(RESOURCES.pods);
  const queue = new WorkQueue<string>({ name: adapter.name });

  const withKind = (o: ApiObject): ApiObject => ({ ...o, apiVersion: adapter.apiVersion, kind: adapter.kind });

  /** The object a controller reference points to, if it is of our kind and still the same object. */
  const resolve = (namespace: string, ref: { kind: string; name: string; uid: string } | undefined): ApiObject | undefined => {
    if (!ref || ref.kind !== adapter.kind) return undefined;
    const obj = rsInformer.store.get(`${namespace}/${ref.name}`);
    return obj?.metadata?.uid === ref.uid ? obj : undefined;
  };
  const matchingOwners = (pod: Pod): ApiObject[] =>
    rsInformer.store.byNamespace(pod.metadata!.namespace!).filter((o) => {
      const sel = adapter.selector(o);
      return !sel.empty && sel.matches(pod.metadata?.labels);
    });

  const onPodDeleted = (pod: Pod): void => {
    const owner = resolve(pod.metadata!.namespace!, getControllerOf(pod));
    if (!owner) return;
    const key = objectKey(owner);
    expectations.deletionObserved(key, pod.metadata!.uid!);
    queue.add(key);
  };

  podInformer.addEventHandler({
    onAdd(pod) {
      if (pod.metadata?.deletionTimestamp) { onPodDeleted(pod); return; }
      const ref = getControllerOf(pod);
      if (ref) {
        const owner = resolve(pod.metadata!.namespace!, ref);
        if (!owner) return;
        const key = objectKey(owner);
        expectations.creationObserved(key);
        queue.add(key);
        return;
      }
      for (const o of matchingOwners(pod)) queue.add(objectKey(o));
    },
    onUpdate(old, cur) {
      if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
      if (cur.metadata?.deletionTimestamp) {
        onPodDeleted(cur);
        if (labelsChanged) onPodDeleted(old);
        return;
      }
      const curRef = getControllerOf(cur);
      const oldRef = getControllerOf(old);
      const refChanged = curRef?.uid !== oldRef?.uid;
      if (refChanged && oldRef) {
        const prev = resolve(old.metadata!.namespace!, oldRef);
        if (prev) queue.add(objectKey(prev));
      }
      if (curRef) {
        const owner = resolve(cur.metadata!.namespace!, curRef);
        if (!owner) return;
        const key = objectKey(owner);
        queue.add(key);
        const minReady = adapter.minReadySeconds(owner);
        if (!isPodReady(old) && isPodReady(cur) && minReady > 0) queue.addAfter(key, minReady * 1000 + 1000);
        return;
      }
      if (labelsChanged || refChanged) for (const o of matchingOwners(cur)) queue.add(objectKey(o));
    },
    onDelete(pod) { onPodDeleted(pod); },
  });
  rsInformer.addEventHandler({
    onAdd: (o) => queue.add(objectKey(o)),
    onUpdate: (_old, o) => queue.add(objectKey(o)),
    onDelete: (o) => { expectations.delete(objectKey(o)); queue.add(objectKey(o)); },
  });

  /** Pods of every object controlled by the same owner as `obj` (upstream's getIndirectlyRelatedPods). */
  const relatedPods = (obj: ApiObject): Pod[] => {
    const ns = obj.metadata!.namespace!;
    const ownerUid = getControllerOf(obj)?.uid;
    const uids = new Set<string>([obj.metadata!.uid!]);
    if (ownerUid) {
      for (const o of rsInformer.store.byNamespace(ns)) if (getControllerOf(o)?.uid === ownerUid) uids.add(o.metadata!.uid!);
    }
    return podInformer.store.byNamespace(ns).filter((p) => uids.has(getControllerOf(p)?.uid ?? ''));
  };

  async function manageReplicas(obj: ApiObject, pods: Pod[], key: string): Promise<void> {
    const ns = obj.metadata!.namespace!;
    const diff = pods.length - adapter.replicas(obj);
    if (diff < 0) {
      const want = Math.min(-diff, burst);
      const template = adapter.template(obj);
      if (!template) return;
      expectations.expectCreations(key, want);
      logger?.debug({ key, need: adapter.replicas(obj), have: pods.length, creating: want }, 'too few replicas');
      const ref = newControllerRef(obj, adapter.apiVersion, adapter.kind);
      const { successes, error } = await slowStartBatch(want, SLOW_START_INITIAL_BATCH_SIZE, async () => {
        try {
          await podControl.createPod(obj, podFromTemplate(template, ns, ref, { generateName: `${obj.metadata!.name}-` }));
        } catch (e) {
          if (isNamespaceTerminating(e)) return;
          throw e;
        }
      });
      // Creations never attempted (a batch failed) will never be observed.
      for (let i = successes; i < want; i++) expectations.creationObserved(key);
      if (error !== undefined) throw error;
    } else if (diff > 0) {
      const n = Math.min(diff, burst);
      logger?.debug({ key, need: adapter.replicas(obj), have: pods.length, deleting: n }, 'too many replicas');
      const victims = podsToDelete(pods, relatedPods(obj), n);
      expectations.expectDeletions(key, victims.map((p) => p.metadata!.uid!));
      const results = await Promise.allSettled(victims.map(async (p) => {
        try {
          await podControl.deletePod(obj, ns, p.metadata!.name!, p.metadata!.uid!);
        } catch (e) {
          expectations.deletionObserved(key, p.metadata!.uid!);
          if ((e as { code?: number }).code !== 404) throw e;
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  async function writeStatus(obj: ApiObject, pods: Pod[], manageError: unknown): Promise<ApiObject> {
    let current = obj;
    for (let attempt = 0; ; attempt++) {
      const next = calculateReplicaStatus({
        status: adapter.status(current), replicas: adapter.replicas(current), minReadySeconds: adapter.minReadySeconds(current),
        templateLabels: adapter.template(current)?.metadata?.labels, pods, manageError,
      });
      const generation = current.metadata?.generation ?? 0;
      if (!replicaStatusChanged(adapter.status(current), next, generation)) return current;
      next.observedGeneration = generation;
      try {
        return await client.updateStatus(adapter.resource, { ...withKind(deepClone(current)), status: next });
      } catch (e) {
        if ((e as { code?: number }).code !== 409 || attempt >= 1) throw e;
        current = await client.get(adapter.resource, current.metadata!.name!, { namespace: current.metadata!.namespace! });
      }
    }
  }

  async function sync(key: string): Promise<void> {
    const cached = rsInformer.store.get(key);
    if (!cached) { expectations.delete(key); return; }
    const obj = withKind(deepClone(cached));
    const needsSync = expectations.satisfied(key);
    const selector = adapter.selector(obj);
    const { namespace } = splitKey(key);
    const active = podInformer.store.byNamespace(namespace).filter(isPodActive);
    const pods = await claimObjects<Pod>(active, {
      client, resource: RESOURCES.pods, owner: obj, ownerApiVersion: adapter.apiVersion, ownerKind: adapter.kind,
      matches: (p) => !selector.empty && selector.matches(p.metadata?.labels),
      canAdopt: recheckOwner(client, adapter.resource, obj),
    });
    let manageError: unknown;
    if (needsSync && !obj.metadata?.deletionTimestamp) {
      try { await manageReplicas(obj, pods, key); } catch (e) { manageError = e; }
    }
    const updated = await writeStatus(obj, pods, manageError);
    const replicas = adapter.replicas(updated);
    const minReady = adapter.minReadySeconds(updated);
    const st = adapter.status(updated);
    if (manageError === undefined && minReady > 0 && st.readyReplicas === replicas && st.availableReplicas !== replicas) {
      queue.addAfter(key, minReady * 1000);
    }
    if (manageError !== undefined) throw manageError;
  }

  const running = startController({
    name: adapter.name, queue, sync, informers: [rsInformer, podInformer], workers: opts.workers ?? 5, logger,
  });
  return { sync, stop: () => running.stop() };
}
