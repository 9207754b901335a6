/**
 * batch/v1 CronJob (upstream pkg/registry/batch/cronjob/strategy.go,
 * SetDefaults_CronJob, ValidateCronJobCreate/Update).
 */
import type { CronJob, CronJobSpec, JobTemplateSpec } from 'kubernetes-types/batch/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { nonNegative } from '../../../api/validation/container.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import type { Strategy } from '../strategy.js';
import { specStatusHooks } from '../apps/spec-status.js';
import { validateJobSpecBody } from './job-spec.js';
import { cronScheduleErrors } from './cron-schedule.js';
import { validateTimeZone } from './time-zone.js';

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
/** DNS-1035 label max (63) minus the 11 characters of the job-name suffix. */
const MAX_NAME = 52;

/** SetDefaults_CronJob; the job template gets only its pod template's defaults (no Job defaults). */
export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= { schedule: '', jobTemplate: {} });
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jt = (spec.jobTemplate ??= {});
  if (jt.spec) {
    jt.spec.template ??= {};
    defaultPodTemplateSpec(jt.spec.template);
  }
}

function validateJobTemplate(jt: JobTemplateSpec | undefined, path: FieldPath): FieldError[] {
  const sp = path.child('spec');
  if (!jt?.spec) return [required(sp)];
  const errs = validateJobSpecBody(jt.spec, sp);
  if (jt.spec.selector) errs.push(invalidValue(sp.child('selector'), jt.spec.selector, '`selector` will be auto-generated'));
  if (jt.spec.manualSelector === true) errs.push(notSupported(sp.child('manualSelector'), true, ['nil', 'false']));
  return errs;
}

/**
 * `old` relaxes upstream's update-only exceptions (TZ= in a schedule that already had it; an unchanged
 * timeZone is not re-checked). The strategy passes none: k8ts never accepted TZ= schedules, so no stored
 * object needs the exception, and the time-zone database does not change under a running server.
 */
export function validateCronJobSpec(spec: CronJobSpec | undefined, old: CronJobSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [];
  const sp = path.child('schedule');
  if (!spec.schedule) {
    errs.push(required(sp));
  } else {
    errs.push(...cronScheduleErrors(spec.schedule).map((m) => invalidValue(sp, spec.schedule, m)));
    const allowTZ = old !== undefined && old.schedule.includes('TZ');
    if (allowTZ && spec.schedule.includes('TZ') && spec.timeZone !== undefined) {
      errs.push(invalidValue(sp, spec.schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && spec.schedule.includes('TZ')) {
      errs.push(invalidValue(sp, spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, path.child('startingDeadlineSeconds')));
  if (old === undefined || old.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, path.child('timeZone')));
  const cp = spec.concurrencyPolicy ?? '';
  if (cp === '') errs.push(required(path.child('concurrencyPolicy')));
  else if (!CONCURRENCY_POLICIES.includes(cp)) errs.push(notSupported(path.child('concurrencyPolicy'), cp, CONCURRENCY_POLICIES));
  errs.push(...validateJobTemplate(spec.jobTemplate, path.child('jobTemplate')));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, path.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, path.child('failedJobsHistoryLimit')));
  return errs;
}

const cj = (o: WithMeta): CronJob => o as unknown as CronJob;

export const cronJobStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultCronJob(cj(obj)),
  ...specStatusHooks,
  validate(obj) {
    const errs: FieldError[] = [];
    const name = obj.metadata.name ?? '';
    if (name.length > MAX_NAME) errs.push(invalidValue(FieldPath.root('metadata', 'name'), name, `must be no more than ${MAX_NAME} characters`));
    return [...errs, ...validateCronJobSpec(cj(obj).spec, undefined, FieldPath.root('spec'))];
  },
};
