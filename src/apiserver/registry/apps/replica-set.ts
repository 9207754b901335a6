/**
 * apps/v1 ReplicaSet (upstream pkg/registry/apps/replicaset/strategy.go,
 * SetDefaults_ReplicaSet, ValidateReplicaSetSpec).
 */
import type { ReplicaSet, ReplicaSetSpec } from 'kubernetes-types/apps/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, required } from '../../../api/field-errors.js';
import { nonNegative } from '../../../api/validation/container.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../../api/defaults/pod.js';
import type { Strategy } from '../strategy.js';
import { specStatusHooks } from './spec-status.js';
import { validateAlwaysRunningTemplate, validateSelectorMatchesTemplate, validateWorkloadSelector } from './workload-template.js';

export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= { selector: {} });
  spec.replicas ??= 1;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

export function validateReplicaSetSpec(spec: ReplicaSetSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [
    ...nonNegative(spec.replicas, path.child('replicas')),
    ...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')),
  ];
  // Upstream's message names deployments here too.
  const sel = validateWorkloadSelector(spec.selector, path.child('selector'), 'empty selector is invalid for deployment');
  errs.push(...sel.errs);
  if (sel.usable) errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, path.child('template')));
  errs.push(...validateAlwaysRunningTemplate(spec.template, path.child('template'), 'ReplicaSet'));
  return errs;
}

const rs = (o: WithMeta): ReplicaSet => o as unknown as ReplicaSet;

export const replicaSetStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultReplicaSet(rs(obj)),
  ...specStatusHooks,
  validate: (obj) => validateReplicaSetSpec(rs(obj).spec, FieldPath.root('spec')),
  validateUpdate: (obj, old) =>
    validateImmutableField(rs(obj).spec?.selector, rs(old).spec?.selector, FieldPath.root('spec', 'selector')),
};
