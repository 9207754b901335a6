/**
 * The Job controller's sync(key) (upstream's syncJob): counts the Job's
 * finished pods through status.uncountedTerminatedPods and the tracking
 * finalizer, decides whether the Job succeeded or failed (backoffLimit,
 * activeDeadlineSeconds, podFailurePolicy), creates and deletes pods
 * toward the wanted number of active ones (parallelism, completions,
 * suspend, back-off), and writes status.
 *
 * Reads come from the informer caches; every write goes through the API,
 * status with the cached resourceVersion, so a stale cache costs a Conflict
 * and a retry, never a double count.
 */
import type { Job, JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone } from '../../api/object.js';
import { isPodActive, isPodReady } from '../../api/pods/conditions.js';
import { labelSelectorMatches } from '../../api/validation/label-selector.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ObjectStoreReader } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { claimObjects, recheckOwner, type ControllerExpectations, PodControl } from '../shared/index.js';
import { nextBackoffRecord, remainingBackoffMs, type BackoffRecord } from './backoff.js';
import { ensureCondition, findCondition, isJobFinished, newCondition } from './conditions.js';
import { rfc3339Seconds } from '../../api/time.js';
import {
  JOB_TRACKING_FINALIZER, MAX_POD_CREATE_DELETE_PER_SYNC, MESSAGE_BACKOFF_LIMIT_EXCEEDED, MESSAGE_COMPLETIONS_REACHED,
  MESSAGE_DEADLINE_EXCEEDED, REASON_BACKOFF_LIMIT_EXCEEDED, REASON_COMPLETIONS_REACHED, REASON_DEADLINE_EXCEEDED,
  REASON_POD_FAILURE_POLICY,
} from './constants.js';
import { completionIndex, formatIndexes, parseIndexes } from './indexes.js';
import { podForJob } from './job-pod.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { activeRestarts, hasTrackingFinalizer, isPodFailed, isPodTerminating } from './pod-state.js';

export interface JobSyncDeps {
  client: RestClient;
  recorder: EventRecorder;
  jobs: ObjectStoreReader<Job>;
  pods: ObjectStoreReader<Pod>;
  /** Pod creations and deletions not yet seen in the pod cache, per Job key. */
  expectations: ControllerExpectations;
  /** Uids of pods whose finalizer removal is not yet seen in the pod cache, per Job key. */
  finalizerExpectations: Map<string, Set<string>>;
  backoff: Map<string, BackoffRecord>;
  requeueAfter: (key: string, ms: number) => void;
  now: () => number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  logger?: Logger;
}

/** What one sync knows about a Job (upstream's syncJobCtx). */
interface SyncCtx {
  key: string;
  job: Job;
  pods: Pod[];
  active: Pod[];
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  expectedRm: Set<string>;
  prevSucceededIndexes?: Set<number>;
  succeededIndexes?: Set<number>;
  finished?: JobCondition;
  backoff: BackoffRecord;
}

const isIndexed = (job: Job): boolean => job.spec?.completionMode === 'Indexed';
const isSuspended = (job: Job): boolean => job.spec?.suspend === true;

export class JobSync {
  private readonly podControl: PodControl;

  constructor(private readonly d: JobSyncDeps) {
    this.podControl = new PodControl(d.client, d.recorder);
  }

