/**
 * Which scheduled time a CronJob is due for (upstream's
 * mostRecentScheduleTime): the latest run time in (earliest, now], where
 * earliest is the last schedule time (else the creation time) moved up to
 * now - startingDeadlineSeconds when that is later; and how many run times
 * were missed, which upstream warns about above 100.
 */
import type { CronSchedule } from '../../api/cron/cron-schedule.js';

export interface DueSchedule {
  /** The latest run time not after now, or undefined when none is due. */
  mostRecent?: number;
  /** Run times in (earliest, now]; an estimate once above 100. */
  missed: number;
}

export const TOO_MANY_MISSED = 100;
const WINDOWS_MS = [60_000, 600_000, 3_600_000, 86_400_000, 7 * 86_400_000, 32 * 86_400_000, 366 * 86_400_000, 5 * 366 * 86_400_000];

export function earliestTime(lastScheduleMs: number | undefined, creationMs: number, now: number, startingDeadlineSeconds?: number): number {
  let earliest = lastScheduleMs ?? creationMs;
  if (startingDeadlineSeconds !== undefined && startingDeadlineSeconds !== null) {
    earliest = Math.max(earliest, now - startingDeadlineSeconds * 1000);
  }
  return earliest;
}

/** Iterates run times after `from` up to now, at most `max` of them. */
function walk(sched: CronSchedule, from: number, now: number, max: number): { last?: number; count: number; done: boolean } {
  let last: number | undefined;
  let count = 0;
  let t = sched.next(from);
  while (t !== undefined && t <= now) {
    if (count >= max) return { last, count, done: false };
    last = t;
    count++;
    t = sched.next(t);
  }
  return { last, count, done: true };
}

export function dueSchedule(sched: CronSchedule, earliest: number, now: number): DueSchedule {
  const first = walk(sched, earliest, now, TOO_MANY_MISSED + 1);
  if (first.done) return { ...(first.last !== undefined ? { mostRecent: first.last } : {}), missed: first.count };
  // Too many to walk one by one: estimate the count from the first interval,
  // and find the latest run by walking from a window just before now.
  const t1 = sched.next(earliest)!;
  const t2 = sched.next(t1)!;
  const missed = Math.max(TOO_MANY_MISSED + 1, Math.floor((now - t1) / Math.max(1, t2 - t1)) + 1);
  for (const w of WINDOWS_MS) {
    const from = Math.max(earliest, now - w);
    const r = walk(sched, from, now, 1_000_000);
    if (r.last !== undefined) return { mostRecent: r.last, missed };
  }
  return { ...(first.last !== undefined ? { mostRecent: first.last } : {}), missed };
}

/** Milliseconds until the run after `from`, plus upstream's 100 ms margin; undefined when there is none. */
export function nextRunDelay(sched: CronSchedule, from: number, now: number): number | undefined {
  const t = sched.next(from);
  return t === undefined ? undefined : Math.max(0, t - now) + 100;
}
