/**
 * What the Job controller reads off its pods: the tracking finalizer,
 * whether a pod counts as failed, and when it finished.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { JOB_TRACKING_FINALIZER } from './constants.js';

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

/** Being deleted but not yet Succeeded or Failed. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * A pod the Job counts as failed: phase Failed, or (unless the Job only
 * replaces Failed pods) being deleted before it succeeded, since a deleted
 * pod may never reach a terminal phase.
 */
export function isPodFailed(pod: Pod, job: Job): boolean {
  const phase = pod.status?.phase;
  if (job.spec?.podReplacementPolicy === 'Failed') return phase === 'Failed';
  if (phase === 'Failed') return true;
  return !!pod.metadata?.deletionTimestamp && phase !== 'Succeeded';
}

/** When the pod finished: its last container's finishedAt, else its deletion time, else `now`. */
export function podFinishTime(pod: Pod, now: number): number {
  let latest = 0;
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const f = cs.state?.terminated?.finishedAt;
    if (f) latest = Math.max(latest, Date.parse(f));
  }
  if (latest > 0) return latest;
  if (pod.metadata?.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp);
  return now;
}

/** Sum of container restarts of Pending and Running pods (restartPolicy OnFailure counts these as failures). */
export function activeRestarts(pods: readonly Pod[]): number {
  let n = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const cs of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) n += cs.restartCount ?? 0;
  }
  return n;
}
