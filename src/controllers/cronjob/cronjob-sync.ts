/**
 * The CronJob controller's sync(key) (upstream's cronjob_controllerv2
 * syncCronJob + cleanupFinishedJobs): reconciles status.active with the Jobs
 * the CronJob controls, creates the Job for the most recent due schedule
 * time (honouring suspend, startingDeadlineSeconds and concurrencyPolicy),
 * deletes finished Jobs beyond the history limits, writes status, and asks to
 * be synced again at the next schedule time.
 */
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone, deepEqual } from '../../api/object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ObjectStoreReader } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { getControllerOf, newControllerRef } from '../shared/index.js';
import { parseCronSchedule, type CronSchedule } from '../../api/cron/cron-schedule.js';
import { dueSchedule, earliestTime, nextRunDelay, TOO_MANY_MISSED } from './schedule-times.js';
import { formatRfc1123zUtc, formatRfc3339, isKnownTimeZone } from '../../api/cron/zoned-time.js';
import { rfc3339Seconds } from '../../api/time.js';

export const CRONJOB_SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobSyncDeps {
  client: RestClient;
  recorder: EventRecorder;
  cronJobs: ObjectStoreReader<CronJob>;
  jobs: ObjectStoreReader<Job>;
  requeueAfter: (key: string, ms: number) => void;
  now: () => number;
  logger?: Logger;
}

/** `<cronjob>-<scheduled time in minutes since the epoch>` (upstream's getJobName). */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

function jobFinished(job: Job): { done: boolean; type?: string } {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c ? { done: true, type: c.type } : { done: false };
}

const ms = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

/** The Job a CronJob creates for `scheduledMs` (upstream's getJobFromTemplate2). */
export function jobFromTemplate(cj: CronJob, scheduledMs: number, timeZone: string): Job {
  const tmpl = cj.spec!.jobTemplate;
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata!.name!, scheduledMs),
      namespace: cj.metadata!.namespace!,
      labels: { ...tmpl.metadata?.labels },
      annotations: { ...tmpl.metadata?.annotations, [CRONJOB_SCHEDULED_TIMESTAMP]: formatRfc3339(scheduledMs, timeZone) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: deepClone(tmpl.spec!),
  };
}

function jobRef(job: Job): ObjectReference {
  return {
    apiVersion: 'batch/v1', kind: 'Job', name: job.metadata!.name, namespace: job.metadata!.namespace,
    uid: job.metadata!.uid, resourceVersion: job.metadata!.resourceVersion,
  };
}

export class CronJobSync {
  constructor(private readonly d: CronJobSyncDeps) {}

  async sync(key: string): Promise<void> {
    const d = this.d;
    const cached = d.cronJobs.get(key);
    if (!cached) return;
    const cj = { apiVersion: 'batch/v1', kind: 'CronJob', ...deepClone(cached) } as CronJob;
    const uid = cj.metadata!.uid!;
    const jobs = d.jobs.byNamespace(cj.metadata!.namespace!).filter((j) => getControllerOf(j)?.uid === uid);
    const status = (cj.status ??= {});
    let changed = await this.reconcileActive(cj, jobs);
    const before = deepClone(status);
    let requeue: number | undefined;
    try {
      requeue = await this.schedule(cj);
    } finally {
      changed ||= !deepEqual(before, status);
      if (changed) await d.client.updateStatus(RESOURCES.cronjobs, cj, { namespace: cj.metadata!.namespace! });
    }
    if (!cj.metadata!.deletionTimestamp) await this.cleanupFinishedJobs(cj, jobs);
    if (requeue !== undefined) d.requeueAfter(key, requeue);
  }

