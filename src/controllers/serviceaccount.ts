/**
 * The ServiceAccount controller (upstream's serviceaccounts-controller):
 * every active Namespace has a `default` ServiceAccount. It is created when
 * a Namespace appears or becomes active, and again when it is deleted.
 * Terminating namespaces are left alone. Tokens are not this controller's
 * business (see the token controller / TokenRequest).
 *
 * sync(key) contract: the key is a namespace name; reads the Namespace and
 * ServiceAccounts from informer caches; creates only what is missing;
 * AlreadyExists and a namespace that started terminating are success.
 */
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { startController } from '../client/controller.js';
import type { Informer } from '../client/informer.js';
import type { InformerFactory } from '../client/informer-factory.js';
import { RESOURCES } from '../client/resource.js';
import type { RestClient } from '../client/rest-client.js';
import { WorkQueue } from '../client/work-queue.js';

/** The service accounts every namespace gets (upstream's --service-account names, default only). */
export const DEFAULT_SERVICE_ACCOUNTS: readonly string[] = ['default'];

export interface ServiceAccountControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  logger?: Logger;
  /** @default DEFAULT_SERVICE_ACCOUNTS */
  serviceAccounts?: readonly string[];
  /** @default 1 (upstream's --concurrent-serviceaccount-token-syncs is for tokens; this loop uses one worker) */
  workers?: number;
}

export interface ServiceAccountSyncDeps {
  client: RestClient;
  namespaces: Pick<Informer<Namespace>, 'store'>;
  serviceAccounts: Pick<Informer<ServiceAccount>, 'store'>;
  names: readonly string[];
  logger?: Logger;
}

/** The controller's sync(key) for one namespace name. */
export function serviceAccountSync(deps: ServiceAccountSyncDeps): (namespace: string) => Promise<void> {
  return async (namespace) => {
    const ns = deps.namespaces.store.get(namespace);
    if (!ns || ns.metadata?.deletionTimestamp || (ns.status?.phase ?? 'Active') !== 'Active') return;
    for (const name of deps.names) {
      if (deps.serviceAccounts.store.get(`${namespace}/${name}`)) continue;
      try {
        await deps.client.create<ServiceAccount>(RESOURCES.serviceaccounts, {
          apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace },
        }, { namespace });
        deps.logger?.debug({ namespace, name }, 'created service account');
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === 409) continue;
        // The namespace began terminating since the cache saw it.
        if (code === 403 && /terminat/i.test((e as Error).message ?? '')) return;
        throw e;
      }
    }
  };
}

export function startServiceAccountController(opts: ServiceAccountControllerOptions): { stop(): Promise<void> } {
  const names = opts.serviceAccounts ?? DEFAULT_SERVICE_ACCOUNTS;
  const namespaces = opts.informers.forResource<Namespace>(RESOURCES.namespaces);
  const serviceAccounts = opts.informers.forResource<ServiceAccount>(RESOURCES.serviceaccounts);
  const queue = new WorkQueue<string>({ name: 'serviceaccount' });
  const enqueueNs = (ns: Namespace): void => queue.add(ns.metadata!.name!);
  namespaces.addEventHandler({ onAdd: enqueueNs, onUpdate: (_o, ns) => enqueueNs(ns) });
  serviceAccounts.onDelete((sa) => {
    if (names.includes(sa.metadata?.name ?? '')) queue.add(sa.metadata!.namespace!);
  });
  const sync = serviceAccountSync({ client: opts.client, namespaces, serviceAccounts, names, ...(opts.logger ? { logger: opts.logger } : {}) });
  const running = startController({
    name: 'serviceaccount', queue, sync, informers: [namespaces, serviceAccounts], workers: opts.workers ?? 1, ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return { stop: () => running.stop() };
}