  async sync(key: string): Promise<void> {
    const d = this.d;
    const cached = d.jobs.get(key);
    if (!cached) {
      d.expectations.delete(key);
      d.finalizerExpectations.delete(key);
      d.backoff.delete(key);
      return;
    }
    if (cached.spec?.managedBy && cached.spec.managedBy !== 'kubernetes.io/job-controller') return;
    if (isJobFinished(cached)) {
      d.backoff.delete(key);
      return;
    }
    const job = { apiVersion: 'batch/v1', kind: 'Job', ...deepClone(cached) } as Job;
    const status: JobStatus = (job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    const satisfied = d.expectations.satisfied(key);
    const pods = await this.podsForJob(job);
    const now = d.now();
    const active = pods.filter(isPodActive);
    const ctx: SyncCtx = {
      key, job, pods, active,
      ready: active.filter(isPodReady).length,
      terminating: pods.filter(isPodTerminating).length,
      succeeded: 0, failed: 0,
      uncountedSucceeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
      uncountedFailed: new Set(status.uncountedTerminatedPods.failed ?? []),
      expectedRm: new Set(d.finalizerExpectations.get(key) ?? []),
      backoff: { failuresAfterLastSuccess: 0 },
    };
    const counted = (p: Pod): boolean => !hasTrackingFinalizer(p) || ctx.expectedRm.has(p.metadata!.uid!);
    const newSucceeded = pods.filter((p) => !counted(p) && !ctx.uncountedSucceeded.has(p.metadata!.uid!) && p.status?.phase === 'Succeeded');
    const newFailed = pods.filter((p) => !counted(p) && !ctx.uncountedFailed.has(p.metadata!.uid!)
      && p.status?.phase !== 'Succeeded' && isPodFailed(p, job));
    const nonIgnored = newFailed.filter((p) => matchPodFailurePolicy(job.spec!.podFailurePolicy, p).countFailed).length;
    ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncountedSucceeded.size;
    ctx.failed = (status.failed ?? 0) + nonIgnored + ctx.uncountedFailed.size;
    if (!status.startTime && !isSuspended(job)) status.startTime = rfc3339Seconds(now);
    ctx.backoff = nextBackoffRecord(d.backoff.get(key), newSucceeded, newFailed, now);

    this.decideFinished(ctx, now);
    if (isIndexed(job)) {
      const completions = job.spec!.completions ?? 0;
      ctx.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
      ctx.succeededIndexes = new Set(ctx.prevSucceededIndexes);
      for (const p of pods) {
        const ix = completionIndex(p);
        if (p.status?.phase === 'Succeeded' && ix !== undefined && ix < completions) ctx.succeededIndexes.add(ix);
      }
      ctx.succeeded = ctx.succeededIndexes.size;
    }

    let manageErr: unknown;
    let activeCount = active.length;
    let suspendChanged = false;
    if (ctx.finished) {
      const { deleted, deletedReady, err } = await this.deleteActivePods(job, active, false);
      if (deleted !== active.length || !satisfied) ctx.finished = undefined;
      activeCount -= deleted;
      ctx.terminating += deleted;
      ctx.ready -= deletedReady;
      manageErr = err;
    } else {
      let managed = false;
      if (satisfied && !job.metadata!.deletionTimestamp) {
        try {
          activeCount = await this.manageJob(ctx);
        } catch (e) {
          manageErr = e;
        }
        managed = true;
      }
      const completions = job.spec!.completions;
      const complete = completions === undefined || completions === null
        ? ctx.succeeded > 0 && activeCount === 0
        : ctx.succeeded >= completions && activeCount === 0;
      if (complete) {
        ctx.finished = newCondition('SuccessCriteriaMet', 'True', REASON_COMPLETIONS_REACHED, MESSAGE_COMPLETIONS_REACHED, new Date(now));
      } else if (managed) {
        status.conditions ??= [];
        if (isSuspended(job)) {
          if (ensureCondition(status.conditions, newCondition('Suspended', 'True', 'JobSuspended', 'Job suspended', new Date(now)))) {
            suspendChanged = true;
            d.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(status.conditions, newCondition('Suspended', 'False', 'JobResumed', 'Job resumed', new Date(now)))) {
          suspendChanged = true;
          d.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          status.startTime = rfc3339Seconds(now);
        }
      }
    }
    const needsUpdate = suspendChanged || activeCount !== (status.active ?? 0) || ctx.ready !== status.ready
      || ctx.terminating !== status.terminating || (cached.status?.startTime !== status.startTime);
    status.active = activeCount;
    status.ready = ctx.ready;
    status.terminating = ctx.terminating;
    await this.trackStatusAndRemoveFinalizers(ctx, needsUpdate);
    if (manageErr) throw manageErr;
  }

  /** The Job's pods: the namespace's pods it controls after adopting and releasing by selector. */
  private async podsForJob(job: Job): Promise<Pod[]> {
    const selector = job.spec!.selector;
    const candidates = this.d.pods.byNamespace(job.metadata!.namespace!);
    return claimObjects<Pod>(candidates, {
      client: this.d.client, resource: RESOURCES.pods, owner: job, ownerApiVersion: 'batch/v1', ownerKind: 'Job',
      matches: (p) => !!selector && labelSelectorMatches(selector, p.metadata?.labels),
      canAdopt: recheckOwner(this.d.client, RESOURCES.jobs, job),
    });
  }

  /** Sets ctx.finished to the failure the Job has reached, if any; schedules the deadline check. */
  private decideFinished(ctx: SyncCtx, now: number): void {
    const job = ctx.job;
    const scm = findCondition(job, 'SuccessCriteriaMet');
    if (scm?.status === 'True') { ctx.finished = scm; return; }
    const target = findCondition(job, 'FailureTarget');
    if (target?.status === 'True') {
      ctx.finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', new Date(now));
      return;
    }
    if (job.spec!.podFailurePolicy) {
      for (const p of ctx.pods) {
        if (!isPodFailed(p, job)) continue;
        const m = matchPodFailurePolicy(job.spec!.podFailurePolicy, p).failJobMessage;
        if (m) { ctx.finished = newCondition('FailureTarget', 'True', REASON_POD_FAILURE_POLICY, m, new Date(now)); return; }
      }
    }
    const backoffLimit = job.spec!.backoffLimit ?? 6;
    const restarts = job.spec!.template.spec?.restartPolicy === 'OnFailure' ? activeRestarts(ctx.pods) : 0;
    const pastRestarts = restarts > 0 && (backoffLimit === 0 || restarts >= backoffLimit);
    if (ctx.failed > backoffLimit || pastRestarts) {
      ctx.finished = newCondition('FailureTarget', 'True', REASON_BACKOFF_LIMIT_EXCEEDED, MESSAGE_BACKOFF_LIMIT_EXCEEDED, new Date(now));
      return;
    }
    const deadline = job.spec!.activeDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && job.status?.startTime && !isSuspended(job)) {
      const left = Date.parse(job.status.startTime) + deadline * 1000 - now;
      if (left <= 0) ctx.finished = newCondition('FailureTarget', 'True', REASON_DEADLINE_EXCEEDED, MESSAGE_DEADLINE_EXCEEDED, new Date(now));
      else this.d.requeueAfter(ctx.key, left);
    }
  }

  /**
   * Deletes pods. With `dropFinalizer` (pods the Job no longer wants) the
   * tracking finalizer goes first, so they are not counted as failed;
   * without it (the Job failed) they keep it and are counted when gone.
   */
  private async deleteActivePods(job: Job, pods: readonly Pod[], dropFinalizer: boolean): Promise<{ deleted: number; deletedReady: number; err?: unknown }> {
    let deleted = 0;
    let deletedReady = 0;
    let err: unknown;
    const key = `${job.metadata!.namespace}/${job.metadata!.name}`;
    await Promise.all(pods.map(async (p) => {
      const uid = p.metadata!.uid!;
      try {
        if (dropFinalizer && hasTrackingFinalizer(p)) await this.removeFinalizer(p);
        await this.podControl.deletePod(job, p.metadata!.namespace!, p.metadata!.name!, uid);
        deleted++;
        if (isPodReady(p)) deletedReady++;
      } catch (e) {
        if (dropFinalizer) this.d.expectations.deletionObserved(key, uid);
        if ((e as { code?: number }).code === 404) { deleted++; return; }
        err = e;
      }
    }));
    return { deleted, deletedReady, ...(err ? { err } : {}) };
  }

  /** upstream's manageJob: returns the number of active pods after creating or deleting. */
  private async manageJob(ctx: SyncCtx): Promise<number> {
    const d = this.d;
    const job = ctx.job;
    let active = ctx.active.length;
    if (isSuspended(job)) {
      if (ctx.active.length === 0) return 0;
      d.expectations.expectDeletions(ctx.key, ctx.active.map((p) => p.metadata!.uid!));
      const r = await this.deleteActivePods(job, ctx.active, true);
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      if (r.err) throw r.err;
      return active - r.deleted;
    }
    const parallelism = job.spec!.parallelism ?? 1;
    const completions = job.spec!.completions;
    let wantActive: number;
    if (completions === undefined || completions === null) wantActive = ctx.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(parallelism, completions - ctx.succeeded));

    const toDelete = this.podsForRemoval(ctx, Math.max(0, active - wantActive)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (toDelete.length > 0) {
      d.expectations.expectDeletions(ctx.key, toDelete.map((p) => p.metadata!.uid!));
      const r = await this.deleteActivePods(job, toDelete, true);
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      if (r.err) throw r.err;
      return active - r.deleted;
    }

    const terminating = job.spec!.podReplacementPolicy === 'Failed' ? ctx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return active;
    const wait = remainingBackoffMs(ctx.backoff, d.now(), d.backoffBaseMs, d.backoffMaxMs);
    if (wait > 0) {
      d.requeueAfter(ctx.key, wait);
      return active;
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    const indexes = isIndexed(job) ? this.firstPendingIndexes(ctx, diff) : undefined;
    if (indexes) diff = indexes.length;
    if (diff <= 0) return active;
    d.expectations.expectCreations(ctx.key, diff);
    // Slow start (upstream's batches of 1, 2, 4, ...): a failing template costs one request, not `diff`.
    let created = 0;
    let batch = 1;
    let err: unknown;
    while (created < diff && !err) {
      const n = Math.min(batch, diff - created);
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) =>
        this.podControl.createPod(job, podForJob(job, indexes?.[created + i]))));
      for (const r of results) {
        if (r.status === 'fulfilled') { created++; active++; continue; }
        d.expectations.creationObserved(ctx.key);
        const code = (r.reason as { code?: number }).code;
        // A namespace being terminated refuses creations; nothing to retry.
        if (code === 403 && /being terminated/.test(String((r.reason as Error).message))) continue;
        err = r.reason;
      }
      if (results.some((r) => r.status === 'rejected')) {
        // Creations never attempted will not be observed either.
        for (let i = created + results.filter((r) => r.status === 'rejected').length; i < diff; i++) d.expectations.creationObserved(ctx.key);
        break;
      }
      batch *= 2;
    }
    if (err) throw err;
    return active;
  }

  /** Active pods to delete: for Indexed Jobs duplicates, out-of-range and already succeeded indexes first; then `atLeast` more, least useful first. */
  private podsForRemoval(ctx: SyncCtx, atLeast: number): Pod[] {
    const rank = (p: Pod): number => (p.spec?.nodeName ? 2 : 0) + (isPodReady(p) ? 1 : 0);
    const ordered = [...ctx.active].sort((a, b) => rank(a) - rank(b)
      || Date.parse(b.metadata!.creationTimestamp ?? '0') - Date.parse(a.metadata!.creationTimestamp ?? '0'));
    if (!isIndexed(ctx.job)) return ordered.slice(0, atLeast);
    const completions = ctx.job.spec!.completions ?? 0;
    const extra: Pod[] = [];
    const keep: Pod[] = [];
    const seen = new Set<number>();
    for (const p of [...ordered].reverse()) {
      const ix = completionIndex(p);
      if (ix === undefined || ix >= completions || ctx.succeededIndexes?.has(ix) || seen.has(ix)) extra.push(p);
      else { seen.add(ix); keep.push(p); }
    }
    const more = Math.max(0, atLeast - extra.length);
    return [...extra, ...keep.reverse().slice(0, more)];
  }

  /** The lowest indexes that neither succeeded nor have an active pod. */
  private firstPendingIndexes(ctx: SyncCtx, n: number): number[] {
    const completions = ctx.job.spec!.completions ?? 0;
    const busy = new Set(ctx.active.map(completionIndex).filter((i): i is number => i !== undefined));
    const out: number[] = [];
    for (let i = 0; i < completions && out.length < n; i++) {
      if (!ctx.succeededIndexes?.has(i) && !busy.has(i)) out.push(i);
    }
    return out;
  }

  private async removeFinalizer(p: Pod): Promise<void> {
    await this.d.client.patch(RESOURCES.pods, p.metadata!.name!, {
      metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER], uid: p.metadata!.uid },
    }, { namespace: p.metadata!.namespace!, type: 'strategic' });
  }

  /**
   * upstream's trackJobStatusAndRemoveFinalizers: record newly finished pods
   * in uncountedTerminatedPods, remove their finalizers, move them into the
   * counters, and add the final condition once nothing is left uncounted or
   * terminating.
   */
  private async trackStatusAndRemoveFinalizers(ctx: SyncCtx, needsFlushIn: boolean): Promise<void> {
    const d = this.d;
    let needsFlush = needsFlushIn;
    let job = ctx.job;
    const indexed = isIndexed(job);
    const completions = job.spec!.completions ?? 0;
    const withFinalizer = new Set(ctx.pods.filter((p) => hasTrackingFinalizer(p) && !ctx.expectedRm.has(p.metadata!.uid!)).map((p) => p.metadata!.uid!));
    if (countUncountedWithoutFinalizer(job.status!, withFinalizer)) needsFlush = true;
    const uncounted = job.status!.uncountedTerminatedPods!;
    uncounted.succeeded ??= [];
    uncounted.failed ??= [];
    const toRemove: Pod[] = [];
    const newIndexes: number[] = [];
    const pods = indexed ? [...ctx.pods].sort((a, b) => (completionIndex(a) ?? Infinity) - (completionIndex(b) ?? Infinity)) : ctx.pods;
    for (const p of pods) {
      const uid = p.metadata!.uid!;
      if (!hasTrackingFinalizer(p) || ctx.expectedRm.has(uid)) continue;
      const failed = isPodFailed(p, job);
      const canRemove = !!job.metadata!.deletionTimestamp || !!ctx.finished || p.status?.phase === 'Succeeded' || failed;
      if (!canRemove) continue;
      toRemove.push(p);
      const ix = completionIndex(p);
      if (p.status?.phase === 'Succeeded' && !ctx.uncountedFailed.has(uid)) {
        if (indexed) {
          if (ix !== undefined && ix < completions && !ctx.prevSucceededIndexes!.has(ix)) { newIndexes.push(ix); needsFlush = true; }
        } else if (!ctx.uncountedSucceeded.has(uid)) {
          uncounted.succeeded.push(uid);
          needsFlush = true;
        }
      } else if (failed || (ctx.finished && ctx.finished.type !== 'SuccessCriteriaMet')) {
        if (!ctx.uncountedFailed.has(uid) && (!indexed || (ix !== undefined && ix < completions))
          && matchPodFailurePolicy(job.spec!.podFailurePolicy, p).countFailed) {
          uncounted.failed.push(uid);
          needsFlush = true;
        }
      }
    }
    if (indexed) {
      const all = new Set([...ctx.prevSucceededIndexes!, ...newIndexes]);
      const s = formatIndexes(all);
      if (s !== (job.status!.completedIndexes ?? '')) needsFlush = true;
      job.status!.completedIndexes = s;
      job.status!.succeeded = all.size;
    }
    let finished = ctx.finished;
    if (finished?.type === 'FailureTarget') {
      (job.status!.conditions ??= []).push(finished);
      needsFlush = true;
      finished = newCondition('Failed', 'True', finished.reason ?? '', finished.message ?? '', new Date(d.now()));
    }
    if (finished?.type === 'SuccessCriteriaMet') {
      if (findCondition(job, 'SuccessCriteriaMet')?.status !== 'True') {
        (job.status!.conditions ??= []).push(finished);
        needsFlush = true;
      }
      finished = newCondition('Complete', 'True', finished.reason ?? '', finished.message ?? '', new Date(d.now()));
    }

    if (needsFlush) {
      job = await this.updateStatus(job);
      d.backoff.set(ctx.key, ctx.backoff);
      needsFlush = false;
    }
    let rmErr: unknown;
    if (toRemove.length > 0) {
      const expected = d.finalizerExpectations.get(ctx.key) ?? new Set<string>();
      d.finalizerExpectations.set(ctx.key, expected);
      await Promise.all(toRemove.map(async (p) => {
        const uid = p.metadata!.uid!;
        expected.add(uid);
        try {
          await this.removeFinalizer(p);
        } catch (e) {
          expected.delete(uid);
          if ((e as { code?: number }).code !== 404) { rmErr = e; return; }
        }
        withFinalizer.delete(uid);
      }));
    }
    if (countUncountedWithoutFinalizer(job.status!, withFinalizer)) needsFlush = true;
    if (rmErr) {
      if (needsFlush) await this.updateStatus(job);
      throw rmErr;
    }
    const u = job.status!.uncountedTerminatedPods;
    const finishedNow = !!finished && (u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) === 0 && ctx.terminating === 0;
    if (finishedNow) {
      ensureCondition((job.status!.conditions ??= []), finished!);
      if (finished!.type === 'Complete') job.status!.completionTime = finished!.lastTransitionTime;
      needsFlush = true;
    }
    if (needsFlush) {
      job = await this.updateStatus(job);
      if (finishedNow) this.recordFinished(job, finished!);
    }
  }

  private recordFinished(job: Job, cond: JobCondition): void {
    if (cond.type === 'Complete') {
      const completions = job.spec?.completions;
      if (completions !== undefined && completions !== null && (job.status?.succeeded ?? 0) > completions) {
        this.d.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.d.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.d.recorder.event(job, 'Warning', cond.reason ?? '', cond.message ?? '');
    }
  }

  private async updateStatus(job: Job): Promise<Job> {
    const updated = await this.d.client.updateStatus<Job>(RESOURCES.jobs, job, { namespace: job.metadata!.namespace! });
    return { apiVersion: 'batch/v1', kind: 'Job', ...updated } as Job;
  }
}

/** Moves uncounted uids whose pods no longer hold the finalizer into the counters; true when anything moved. */
function countUncountedWithoutFinalizer(status: JobStatus, withFinalizer: ReadonlySet<string>): boolean {
  const u = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keepS = (u.succeeded ?? []).filter((x) => withFinalizer.has(x));
  if (keepS.length !== (u.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded!.length - keepS.length);
    u.succeeded = keepS;
    changed = true;
  }
  const keepF = (u.failed ?? []).filter((x) => withFinalizer.has(x));
  if (keepF.length !== (u.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (u.failed!.length - keepF.length);
    u.failed = keepF;
    changed = true;
  }
  return changed;
}

/** The Job key a pod belongs to through its controller reference, if that is a batch/v1 Job. */
export function jobKeyOfPod(pod: Pod): string | undefined {
  const ref = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!ref || ref.kind !== 'Job' || !ref.apiVersion.startsWith('batch/')) return undefined;
  return `${pod.metadata!.namespace}/${ref.name}`;
}
