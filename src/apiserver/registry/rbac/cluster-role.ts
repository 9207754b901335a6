/** rbac.authorization.k8s.io/v1 ClusterRole (upstream pkg/registry/rbac/clusterrole, ValidateClusterRole). */
import type { ClusterRole } from 'kubernetes-types/rbac/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, required } from '../../../api/field-errors.js';
import { validateLabelSelector } from '../../../api/validation/label-selector.js';
import type { Strategy } from '../strategy.js';
import { validatePolicyRule } from './policy-rule.js';

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = (role.rules ?? []).flatMap((r, i) => validatePolicyRule(r, false, FieldPath.root('rules').index(i)));
  if (role.aggregationRule) {
    const sp = FieldPath.root('aggregationRule', 'clusterRoleSelectors');
    const sels = role.aggregationRule.clusterRoleSelectors ?? [];
    if (sels.length === 0) errs.push(required(sp, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    sels.forEach((s, i) => errs.push(...validateLabelSelector(s, sp.index(i))));
  }
  return errs;
}

export const clusterRoleStrategy: Strategy = {
  nameRule: 'pathSegment',
  validate: (obj) => validateClusterRole(obj as unknown as ClusterRole),
};
