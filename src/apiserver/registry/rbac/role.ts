/** rbac.authorization.k8s.io/v1 Role (upstream pkg/registry/rbac/role, ValidateRole). */
import type { Role } from 'kubernetes-types/rbac/v1.js';
import { FieldPath } from '../../../api/field-errors.js';
import type { Strategy } from '../strategy.js';
import { validatePolicyRule } from './policy-rule.js';

export const roleStrategy: Strategy = {
  nameRule: 'pathSegment',
  validate: (obj) => ((obj as unknown as Role).rules ?? [])
    .flatMap((r, i) => validatePolicyRule(r, true, FieldPath.root('rules').index(i))),
};
