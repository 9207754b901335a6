/**
 * Job conditions: finding them, and setting one the way upstream's
 * ensureJobConditionStatus does (any change replaces the condition and its
 * times; a False condition that does not exist yet is not added).
 */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import { rfc3339Seconds } from '../../api/time.js';

export function findCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

function isTrue(job: Job, type: string): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** Complete or Failed is True: nothing more will happen to the Job. */
export function isJobFinished(job: Job): boolean {
  return isTrue(job, 'Complete') || isTrue(job, 'Failed');
}

/** The Complete or Failed condition that is True, if any. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function newCondition(type: string, status: string, reason: string, message: string, now: Date): JobCondition {
  const t = rfc3339Seconds(now.getTime());
  return { type, status, reason, message, lastProbeTime: t, lastTransitionTime: t };
}

/** Sets `type` to `status` in `conditions` (in place); returns whether anything changed. */
export function ensureCondition(conditions: JobCondition[], cond: JobCondition): boolean {
  const i = conditions.findIndex((c) => c.type === cond.type);
  if (i < 0) {
    if (cond.status === 'False') return false;
    conditions.push(cond);
    return true;
  }
  const old = conditions[i]!;
  if (old.status !== cond.status || old.reason !== cond.reason || old.message !== cond.message) {
    conditions[i] = cond;
    return true;
  }
  return false;
}

