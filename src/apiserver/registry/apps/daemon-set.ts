/**
 * apps/v1 DaemonSet (upstream pkg/registry/apps/daemonset/strategy.go,
 * SetDefaults_DaemonSet, ValidateDaemonSetSpec).
 */
import type { DaemonSet, DaemonSetSpec } from 'kubernetes-types/apps/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { nonNegative } from '../../../api/validation/container.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import type { Strategy } from '../strategy.js';
import { specStatusHooks } from './spec-status.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { validateAlwaysRunningTemplate, validateSelectorMatchesTemplate, validateWorkloadSelector } from './workload-template.js';

/** updateStrategy RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10. */
export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= { selector: {}, template: {} });
  const us = (spec.updateStrategy ??= {});
  us.type ||= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

export function validateDaemonSetSpec(spec: DaemonSetSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [];
  const sel = validateWorkloadSelector(spec.selector, path.child('selector'), 'empty selector is invalid for daemonset');
  errs.push(...sel.errs);
  if (sel.usable) errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, path.child('template')));
  errs.push(...validateAlwaysRunningTemplate(spec.template, path.child('template'), 'DaemonSet'));
  errs.push(...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')));

  const up = path.child('updateStrategy');
  const us = spec.updateStrategy ?? {};
  switch (us.type) {
    case 'OnDelete': break;
    case 'RollingUpdate': {
      const ru = us.rollingUpdate;
      if (!ru) { errs.push(required(up.child('rollingUpdate'))); break; }
      const rp = up.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, rp.child('maxSurge')));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(invalidValue(rp.child('maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(required(rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      }
      break;
    }
    default:
      errs.push(notSupported(up, us, ['RollingUpdate', 'OnDelete']));
  }
  errs.push(...nonNegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

const ds = (o: WithMeta): DaemonSet => o as unknown as DaemonSet;

export const daemonSetStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultDaemonSet(ds(obj)),
  ...specStatusHooks,
  validate: (obj) => validateDaemonSetSpec(ds(obj).spec, FieldPath.root('spec')),
  validateUpdate: (obj, old) =>
    validateImmutableField(ds(obj).spec?.selector, ds(old).spec?.selector, FieldPath.root('spec', 'selector')),
};
