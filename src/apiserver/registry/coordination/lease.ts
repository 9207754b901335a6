/**
 * coordination.k8s.io/v1 Lease (upstream pkg/registry/coordination/lease/strategy.go,
 * ValidateLeaseSpec). No status, no generation, no defaults.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue } from '../../../api/field-errors.js';
import type { Strategy } from '../strategy.js';

export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec ?? {};
  const p = FieldPath.root('spec');
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errs.push(invalidValue(p.child('leaseDurationSeconds'), spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    errs.push(invalidValue(p.child('leaseTransitions'), spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  return errs;
}

export const leaseStrategy: Strategy = {
  validate: (obj) => validateLease(obj as unknown as Lease),
};
