/**
 * startGarbageCollector: wires discovery-driven informers (monitors.ts), the
 * owner graph (graph.ts) and two rate-limited work queues keyed by uid,
 * attemptToDelete (attempt-to-delete.ts) and attemptToOrphan
 * (attempt-to-orphan.ts). Workers start once the first discovery's informers
 * have listed, and pause while informers of newly discovered resources list
 * (bounded by `syncTimeoutMs`), so decisions are never taken on a graph that
 * is missing whole resources.
 *
 * Unlike other controllers, informer handlers update the graph directly (it
 * is the collector's cache, updated synchronously and in event order); only
 * the queues' workers call the API.
 */
import type { Logger } from '../../api/log.js';
import { sleep } from '../../client/clock.js';
import { startController, type SyncableInformer } from '../../client/controller.js';
import { onAbort } from '../../client/on-abort.js';
import type { DiscoveryResult } from '../../client/discovery.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import { attemptToDeleteSync } from './attempt-to-delete.js';
import { attemptToOrphanSync } from './attempt-to-orphan.js';
import type { GcContext } from './context.js';
import { OwnerGraph } from './graph.js';
import { Monitors } from './monitors.js';

export interface GarbageCollectorOptions {
  /**
   * Every watched resource (about 35 built in, plus CRDs) holds one
   * connection of this client's pool for its watch, and the workers need
   * more: give the collector a client of its own, with maxSockets well above
   * the number of resources (e.g. 256), or other users of the pool starve.
   */
  client: RestClient;
  logger: Logger;
  /** How often discovery is read again, so that new resources (CRDs) get watched. @default 30000 */
  resyncDiscoveryMs?: number;
  /** Concurrent attemptToDelete syncs. @default 10 */
  deleteWorkers?: number;
  /** Concurrent attemptToOrphan syncs. @default 2 */
  orphanWorkers?: number;
  /** Longest pause of the workers while new informers list. @default 30000 */
  syncTimeoutMs?: number;
  /** Shared informers to watch through (left running on stop). @default informers of its own */
  informerFactory?: InformerFactory;
  /** @default serverPreferredResources(client) */
  discover?: () => Promise<DiscoveryResult>;
}

export interface RunningGarbageCollector {
  /** Stops discovery, lets in-flight syncs finish, stops the workers and the informers it made. */
  stop(): Promise<void>;
  /** Resolves true once the first discovery's informers have listed and workers run; false if stopped first. */
  waitForSync(): Promise<boolean>;
}

export function startGarbageCollector(opts: GarbageCollectorOptions): RunningGarbageCollector {
  const logger = opts.logger;
  const resyncMs = opts.resyncDiscoveryMs ?? 30_000;
  const syncTimeoutMs = opts.syncTimeoutMs ?? 30_000;
  const abort = new AbortController();
  const signal = abort.signal;
  const limiter = (): ItemExponentialRateLimiter<string> => new ItemExponentialRateLimiter<string>({ baseMs: 5, maxMs: 60_000 });
  const deleteQueue = new WorkQueue<string>({ name: 'garbage_collector_attempt_to_delete', rateLimiter: limiter() });
  const orphanQueue = new WorkQueue<string>({ name: 'garbage_collector_attempt_to_orphan', rateLimiter: limiter() });
  const absent = new AbsentOwnerCache();
  const graph = new OwnerGraph({
    attemptToDelete: (n) => deleteQueue.add(n.uid),
    attemptToOrphan: (n) => orphanQueue.add(n.uid),
  }, absent);
  const monitors = new Monitors({
    client: opts.client, graph, logger,
    ...(opts.informerFactory ? { informerFactory: opts.informerFactory } : {}),
    ...(opts.discover ? { discover: opts.discover } : {}),
  });
  const ctx: GcContext = {
    client: opts.client, graph, absent, logger,
    mapper: () => monitors.mapper,
    requeueDeleteAfter: (uid, ms) => deleteQueue.addAfter(uid, ms),
    virtualRecheckMs: resyncMs,
  };

  /** Workers wait on this before each sync: informers of new resources listing. */
  let gate: Promise<unknown> = Promise.resolve();
  const gated = (sync: (uid: string) => Promise<void>) => async (uid: string): Promise<void> => {
    await gate;
    await sync(uid);
  };
  const waitForMonitors = async (): Promise<boolean> => {
    // The timeout ends the wait and its listeners; a sync ends the timer.
    const wait = new AbortController();
    const timer = setTimeout(() => wait.abort(), syncTimeoutMs);
    timer.unref();
    const detach = onAbort(signal, () => wait.abort());
    try {
      const synced = await monitors.waitForSync(wait.signal);
      if (!synced && wait.signal.aborted && !signal.aborted) logger.warn({ timeoutMs: syncTimeoutMs }, 'timed out waiting for informers to list; going on');
      return synced;
    } finally {
      clearTimeout(timer);
      detach();
    }
  };

  const initial = (async (): Promise<boolean> => {
    for (let delay = 500; !signal.aborted; delay = Math.min(delay * 2, 30_000)) {
      try {
        const { added } = await monitors.sync();
        logger.info({ resources: added.length }, 'watching resources');
        break;
      } catch (e) {
        logger.warn({ err: errText(e), retryInMs: delay }, 'discovery failed; retrying');
        await sleep(delay, { signal });
      }
    }
    if (signal.aborted) return false;
    const synced = await monitors.waitForSync(signal);
    if (synced) logger.info({ nodes: graph.size }, 'dependency graph built');
    return synced && !signal.aborted;
  })();
  const ready: SyncableInformer = { start() {}, waitForSync: () => initial };

  let timer: NodeJS.Timeout | undefined;
  const resync = async (): Promise<void> => {
    try {
      const { added, removed } = await monitors.sync();
      if (added.length || removed.length) {
        logger.info({ added, removed }, 'resources to watch changed');
        if (added.length) gate = waitForMonitors();
      }
    } catch (e) {
      logger.warn({ err: errText(e) }, 'discovery failed; keeping the resources watched');
    } finally {
      if (!signal.aborted) timer = setTimeout(() => void resync(), resyncMs);
    }
  };
  void initial.then((ok) => { if (ok && !signal.aborted) timer = setTimeout(() => void resync(), resyncMs); });

  const common = { informers: [ready], maxRetries: -1, logger };
  const deleter = startController({
    ...common, name: 'garbage-collector-attempt-to-delete', queue: deleteQueue,
    sync: gated(attemptToDeleteSync(ctx)), workers: opts.deleteWorkers ?? 10,
  });
  const orphaner = startController({
    ...common, name: 'garbage-collector-attempt-to-orphan', queue: orphanQueue,
    sync: gated(attemptToOrphanSync(ctx)), workers: opts.orphanWorkers ?? 2,
  });

  return {
    waitForSync: () => initial,
    async stop() {
      abort.abort();
      if (timer) clearTimeout(timer);
      await Promise.all([deleter.stop(), orphaner.stop()]);
      await monitors.stop();
    },
  };
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
