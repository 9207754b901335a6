/**
 * Completion indexes of Indexed Jobs: the interval notation of
 * status.completedIndexes and status.failedIndexes ("1,3-5,7"), and the
 * index a pod carries in its batch.kubernetes.io/job-completion-index
 * annotation.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { JOB_COMPLETION_INDEX } from './constants.js';

/** The pod's completion index, or undefined when missing or not a non-negative integer. */
export function completionIndex(pod: Pod): number | undefined {
  const v = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Parses interval notation; indexes at or above `limit` and malformed parts are dropped. */
export function parseIndexes(s: string | undefined, limit: number): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(Number(m[2] ?? m[1]), limit - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return out;
}

/** Interval notation of a set of indexes, ascending. */
export function formatIndexes(set: Iterable<number>): string {
  const sorted = [...new Set(set)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
