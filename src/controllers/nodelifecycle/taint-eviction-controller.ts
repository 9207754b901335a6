/**
 * The taint eviction controller (upstream's TaintEvictionController,
 * --controllers alias `taint-eviction-controller`): deletes pods bound to
 * nodes with NoExecute taints they do not tolerate at once, and those they
 * tolerate for a while when the shortest tolerationSeconds in use has run
 * out since the taint was added. Before deleting it sets the pod's
 * DisruptionTarget condition (reason DeletionByTaintManager) and records
 * TaintManagerEviction "Marking for deletion Pod <ns>/<name>"; a scheduled
 * deletion that is no longer due (taint gone, pod tolerates it for ever) is
 * cancelled with "Cancelling deletion of Pod <ns>/<name>".
 *
 * sync(podKey) contract: reads pod and node from the informers; a pod gone,
 * terminating, unbound or on an untainted node is done; a deletion not yet
 * due re-queues the key for when it is; write failures reject (retried with
 * back-off); a 404 from the delete counts as done.
 */
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import type { RestClient } from '../../client/rest-client.js';
import { RESOURCES } from '../../client/resource.js';
import { WorkQueue } from '../../client/work-queue.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import { startController } from '../../client/controller.js';
import { objectKey, splitKey } from '../../client/object-store.js';
import { evictionTime, noExecuteTaints } from './toleration-time.js';
import { POD_NODE_NAME_INDEX, addPodNodeNameIndex } from './pod-index.js';
import { rfc3339Seconds } from '../../api/time.js';

export interface TaintEvictionControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger: Logger;
  /** @default 8, as upstream's UpdateWorkerSize */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

const taintsKey = (taints: readonly Taint[]): string => JSON.stringify(taints.map((t) => [t.key, t.value ?? '', t.timeAdded ?? '']).sort());

export function startTaintEvictionController(opts: TaintEvictionControllerOptions): { stop(): Promise<void> } {
  const { client, recorder, logger } = opts;
  const now = opts.now ?? Date.now;
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const pods = opts.informers.forResource<Pod>(RESOURCES.pods);
  addPodNodeNameIndex(pods);
  const queue = new WorkQueue<string>({
    name: 'taint_eviction_controller',
    rateLimiter: new ItemExponentialRateLimiter<string>({ baseMs: 50, maxMs: 10_000 }),
  });
  /** Pods with a deletion scheduled, by key: the pod's uid. */
  const scheduled = new Map<string, string>();
  /** When this controller first saw each node's current NoExecute taints (for taints without timeAdded). */
  const firstSeen = new Map<string, { taints: string; ms: number }>();

  const enqueuePod = (p: Pod): void => { if (p.spec?.nodeName) queue.add(objectKey(p)); };
  pods.addEventHandler({
    onAdd: enqueuePod,
    onUpdate: (o, p) => {
      if (o.spec?.nodeName !== p.spec?.nodeName || JSON.stringify(o.spec?.tolerations) !== JSON.stringify(p.spec?.tolerations)
        || !!o.metadata?.deletionTimestamp !== !!p.metadata?.deletionTimestamp) enqueuePod(p);
    },
    onDelete: (p) => { scheduled.delete(objectKey(p)); },
  });
  const enqueueNodePods = (name: string): void => {
    for (const p of pods.store.byIndex(POD_NODE_NAME_INDEX, name)) queue.add(objectKey(p));
  };
  nodes.addEventHandler({
    onAdd: (n) => { if (noExecuteTaints(n.spec?.taints).length) enqueueNodePods(n.metadata!.name!); },
    onUpdate: (o, n) => {
      const now = noExecuteTaints(n.spec?.taints);
      if (now.length === 0) firstSeen.delete(n.metadata!.name!);
      if (taintsKey(noExecuteTaints(o.spec?.taints)) !== taintsKey(now)) enqueueNodePods(n.metadata!.name!);
    },
    onDelete: (n) => { firstSeen.delete(n.metadata?.name ?? ''); },
  });

  const cancel = (key: string, pod: Pod | undefined): void => {
    if (!scheduled.delete(key) || !pod) return;
    recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  };

  const evict = async (key: string, pod: Pod): Promise<void> => {
    const { namespace, name } = splitKey(key);
    recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    const has = pod.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'DeletionByTaintManager');
    try {
      if (!has) {
        await client.patch(RESOURCES.pods, name, {
          metadata: { uid: pod.metadata?.uid },
          status: {
            conditions: [{
              type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager',
              message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339Seconds(now()),
            }],
          },
        }, { namespace, subresource: 'status', type: 'strategic' });
      }
      await client.delete(RESOURCES.pods, name, { namespace, ...(pod.metadata?.uid ? { preconditions: { uid: pod.metadata.uid } } : {}) });
      logger.info({ pod: key, node: pod.spec?.nodeName }, 'evicted pod from NoExecute-tainted node');
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
    scheduled.delete(key);
  };

  const sync = async (key: string): Promise<void> => {
    const pod = pods.store.get(key);
    if (!pod || pod.metadata?.deletionTimestamp || !pod.spec?.nodeName) { scheduled.delete(key); return; }
    const nodeName = pod.spec.nodeName;
    const node = nodes.store.get(nodeName);
    const taints = noExecuteTaints(node?.spec?.taints);
    if (taints.length === 0) { cancel(key, pod); return; }
    const nowMs = now();
    const tk = taintsKey(taints);
    let seen = firstSeen.get(nodeName);
    if (!seen || seen.taints !== tk) { seen = { taints: tk, ms: seen?.ms ?? nowMs }; firstSeen.set(nodeName, seen); }
    const when = evictionTime(pod, taints, seen.ms);
    if (when.kind === 'never') { cancel(key, pod); return; }
    if (when.kind === 'now' || when.ms <= nowMs) { await evict(key, pod); return; }
    scheduled.set(key, pod.metadata?.uid ?? '');
    queue.addAfter(key, when.ms - nowMs);
  };

  const running = startController({
    name: 'taint-eviction', queue, sync, informers: [nodes, pods], workers: opts.workers ?? 8, logger,
  });
  return { stop: () => running.stop() };
}
