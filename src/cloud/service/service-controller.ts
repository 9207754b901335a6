/**
 * The service controller (upstream's k8s.io/cloud-provider/controllers/service):
 * for each Service of type LoadBalancer without a loadBalancerClass, adds the
 * cleanup finalizer, calls EnsureLoadBalancer with the load balancer nodes
 * and writes status.loadBalancer; when the Service is deleted or stops
 * wanting one, calls EnsureLoadBalancerDeleted, clears the status and removes
 * the finalizer. A failed sync gives a SyncLoadBalancerFailed event and is
 * retried with back-off (5 s doubling to 5 min, without end, as upstream).
 * When the set of load balancer nodes changes, UpdateLoadBalancer is called
 * for every Service with a load balancer (upstream's nodeSyncLoop).
 */
import type { LoadBalancerStatus, Node, Service } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import {
  EventRecorder, InformerFactory, ItemExponentialRateLimiter, RESOURCES, RestClient, WorkQueue, objectKey, splitKey, startController,
} from '../../client/index.js';
import type { LoadBalancer } from '../cloud-provider.js';
import {
  LOAD_BALANCER_CLEANUP_FINALIZER, hasLoadBalancerFinalizer, isLoadBalancerNode, loadBalancerStatusEqual, needsCleanup, needsUpdate,
  nodeSetKey, wantsLoadBalancer,
} from './load-balancer-service.js';

export interface ServiceControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  loadBalancer: LoadBalancer;
  /** Events as `service-controller`. */
  recorder: EventRecorder;
  logger?: Logger;
  /** --cluster-name. @default 'kubernetes' */
  clusterName?: string;
  /** @default 1 (upstream's --concurrent-service-syncs) */
  workers?: number;
  /** First retry delay of a failed sync. @default 5000 (upstream's minRetryDelay) */
  retryBaseMs?: number;
  /** @default 300000 (upstream's maxRetryDelay) */
  retryMaxMs?: number;
}

/** The key of the node sync in the queue; never a namespace/name. */
const NODE_SYNC_KEY = '/nodes';

const asService = (s: Service): Service => ({ ...s, apiVersion: 'v1', kind: 'Service' });

