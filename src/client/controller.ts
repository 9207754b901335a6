/**
 * The controller runner: waits for its informers to sync, then runs N workers
 * that each loop get -> sync(key) -> forget + done. A failed sync is retried
 * with the queue's rate limiter up to `maxRetries` times, then dropped with a
 * log line (client-go controllers' processNextWorkItem / handleErr).
 */
import type { Logger } from '../api/log.js';
import type { WorkQueue } from './work-queue.js';
import { queueMetrics } from './queue-metrics.js';
import { waitForInformers } from './wait-for-informers.js';

/** What the runner needs of an informer (any Informer<T> fits). */
export interface SyncableInformer {
  start(): void;
  /** Resolves true once synced, false when stopped or `signal` aborted first; leaves no listener on `signal` once resolved. */
  waitForSync(signal?: AbortSignal): Promise<boolean>;
}

export interface ControllerOptions {
  /** For logs. */
  name: string;
  queue: WorkQueue<string>;
  /** Reconciles one key. Resolve when done; reject to retry with back-off. */
  sync: (key: string) => Promise<void>;
  /** Started (if not yet) and waited for before any worker runs. Not stopped by stop(): their owner does. */
  informers?: readonly SyncableInformer[];
  /** @default 1 */
  workers?: number;
  /** Retries before a key is dropped; a negative value retries forever. @default 15 */
  maxRetries?: number;
  logger?: Logger;
}

export interface RunningController {
  /** Shuts the queue down, lets in-flight syncs finish, and resolves when every worker has exited. */
  stop(): Promise<void>;
  /** Resolves when the workers have exited. */
  readonly done: Promise<void>;
}

export function startController(opts: ControllerOptions): RunningController {
  const { queue, sync, name, logger } = opts;
  const maxRetries = opts.maxRetries ?? 15;
  const stopSignal = new AbortController();

  async function worker(): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (stopSignal.signal.aborted) { queue.done(key); continue; }
      try {
        await sync(key);
        queue.forget(key);
      } catch (e) {
        queueMetrics().syncErrors.inc({ name });
        const retries = queue.numRequeues(key);
        if (maxRetries < 0 || retries < maxRetries) {
          logger?.debug({ controller: name, key, retries, err: e instanceof Error ? e.message : String(e) }, 'sync failed; requeueing');
          queue.addRateLimited(key);
        } else {
          logger?.warn({ controller: name, key, retries, err: e instanceof Error ? e.message : String(e) }, 'dropping key out of the queue after too many retries');
          queue.forget(key);
        }
      } finally {
        queue.done(key);
      }
    }
  }

  const done = (async () => {
    for (const i of opts.informers ?? []) i.start();
    if (!(await waitForInformers(opts.informers ?? [], stopSignal.signal))) {
      if (!stopSignal.signal.aborted) logger?.error({ controller: name }, 'informers stopped before they synced');
      return;
    }
    logger?.info({ controller: name, workers: opts.workers ?? 1 }, 'controller started');
    await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, () => worker()));
  })();

  return {
    done,
    async stop() {
      stopSignal.abort();
      queue.shutDown();
      await done;
      logger?.info({ controller: name }, 'controller stopped');
    },
  };
}
