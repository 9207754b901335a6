/**
 * The namespace controller (upstream's pkg/controller/namespace): watches
 * Namespaces and, for each one being deleted, deletes all its content and
 * finalizes it (see namespace-deleter.ts). A client of the API only.
 *
 * sync(key) contract: NotFound or not-deleting is done; content still going
 * away re-queues the key after (estimate / 2 + 1) s as upstream; any other
 * failure rejects, so the runner retries it with back-off (5 ms doubling up
 * to 60 s, never dropped, as upstream's namespace queue).
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import type { RestClient } from '../client/rest-client.js';
import { RESOURCES } from '../client/resource.js';
import { Informer } from '../client/informer.js';
import { WorkQueue } from '../client/work-queue.js';
import { ItemExponentialRateLimiter } from '../client/rate-limiter.js';
import { startController } from '../client/controller.js';
import { objectKey } from '../client/object-store.js';
import { NamespacedResourcesDeleter, ResourcesRemainingError } from './namespace-deleter.js';

export interface NamespaceControllerOptions {
  client: RestClient;
  logger: Logger;
  /** Concurrent namespaces deleted. @default 2 */
  workers?: number;
  /**
   * Delay before a deleted namespace is first processed. Upstream waits 5 s so
   * that every API server of an HA control plane sees the deletion before
   * content is removed; k8ts' admission reads the store, so none is needed.
   * @default 0
   */
  deletionGracePeriodMs?: number;
  /** Fixed re-queue delay while content remains. @default (estimate / 2 + 1) s, as upstream */
  contentRemainingRequeueMs?: number;
}

export interface NamespaceSyncOptions {
  deleter: NamespacedResourcesDeleter;
  /** Re-queues `key` after `ms`. */
  requeueAfter: (key: string, ms: number) => void;
  /** @default (estimate / 2 + 1) s */
  contentRemainingRequeueMs?: number;
  logger?: Logger;
}

/** The sync(key) of the namespace controller; the key is the namespace's name. */
export function namespaceSync(opts: NamespaceSyncOptions): (key: string) => Promise<void> {
  return async (key) => {
    const started = Date.now();
    try {
      await opts.deleter.delete(key);
    } catch (e) {
      if (!(e instanceof ResourcesRemainingError)) throw e;
      const ms = opts.contentRemainingRequeueMs ?? (Math.floor(e.estimate / 2) + 1) * 1000;
      opts.logger?.debug({ namespace: key, estimate: e.estimate, requeueMs: ms }, 'content remaining; requeueing');
      opts.requeueAfter(key, ms);
    } finally {
      opts.logger?.debug({ namespace: key, ms: Date.now() - started }, 'finished syncing namespace');
    }
  };
}

/** Starts the controller; stop() ends its workers and its informer. */
export function startNamespaceController(opts: NamespaceControllerOptions): { stop(): Promise<void> } {
  const logger = opts.logger;
  const informer = new Informer<Namespace>(opts.client, RESOURCES.namespaces, { logger });
  const queue = new WorkQueue<string>({
    name: 'namespace',
    rateLimiter: new ItemExponentialRateLimiter<string>({ baseMs: 5, maxMs: 60_000 }),
  });
  const grace = opts.deletionGracePeriodMs ?? 0;
  const enqueue = (ns: Namespace): void => {
    if (!ns.metadata?.deletionTimestamp) return;
    queue.addAfter(objectKey(ns), grace);
  };
  informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });

  const deleter = new NamespacedResourcesDeleter({ client: opts.client, logger });
  const sync = namespaceSync({
    deleter, logger,
    requeueAfter: (key, ms) => queue.addAfter(key, ms),
    ...(opts.contentRemainingRequeueMs !== undefined ? { contentRemainingRequeueMs: opts.contentRemainingRequeueMs } : {}),
  });
  const running = startController({
    name: 'namespace', queue, sync, informers: [informer], workers: opts.workers ?? 2, maxRetries: -1, logger,
  });
  return {
    async stop() {
      await informer.stop();
      await running.stop();
    },
  };
}