export function startServiceController(opts: ServiceControllerOptions): { stop(): Promise<void> } {
  const { client, loadBalancer: lb, recorder } = opts;
  const clusterName = opts.clusterName ?? 'kubernetes';
  const log = opts.logger;
  const services = opts.informers.forResource<Service>(RESOURCES.services);
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const queue = new WorkQueue<string>({
    name: 'service', rateLimiter: new ItemExponentialRateLimiter<string>({ baseMs: opts.retryBaseMs ?? 5000, maxMs: opts.retryMaxMs ?? 300_000 }),
  });
  /** The last Service synced per key, for a load balancer whose Service vanished without the finalizer (upstream's serviceCache). */
  const synced = new Map<string, Service>();
  /** Node set the load balancers were last pointed at; services whose update failed are retried. */
  let lastNodeSet: string | undefined;
  const retryUpdate = new Set<string>();

  services.addEventHandler({
    // needsCleanup on add: a Service left half cleaned up by a previous run is finished.
    onAdd: (s) => { if (wantsLoadBalancer(s) || needsCleanup(s)) queue.add(objectKey(s)); },
    onUpdate: (o, s) => { if (needsUpdate(o, s) || needsCleanup(s)) queue.add(objectKey(s)); },
    onDelete: (s) => { if (synced.has(objectKey(s))) queue.add(objectKey(s)); },
  });
  const nodeChanged = (): void => queue.add(NODE_SYNC_KEY);
  nodes.addEventHandler({ onAdd: nodeChanged, onUpdate: nodeChanged, onDelete: nodeChanged });

  const loadBalancerNodes = (): Node[] => nodes.store.list().filter(isLoadBalancerNode);

  async function patchFinalizers(s: Service, finalizers: string[]): Promise<void> {
    const { namespace, name } = splitKey(objectKey(s));
    await client.patch(RESOURCES.services, name, {
      metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: s.metadata?.resourceVersion },
    }, { namespace });
  }

  async function patchStatus(s: Service, status: LoadBalancerStatus): Promise<void> {
    if (loadBalancerStatusEqual(s.status?.loadBalancer, status)) return;
    const { namespace, name } = splitKey(objectKey(s));
    const loadBalancer = status.ingress?.length ? status : { ingress: null };
    await client.patch(RESOURCES.services, name, { status: { loadBalancer } }, { namespace, subresource: 'status' });
  }

  async function deleteLoadBalancer(s: Service): Promise<void> {
    let exists: boolean;
    try {
      exists = await lb.getLoadBalancer(clusterName, s) !== undefined;
    } catch (e) {
      throw new Error(`failed to check if load balancer exists before cleanup: ${errorText(e)}`, { cause: e });
    }
    if (!exists) return;
    recorder.event(asService(s), 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    try {
      await lb.ensureLoadBalancerDeleted(clusterName, s);
    } catch (e) {
      throw new Error(`failed to delete load balancer: ${errorText(e)}`, { cause: e });
    }
  }

  /** upstream's syncLoadBalancerIfNeeded; returns whether the load balancer was deleted. */
  async function syncLoadBalancerIfNeeded(s: Service): Promise<'deleted' | 'ensured'> {
    if (!wantsLoadBalancer(s) || needsCleanup(s)) {
      await deleteLoadBalancer(s);
      // The status is cleared before the finalizer goes (upstream: after; a Service then gone cannot be patched).
      await patchStatus(s, {});
      if (hasLoadBalancerFinalizer(s)) {
        try {
          await patchFinalizers(s, (s.metadata?.finalizers ?? []).filter((f) => f !== LOAD_BALANCER_CLEANUP_FINALIZER));
        } catch (e) {
          throw new Error(`failed to remove load balancer cleanup finalizer: ${errorText(e)}`, { cause: e });
        }
      }
      recorder.event(asService(s), 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      return 'deleted';
    }
    recorder.event(asService(s), 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    // The finalizer goes on before the load balancer exists, so that the Service cannot go without its cleanup.
    if (!hasLoadBalancerFinalizer(s)) {
      try {
        await patchFinalizers(s, [...(s.metadata?.finalizers ?? []), LOAD_BALANCER_CLEANUP_FINALIZER]);
      } catch (e) {
        throw new Error(`failed to add load balancer cleanup finalizer: ${errorText(e)}`, { cause: e });
      }
    }
    const hosts = loadBalancerNodes();
    if (hosts.length === 0) recorder.event(asService(s), 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
    let status: LoadBalancerStatus;
    try {
      status = await lb.ensureLoadBalancer(clusterName, s, hosts);
    } catch (e) {
      throw new Error(`failed to ensure load balancer: ${errorText(e)}`, { cause: e });
    }
    recorder.event(asService(s), 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    await patchStatus(s, status);
    return 'ensured';
  }

  /** A load balancer whose Service is gone without our finalizer (upstream's processLoadBalancerDelete). */
  async function processLoadBalancerDelete(last: Service): Promise<void> {
    if (!wantsLoadBalancer(last)) return;
    recorder.event(asService(last), 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    try {
      await lb.ensureLoadBalancerDeleted(clusterName, last);
    } catch (e) {
      recorder.event(asService(last), 'Warning', 'DeleteLoadBalancerFailed', `Error deleting load balancer: ${errorText(e)}`);
      throw e;
    }
    recorder.event(asService(last), 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
  }

  async function syncService(key: string): Promise<void> {
    const s = services.store.get(key);
    if (!s) {
      // Gone without the finalizer (it was removed by hand, or the Service predates us): clean up what we made.
      const last = synced.get(key);
      if (last) await processLoadBalancerDelete(last);
      synced.delete(key);
      return;
    }
    const last = synced.get(key);
    // Deleted and created again under the same name before we saw it: the old one's load balancer goes first.
    if (last && last.metadata?.uid !== s.metadata?.uid) await processLoadBalancerDelete(last);
    synced.set(key, s);
    try {
      if (await syncLoadBalancerIfNeeded(s) === 'deleted') synced.delete(key);
      retryUpdate.delete(key);
    } catch (e) {
      recorder.event(asService(s), 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: ${errorText(e)}`);
      throw e;
    }
  }

  /** upstream's nodeSyncService for each Service with a load balancer; failed ones are queued for a full sync. */
  async function syncNodes(): Promise<void> {
    const hosts = loadBalancerNodes();
    const setKey = nodeSetKey(hosts);
    const changed = setKey !== lastNodeSet;
    lastNodeSet = setKey;
    const targets = changed ? [...synced.keys()] : [...retryUpdate];
    for (const key of targets) {
      const s = services.store.get(key);
      if (!s || !wantsLoadBalancer(s) || needsCleanup(s)) continue;
      try {
        await lb.updateLoadBalancer(clusterName, s, hosts);
        retryUpdate.delete(key);
        recorder.event(asService(s), 'Normal', 'UpdatedLoadBalancer', 'Updated load balancer with new hosts');
      } catch (e) {
        retryUpdate.add(key);
        const names = hosts.map((n) => n.metadata?.name).join(' ');
        recorder.event(asService(s), 'Warning', 'UpdateLoadBalancerFailed', `Error updating load balancer with new hosts [${names}]: ${errorText(e)}`);
        queue.add(key);
      }
    }
  }

  const sync = async (key: string): Promise<void> => {
    if (key === NODE_SYNC_KEY) return syncNodes();
    await syncService(key);
  };
  // The first node sync only records the set: services are ensured with it by their own syncs.
  const ready = (async () => { await Promise.all([services.waitForSync(), nodes.waitForSync()]); lastNodeSet = nodeSetKey(loadBalancerNodes()); })();
  const controller = startController({
    name: 'service-lb-controller', queue, sync: async (key) => { await ready; await sync(key); },
    informers: [services, nodes], workers: opts.workers ?? 1, maxRetries: -1, ...(log ? { logger: log } : {}),
  });
  return controller;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
