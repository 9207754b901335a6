/**
 * The Job controller (upstream's pkg/controller/job): runs pods to
 * completion for each Job. Handlers only enqueue: a Job's key on Job events
 * and on events of pods it controls; `pod/<namespace>/<name>` for a pod that
 * still holds the tracking finalizer while its Job is gone or finished, whose
 * sync removes the finalizer so the pod can go.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey } from '../../client/object-store.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { startController } from '../../client/controller.js';
import { ControllerExpectations } from '../shared/index.js';
import type { BackoffRecord } from './backoff.js';
import { isJobFinished } from './conditions.js';
import { DEFAULT_POD_FAILURE_BACKOFF_MS, JOB_TRACKING_FINALIZER, MAX_POD_FAILURE_BACKOFF_MS } from './constants.js';
import { JobSync, jobKeyOfPod } from './job-sync.js';
import { hasTrackingFinalizer } from './pod-state.js';

export interface JobControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger?: Logger;
  /** @default 5 (upstream's --concurrent-job-syncs) */
  workers?: number;
  /** First delay before replacing a failed pod; doubles per failure. @default 10000 */
  podFailureBackoffMs?: number;
  /** @default 360000 */
  maxPodFailureBackoffMs?: number;
}

const ORPHAN_PREFIX = 'pod/';

/** Starts the controller on the factory's job and pod informers; stop() ends its workers (the factory's owner stops the informers). */
export function startJobController(opts: JobControllerOptions): { stop(): Promise<void> } {
  const jobs = opts.informers.forResource<Job>(RESOURCES.jobs);
  const pods = opts.informers.forResource<Pod>(RESOURCES.pods);
  const queue = new WorkQueue<string>({
    name: 'job',
    rateLimiter: new ItemExponentialRateLimiter<string>({ baseMs: 5, maxMs: 60_000 }),
  });
  const expectations = new ControllerExpectations();
  const finalizerExpectations = new Map<string, Set<string>>();
  const backoff = new Map<string, BackoffRecord>();
  const syncer = new JobSync({
    client: opts.client, recorder: opts.recorder, jobs: jobs.store, pods: pods.store,
    expectations, finalizerExpectations, backoff,
    requeueAfter: (key, ms) => queue.addAfter(key, ms),
    now: Date.now,
    backoffBaseMs: opts.podFailureBackoffMs ?? DEFAULT_POD_FAILURE_BACKOFF_MS,
    backoffMaxMs: opts.maxPodFailureBackoffMs ?? MAX_POD_FAILURE_BACKOFF_MS,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });

  /** A pod that holds the finalizer for a Job that is gone, replaced or finished. */
  const orphaned = (pod: Pod): boolean => {
    if (!hasTrackingFinalizer(pod)) return false;
    const ref = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (!ref) return true;
    if (ref.kind !== 'Job' || !ref.apiVersion.startsWith('batch/')) return false;
    const job = jobs.store.get(`${pod.metadata!.namespace}/${ref.name}`);
    return !job || job.metadata?.uid !== ref.uid || isJobFinished(job);
  };

  const onPod = (pod: Pod): void => {
    const key = jobKeyOfPod(pod);
    if (key) queue.add(key);
    if (orphaned(pod)) queue.add(ORPHAN_PREFIX + objectKey(pod));
  };
  pods.addEventHandler({
    onAdd: (pod) => {
      const key = jobKeyOfPod(pod);
      if (key && !pod.metadata?.deletionTimestamp) expectations.creationObserved(key);
      onPod(pod);
    },
    onUpdate: (old, pod) => {
      const key = jobKeyOfPod(pod);
      if (key && pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) expectations.deletionObserved(key, pod.metadata.uid!);
      if (key && hasTrackingFinalizer(old) && !hasTrackingFinalizer(pod)) finalizerExpectations.get(key)?.delete(pod.metadata!.uid!);
      onPod(pod);
    },
    onDelete: (pod) => {
      const key = jobKeyOfPod(pod);
      if (!key) return;
      expectations.deletionObserved(key, pod.metadata!.uid!);
      finalizerExpectations.get(key)?.delete(pod.metadata!.uid!);
      queue.add(key);
    },
  });
  jobs.addEventHandler({
    onAdd: (job) => queue.add(objectKey(job)),
    onUpdate: (_old, job) => queue.add(objectKey(job)),
    onDelete: (job) => {
      queue.add(objectKey(job));
      for (const pod of pods.store.byNamespace(job.metadata!.namespace!)) {
        if (hasTrackingFinalizer(pod) && pod.metadata?.ownerReferences?.some((r) => r.uid === job.metadata!.uid)) {
          queue.add(ORPHAN_PREFIX + objectKey(pod));
        }
      }
    },
  });

  const syncOrphanPod = async (podKey: string): Promise<void> => {
    const pod = pods.store.get(podKey);
    if (!pod || !orphaned(pod)) return;
    try {
      await opts.client.patch(RESOURCES.pods, pod.metadata!.name!, {
        metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER], uid: pod.metadata!.uid },
      }, { namespace: pod.metadata!.namespace!, type: 'strategic' });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  };

  return startController({
    name: 'job', queue, informers: [jobs, pods], workers: opts.workers ?? 5, maxRetries: -1,
    ...(opts.logger ? { logger: opts.logger } : {}),
    sync: (key) => (key.startsWith(ORPHAN_PREFIX) ? syncOrphanPod(key.slice(ORPHAN_PREFIX.length)) : syncer.sync(key)),
  });
}
