/**
 * policy/v1 PodDisruptionBudget (upstream pkg/registry/policy/poddisruptionbudget/strategy.go,
 * ValidatePodDisruptionBudgetSpec). No defaults in policy/v1.
 */
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, notSupported } from '../../../api/field-errors.js';
import { validateLabelSelector } from '../../../api/validation/label-selector.js';
import type { Strategy } from '../strategy.js';
import { specStatusHooks } from '../apps/spec-status.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../apps/int-or-percent.js';

export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudgetSpec(spec: PodDisruptionBudgetSpec | undefined, path: FieldPath): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) {
    errs.push(invalidValue(path, s, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const k of ['minAvailable', 'maxUnavailable'] as const) {
    errs.push(...validatePositiveIntOrPercent(s[k], path.child(k)));
    errs.push(...isNotMoreThan100Percent(s[k], path.child(k)));
  }
  errs.push(...validateLabelSelector(s.selector, path.child('selector')));
  if (s.unhealthyPodEvictionPolicy !== undefined && !UNHEALTHY_POD_EVICTION_POLICIES.includes(s.unhealthyPodEvictionPolicy)) {
    errs.push(notSupported(path.child('unhealthyPodEvictionPolicy'), s.unhealthyPodEvictionPolicy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}

const pdb = (o: WithMeta): PodDisruptionBudget => o as unknown as PodDisruptionBudget;

export const podDisruptionBudgetStrategy: Strategy = {
  tracksGeneration: true,
  ...specStatusHooks,
  validate: (obj) => validatePodDisruptionBudgetSpec(pdb(obj).spec, FieldPath.root('spec')),
};
