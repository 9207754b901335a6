/**
 * The ResourceQuota controller (upstream's pkg/controller/resourcequota):
 * keeps each quota's status current: status.hard mirrors spec.hard and
 * status.used holds the namespace's usage of every resource in it. A change
 * to a charged object (pod, service, claim, counted object) re-syncs the
 * quotas of its namespace; every quota is also re-synced each `resyncMs`.
 * Enforcement at admission belongs to the API server, not to this loop.
 *
 * sync(key) contract: reads the quota and charged objects from informer
 * caches (an informer for a counted resource is made on first need and
 * waited for); writes status only when hard or used changed by amount.
 */
import type { ResourceQuota } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone } from '../../api/object.js';
import type { ApiObject } from '../../client/api-object.js';
import { startController } from '../../client/controller.js';
import type { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey, splitKey } from '../../client/object-store.js';
import { RESOURCES, type ResourceDescriptor } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { quotaUsed, resourceForQuotaName, sameResourceList } from './usage.js';

export interface ResourceQuotaControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  logger?: Logger;
  /** Full re-sync of every quota. @default 300000 (upstream's --resource-quota-sync-period) */
  resyncMs?: number;
  /** @default 5 (upstream's --concurrent-resource-quota-syncs) */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

export function startResourceQuotaController(opts: ResourceQuotaControllerOptions): { stop(): Promise<void> } {
  const { client, logger } = opts;
  const now = opts.now ?? Date.now;
  const quotas = opts.informers.forResource<ResourceQuota>(RESOURCES.resourcequotas);
  const queue = new WorkQueue<string>({ name: 'resourcequota_primary' });
  const enqueueNamespace = (obj: ApiObject): void => {
    for (const q of quotas.store.byNamespace(obj.metadata?.namespace ?? '')) queue.add(objectKey(q));
  };
  quotas.addEventHandler({
    onAdd: (q) => queue.add(objectKey(q)),
    onUpdate: (_o, q) => queue.add(objectKey(q)),
  });

  // Informers of charged resources, each with a handler that re-syncs its namespace's quotas.
  const watched = new Map<ResourceDescriptor, Informer>();
  const informerFor = (res: ResourceDescriptor): Informer => {
    let inf = watched.get(res);
    if (!inf) {
      inf = opts.informers.forResource(res);
      watched.set(res, inf);
      inf.addEventHandler({
        onAdd: enqueueNamespace,
        onUpdate: (o, n) => { if (o.metadata?.resourceVersion !== n.metadata?.resourceVersion) enqueueNamespace(n); },
        onDelete: enqueueNamespace,
      });
      inf.start();
    }
    return inf;
  };
  // Quotas count themselves (count/resourcequotas): a deleted one changes the others' usage.
  watched.set(RESOURCES.resourcequotas, quotas as unknown as Informer);
  quotas.onDelete(enqueueNamespace);
  const base = [RESOURCES.pods, RESOURCES.services, RESOURCES.persistentvolumeclaims].map(informerFor);

  const sync = async (key: string): Promise<void> => {
    const quota = quotas.store.get(key);
    if (!quota) return;
    const { namespace } = splitKey(key);
    const needed = new Set<ResourceDescriptor>();
    for (const name of Object.keys(quota.spec?.hard ?? {})) {
      const res = resourceForQuotaName(name);
      if (res) needed.add(res);
    }
    const informers = new Map<ResourceDescriptor, Informer>();
    for (const res of needed) {
      const inf = informerFor(res);
      if (!(await inf.waitForSync())) throw new Error(`informer for ${res.resource} stopped before it synced`);
      informers.set(res, inf);
    }
    const used = quotaUsed(quota, (res) => informers.get(res)!.store.byNamespace(namespace), now());
    const hard = quota.spec?.hard ?? {};
    if (sameResourceList(quota.status?.hard, hard) && sameResourceList(quota.status?.used, used)) return;
    const next = deepClone(quota);
    next.status = { hard: { ...hard }, used };
    await client.updateStatus(RESOURCES.resourcequotas, next, { namespace });
    logger?.debug({ quota: key, used }, 'updated quota usage');
  };

  const running = startController({
    name: 'resourcequota', queue, sync, informers: [quotas, ...base], workers: opts.workers ?? 5, ...(logger ? { logger } : {}),
  });
  const resync = setInterval(() => { for (const q of quotas.store.list()) queue.add(objectKey(q)); }, opts.resyncMs ?? 300_000);
  resync.unref();
  return {
    async stop() {
      clearInterval(resync);
      await running.stop();
    },
  };
}
