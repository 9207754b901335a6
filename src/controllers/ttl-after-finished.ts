/**
 * The TTL-after-finished controller (upstream's pkg/controller/ttlafterfinished):
 * deletes a finished Job (Complete or Failed) spec.ttlSecondsAfterFinished
 * after it finished, with background propagation so the garbage collector
 * removes its pods. Before deleting it re-reads the Job from the API, since
 * the TTL may have been changed, and deletes with that resourceVersion as
 * precondition. A Job not yet due is re-queued for when it will be.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Logger } from '../api/log.js';
import type { InformerFactory } from '../client/informer-factory.js';
import { objectKey, splitKey } from '../client/object-store.js';
import { ItemExponentialRateLimiter } from '../client/rate-limiter.js';
import { RESOURCES } from '../client/resource.js';
import type { RestClient } from '../client/rest-client.js';
import { WorkQueue } from '../client/work-queue.js';
import { startController } from '../client/controller.js';

export interface TtlAfterFinishedOptions {
  client: RestClient;
  informers: InformerFactory;
  logger?: Logger;
  /** @default 5 (upstream's --concurrent-ttl-after-finished-syncs) */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Epoch ms at which a finished Job with a TTL expires; undefined when it has no TTL, is not finished or is being deleted. */
export function jobExpiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata?.deletionTimestamp) return undefined;
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c) return undefined;
  const finishedAt = c.lastTransitionTime ?? job.status?.completionTime;
  if (!finishedAt) return undefined;
  return Date.parse(finishedAt) + ttl * 1000;
}

export function startTtlAfterFinishedController(opts: TtlAfterFinishedOptions): { stop(): Promise<void> } {
  const jobs = opts.informers.forResource<Job>(RESOURCES.jobs);
  const now = opts.now ?? Date.now;
  const queue = new WorkQueue<string>({ name: 'ttl_jobs_to_delete', rateLimiter: new ItemExponentialRateLimiter<string>({ baseMs: 5, maxMs: 60_000 }) });
  const enqueue = (job: Job): void => {
    if (jobExpiresAt(job) !== undefined) queue.add(objectKey(job));
  };
  jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, j) => enqueue(j) });

  const sync = async (key: string): Promise<void> => {
    const cached = jobs.store.get(key);
    if (!cached) return;
    let at = jobExpiresAt(cached);
    if (at === undefined) return;
    if (at > now()) { queue.addAfter(key, at - now()); return; }
    const { namespace, name } = splitKey(key);
    let fresh: Job;
    try {
      fresh = await opts.client.get<Job>(RESOURCES.jobs, name, { namespace });
    } catch (e) {
      if ((e as { code?: number }).code === 404) return;
      throw e;
    }
    at = jobExpiresAt(fresh);
    if (at === undefined) return;
    if (at > now()) { queue.addAfter(key, at - now()); return; }
    opts.logger?.info({ job: key }, 'deleting a finished Job whose TTL expired');
    try {
      await opts.client.delete(RESOURCES.jobs, name, {
        namespace, propagationPolicy: 'Background', preconditions: { uid: fresh.metadata!.uid!, resourceVersion: fresh.metadata!.resourceVersion! },
      });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  };

  return startController({
    name: 'ttl-after-finished', queue, sync, informers: [jobs], workers: opts.workers ?? 5,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}
