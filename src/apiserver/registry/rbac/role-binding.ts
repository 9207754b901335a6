/**
 * rbac.authorization.k8s.io/v1 RoleBinding (upstream pkg/registry/rbac/rolebinding,
 * SetDefaults_RoleBinding, ValidateRoleBinding/Update): roleRef cannot change.
 */
import type { RoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue } from '../../../api/field-errors.js';
import type { Strategy } from '../strategy.js';
import { RBAC_GROUP, defaultSubject, validateRoleRef, validateSubject } from './policy-rule.js';

/** `roleRef: Invalid value: ...: cannot change roleRef` */
export function validateRoleRefUnchanged(ref: unknown, old: unknown): FieldError[] {
  return deepEqual(ref, old) ? [] : [invalidValue(FieldPath.root('roleRef'), ref, 'cannot change roleRef')];
}

const rb = (o: WithMeta): RoleBinding => o as unknown as RoleBinding;

export const roleBindingStrategy: Strategy = {
  nameRule: 'pathSegment',
  defaults(obj) {
    const b = rb(obj);
    if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
    for (const s of b.subjects ?? []) defaultSubject(s);
  },
  validate: (obj) => [
    ...validateRoleRef(rb(obj).roleRef, ['Role', 'ClusterRole'], FieldPath.root('roleRef')),
    ...(rb(obj).subjects ?? []).flatMap((s, i) => validateSubject(s, true, FieldPath.root('subjects').index(i))),
  ],
  validateUpdate: (obj, old) => validateRoleRefUnchanged(rb(obj).roleRef, rb(old).roleRef),
};
