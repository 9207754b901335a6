/**
 * Job spec checks shared by Jobs and CronJob job templates (upstream's
 * pkg/apis/batch/validation validateJobSpec).
 */
import type { JobSpec } from 'kubernetes-types/batch/v1.js';
import type { FieldError, FieldPath } from '../../../api/field-errors.js';
import { invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { nonNegative } from '../../../api/validation/container.js';
import { validatePodTemplateSpec } from '../../../api/validation/pod.js';

export const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];
const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const POD_REPLACEMENT_POLICIES = ['TerminatingOrFailed', 'Failed'];
const MAX_PARALLELISM_INDEXED = 100000;

/** Everything in a JobSpec but the selector. */
export function validateJobSpecBody(spec: JobSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [
    ...nonNegative(spec.parallelism, path.child('parallelism')),
    ...nonNegative(spec.completions, path.child('completions')),
    ...nonNegative(spec.activeDeadlineSeconds, path.child('activeDeadlineSeconds')),
    ...nonNegative(spec.backoffLimit, path.child('backoffLimit')),
    ...nonNegative(spec.ttlSecondsAfterFinished, path.child('ttlSecondsAfterFinished')),
  ];
  if (spec.completionMode !== undefined) {
    if (!COMPLETION_MODES.includes(spec.completionMode)) {
      errs.push(notSupported(path.child('completionMode'), spec.completionMode, COMPLETION_MODES));
    } else if (spec.completionMode === 'Indexed') {
      if (spec.completions === undefined) errs.push(required(path.child('completions'), 'when completion mode is Indexed'));
      if ((spec.parallelism ?? 0) > MAX_PARALLELISM_INDEXED) {
        errs.push(invalidValue(path.child('parallelism'), spec.parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
      }
    }
  }
  if (spec.podReplacementPolicy !== undefined) {
    if (!POD_REPLACEMENT_POLICIES.includes(spec.podReplacementPolicy)) {
      errs.push(notSupported(path.child('podReplacementPolicy'), spec.podReplacementPolicy, POD_REPLACEMENT_POLICIES));
    } else if (spec.podFailurePolicy && spec.podReplacementPolicy !== 'Failed') {
      errs.push(notSupported(path.child('podReplacementPolicy'), spec.podReplacementPolicy, ['Failed']));
    }
  }
  const tp = path.child('template');
  if (!spec.template) return [...errs, required(tp)];
  errs.push(...validatePodTemplateSpec(spec.template, tp));
  const rp = spec.template.spec?.restartPolicy ?? '';
  if (!JOB_RESTART_POLICIES.includes(rp)) errs.push(notSupported(tp.child('spec', 'restartPolicy'), rp, JOB_RESTART_POLICIES));
  return errs;
}
