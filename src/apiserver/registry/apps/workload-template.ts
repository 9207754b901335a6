/**
 * The selector/template checks the workload controllers share (upstream's
 * apps validation: selector required and non-empty, selector matches the
 * template's labels, the template validates as a pod template, restartPolicy
 * Always, no activeDeadlineSeconds).
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { FieldError, FieldPath } from '../../../api/field-errors.js';
import { forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { labelSelectorMatches, validateLabelSelector } from '../../../api/validation/label-selector.js';
import { validatePodTemplateSpec } from '../../../api/validation/pod.js';

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/**
 * `spec.selector` required (when `requireSelector`), valid, and non-empty
 * (`empty selector is invalid for <kind>`); returns whether it can be matched.
 */
export function validateWorkloadSelector(sel: LabelSelector | undefined, path: FieldPath, emptyMessage: string): { errs: FieldError[]; usable: boolean } {
  if (!sel) return { errs: [required(path)], usable: false };
  const errs = validateLabelSelector(sel, path);
  const usable = errs.length === 0;
  if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
    errs.push(invalidValue(path, sel, emptyMessage));
  }
  return { errs, usable };
}

/** `<path>.metadata.labels: Invalid value: ...: `selector` does not match template `labels`` when they do not match. */
export function validateSelectorMatchesTemplate(sel: LabelSelector | undefined, tmpl: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  if (!sel || !tmpl) return [];
  const empty = Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
  if (empty || labelSelectorMatches(sel, tmpl.metadata?.labels)) return [];
  return [invalidValue(path.child('metadata', 'labels'), tmpl.metadata?.labels ?? {}, SELECTOR_MISMATCH)];
}

/**
 * A template a controller keeps running: valid pod template, restartPolicy
 * Always, no activeDeadlineSeconds (`activeDeadlineSeconds in <Kind> is not Supported`).
 */
export function validateAlwaysRunningTemplate(tmpl: PodTemplateSpec | undefined, path: FieldPath, kind: string): FieldError[] {
  if (!tmpl) return [required(path)];
  const errs = validatePodTemplateSpec(tmpl, path);
  const rp = tmpl.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(notSupported(path.child('spec', 'restartPolicy'), rp, ['Always']));
  if (tmpl.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbiddenField(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}
