/**
 * The CronJob controller (upstream's cronjob_controllerv2): Jobs on a cron
 * schedule. Handlers only enqueue the CronJob's key (a Job's events enqueue
 * the CronJob that controls it); each sync asks to run again at the next
 * schedule time.
 */
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey } from '../../client/object-store.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { startController } from '../../client/controller.js';
import { getControllerOf } from '../shared/index.js';
import { CronJobSync } from './cronjob-sync.js';

export interface CronJobControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger?: Logger;
  /** @default 5 (upstream's --concurrent-cron-job-syncs) */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

export function startCronJobController(opts: CronJobControllerOptions): { stop(): Promise<void> } {
  const cronJobs = opts.informers.forResource<CronJob>(RESOURCES.cronjobs);
  const jobs = opts.informers.forResource<Job>(RESOURCES.jobs);
  const queue = new WorkQueue<string>({
    name: 'cronjob',
    rateLimiter: new ItemExponentialRateLimiter<string>({ baseMs: 5, maxMs: 60_000 }),
  });
  const syncer = new CronJobSync({
    client: opts.client, recorder: opts.recorder, cronJobs: cronJobs.store, jobs: jobs.store,
    requeueAfter: (key, ms) => queue.addAfter(key, ms),
    now: opts.now ?? Date.now,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const enqueueOwner = (job: Job): void => {
    const ref = getControllerOf(job);
    if (ref?.kind === 'CronJob' && ref.apiVersion.startsWith('batch/')) queue.add(`${job.metadata!.namespace}/${ref.name}`);
  };
  jobs.addEventHandler({ onAdd: enqueueOwner, onUpdate: (_o, j) => enqueueOwner(j), onDelete: enqueueOwner });
  cronJobs.addEventHandler({ onAdd: (cj) => queue.add(objectKey(cj)), onUpdate: (_o, cj) => queue.add(objectKey(cj)) });
  return startController({
    name: 'cronjob', queue, informers: [cronJobs, jobs], workers: opts.workers ?? 5,
    ...(opts.logger ? { logger: opts.logger } : {}),
    sync: (key) => syncer.sync(key),
  });
}