  /** Drops finished and vanished Jobs from status.active; records lastSuccessfulTime. Returns whether status changed. */
  private async reconcileActive(cj: CronJob, jobs: readonly Job[]): Promise<boolean> {
    const d = this.d;
    const status = cj.status!;
    let changed = false;
    const active = (): ObjectReference[] => status.active ?? [];
    const inActive = (uid: string | undefined): boolean => active().some((r) => r.uid === uid);
    for (const j of jobs) {
      const fin = jobFinished(j);
      if (!inActive(j.metadata!.uid) && !fin.done) {
        // Possibly created by us just before a stale status; check the fresh CronJob first.
        const fresh = await d.client.get<CronJob>(RESOURCES.cronjobs, cj.metadata!.name!, { namespace: cj.metadata!.namespace! }).catch(() => undefined);
        if (fresh?.status?.active?.some((r) => r.uid === j.metadata!.uid)) {
          cj.status = { ...fresh.status };
          cj.metadata = { ...cj.metadata, resourceVersion: fresh.metadata!.resourceVersion };
          return this.reconcileActive(cj, jobs);
        }
        d.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata!.name}`);
      } else if (inActive(j.metadata!.uid) && fin.done) {
        status.active = active().filter((r) => r.uid !== j.metadata!.uid);
        d.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata!.name}, condition: ${fin.type}`);
        changed = true;
      }
      if (fin.type === 'Complete' && j.status?.completionTime) {
        const last = ms(status.lastSuccessfulTime);
        if (last === undefined || Date.parse(j.status.completionTime) > last) {
          status.lastSuccessfulTime = j.status.completionTime;
          changed = true;
        }
      }
    }
    const owned = new Set(jobs.map((j) => j.metadata!.uid));
    for (const ref of [...active()]) {
      if (owned.has(ref.uid)) continue;
      // Not in the cache: ask the API before declaring it gone (the watch may be behind).
      try {
        const j = await d.client.get<Job>(RESOURCES.jobs, ref.name!, { namespace: ref.namespace! });
        if (j.metadata?.uid === ref.uid) continue;
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
      d.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      status.active = active().filter((r) => r.uid !== ref.uid);
      changed = true;
    }
    return changed;
  }

  /** Creates the Job that is due, if any; returns the delay until the next sync, or undefined for none. */
  private async schedule(cj: CronJob): Promise<number | undefined> {
    const d = this.d;
    const spec = cj.spec!;
    const status = cj.status!;
    if (cj.metadata!.deletionTimestamp) return undefined;
    if (spec.timeZone !== undefined && spec.timeZone !== null && !isKnownTimeZone(spec.timeZone)) {
      d.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(spec.timeZone)}: unknown time zone ${spec.timeZone}`);
      return undefined;
    }
    if (spec.suspend) return undefined;
    if (/^(CRON_)?TZ=/.test(spec.schedule) && spec.timeZone) {
      d.recorder.event(cj, 'Warning', 'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule ${JSON.stringify(spec.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    let sched: CronSchedule;
    try {
      sched = parseCronSchedule(spec.schedule, spec.timeZone ? { timeZone: spec.timeZone } : {});
    } catch (e) {
      d.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(e as Error).message}`);
      return undefined;
    }
    const now = d.now();
    const earliest = earliestTime(ms(status.lastScheduleTime), Date.parse(cj.metadata!.creationTimestamp!), now, spec.startingDeadlineSeconds);
    const due = dueSchedule(sched, earliest, now);
    if (due.missed > TOO_MANY_MISSED) {
      d.recorder.event(cj, 'Warning', 'TooManyMissedTimes',
        `too many missed start times: ${due.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const scheduled = due.mostRecent;
    if (scheduled === undefined) return nextRunDelay(sched, earliest, now);
    const nextDelay = nextRunDelay(sched, scheduled, now);
    const sds = spec.startingDeadlineSeconds;
    if (sds !== undefined && sds !== null && scheduled + sds * 1000 < now) {
      d.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRfc1123zUtc(scheduled)}`);
      return nextDelay;
    }
    const name = jobNameFor(cj.metadata!.name!, scheduled);
    if ((status.active ?? []).some((r) => r.name === name) || ms(status.lastScheduleTime) === scheduled) return nextDelay;
    if (spec.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
      d.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return nextDelay;
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) await this.deleteJob(cj, ref.name!, ref.uid);
    }
    const job = jobFromTemplate(cj, scheduled, sched.timeZone);
    let created: Job;
    try {
      created = await d.client.create<Job>(RESOURCES.jobs, job, { namespace: cj.metadata!.namespace! });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code === 409) {
        // Ours from an earlier sync whose status write was lost: record it; someone else's: leave it.
        const existing = await d.client.get<Job>(RESOURCES.jobs, job.metadata!.name!, { namespace: cj.metadata!.namespace! }).catch(() => undefined);
        if (existing && getControllerOf(existing)?.uid === cj.metadata!.uid && !jobFinished(existing).done) {
          if (!(status.active ?? []).some((r) => r.uid === existing.metadata!.uid)) status.active = [...(status.active ?? []), jobRef(existing)];
          status.lastScheduleTime = rfc3339Seconds(scheduled);
        }
        return nextDelay;
      }
      if (!(code === 403 && /being terminated/.test((e as Error).message))) {
        d.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
      }
      throw e;
    }
    d.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata!.name}`);
    status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = rfc3339Seconds(scheduled);
    return nextDelay;
  }

  /** Deletes a Job with background propagation and drops it from status.active. */
  private async deleteJob(cj: CronJob, name: string, uid: string | undefined): Promise<void> {
    try {
      await this.d.client.delete(RESOURCES.jobs, name, {
        namespace: cj.metadata!.namespace!, propagationPolicy: 'Background', ...(uid ? { preconditions: { uid } } : {}),
      });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) {
        this.d.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
        throw e;
      }
    }
    if (cj.status?.active) cj.status.active = cj.status.active.filter((r) => r.uid !== uid);
    this.d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  }

  /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: readonly Job[]): Promise<void> {
    const spec = cj.spec!;
    const limits: [string, number | undefined][] = [['Complete', spec.successfulJobsHistoryLimit], ['Failed', spec.failedJobsHistoryLimit]];
    for (const [type, limit] of limits) {
      if (limit === undefined || limit === null) continue;
      const finished = jobs.filter((j) => !j.metadata!.deletionTimestamp && jobFinished(j).type === type).sort((a, b) => {
        const sa = ms(a.status?.startTime);
        const sb = ms(b.status?.startTime);
        if (sa === undefined && sb !== undefined) return 1;
        if (sa !== undefined && sb === undefined) return -1;
        return (sa ?? 0) - (sb ?? 0) || a.metadata!.name!.localeCompare(b.metadata!.name!);
      });
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        await this.deleteJob(cj, j.metadata!.name!, j.metadata!.uid);
      }
    }
  }
}
