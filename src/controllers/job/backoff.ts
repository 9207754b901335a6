/**
 * The pod-failure back-off of a Job (upstream's backoffRecord): failures
 * since the last success and when the last one happened. New pods wait
 * base * 2^(failures-1), capped, after the last failure.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podFinishTime } from './pod-state.js';

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** Epoch ms of the latest counted failure. */
  lastFailureTime?: number;
}

/** The record after newly finished pods were counted. */
export function nextBackoffRecord(prev: BackoffRecord | undefined, newSucceeded: readonly Pod[], newFailed: readonly Pod[], now: number): BackoffRecord {
  const rec: BackoffRecord = { ...(prev ?? { failuresAfterLastSuccess: 0 }) };
  const failedTimes = newFailed.map((p) => podFinishTime(p, now)).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failedTimes.length === 0) return rec;
    return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1] };
  }
  const lastSuccess = Math.max(...newSucceeded.map((p) => podFinishTime(p, now)));
  const after = failedTimes.filter((t) => t > lastSuccess);
  return after.length === 0 ? { failuresAfterLastSuccess: 0 }
    : { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] };
}

/** Milliseconds until a new pod may be created; 0 when it may be now. */
export function remainingBackoffMs(rec: BackoffRecord | undefined, now: number, baseMs: number, maxMs: number): number {
  if (!rec || rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(rec.failuresAfterLastSuccess - 1, 40));
  const elapsed = now - rec.lastFailureTime;
  return elapsed >= delay ? 0 : delay - elapsed;
}
