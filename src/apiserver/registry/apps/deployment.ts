/**
 * apps/v1 Deployment (upstream pkg/registry/apps/deployment/strategy.go,
 * pkg/apis/apps/v1/defaults.go SetDefaults_Deployment, and
 * pkg/apis/apps/validation ValidateDeploymentSpec).
 */
import type { Deployment, DeploymentSpec } from 'kubernetes-types/apps/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { nonNegative } from '../../../api/validation/container.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import type { Strategy } from '../strategy.js';
import { clearStatus, keepStatus, statusOnly } from './spec-status.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { validateAlwaysRunningTemplate, validateSelectorMatchesTemplate, validateWorkloadSelector } from './workload-template.js';

/** SetDefaults_Deployment plus the template's pod defaults. */
export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= { selector: {}, template: {} } as DeploymentSpec);
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

export function validateDeploymentSpec(spec: DeploymentSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [...nonNegative(spec.replicas, path.child('replicas'))];
  const sel = validateWorkloadSelector(spec.selector, path.child('selector'), 'empty selector is invalid for deployment');
  errs.push(...sel.errs);
  if (sel.usable) errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, path.child('template')));
  errs.push(...validateAlwaysRunningTemplate(spec.template, path.child('template'), 'ReplicaSet'));

  const sp = path.child('strategy');
  const strategy = spec.strategy ?? {};
  switch (strategy.type) {
    case 'Recreate':
      if (strategy.rollingUpdate) {
        errs.push(forbiddenField(sp.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
      }
      break;
    case 'RollingUpdate': {
      const ru = strategy.rollingUpdate;
      if (!ru) { errs.push(required(sp.child('rollingUpdate'), 'this should be defaulted and never be nil')); break; }
      const rp = sp.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalidValue(rp.child('maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
      break;
    }
    default:
      errs.push(notSupported(sp, strategy, ['Recreate', 'RollingUpdate']));
  }
  errs.push(...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...nonNegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, path.child('progressDeadlineSeconds')));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalidValue(path.child('progressDeadlineSeconds'), spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

const dep = (o: WithMeta): Deployment => o as unknown as Deployment;

export const deploymentStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultDeployment(dep(obj)),
  prepareForCreate: clearStatus,
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    // Upstream also bumps generation on annotation changes (the old rollback annotation).
    if (!deepEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {})) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
  },
  validate: (obj) => validateDeploymentSpec(dep(obj).spec, FieldPath.root('spec')),
  validateUpdate: (obj, old) =>
    validateImmutableField(dep(obj).spec?.selector, dep(old).spec?.selector, FieldPath.root('spec', 'selector')),
  status: statusOnly,
};
