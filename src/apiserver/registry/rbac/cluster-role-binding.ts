/**
 * rbac.authorization.k8s.io/v1 ClusterRoleBinding (upstream pkg/registry/rbac/clusterrolebinding,
 * SetDefaults_ClusterRoleBinding, ValidateClusterRoleBinding/Update).
 */
import type { ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { FieldPath } from '../../../api/field-errors.js';
import type { Strategy } from '../strategy.js';
import { RBAC_GROUP, defaultSubject, validateRoleRef, validateSubject } from './policy-rule.js';
import { validateRoleRefUnchanged } from './role-binding.js';

const crb = (o: WithMeta): ClusterRoleBinding => o as unknown as ClusterRoleBinding;

export const clusterRoleBindingStrategy: Strategy = {
  nameRule: 'pathSegment',
  defaults(obj) {
    const b = crb(obj);
    if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
    for (const s of b.subjects ?? []) defaultSubject(s);
  },
  validate: (obj) => [
    ...validateRoleRef(crb(obj).roleRef, ['ClusterRole'], FieldPath.root('roleRef')),
    ...(crb(obj).subjects ?? []).flatMap((s, i) => validateSubject(s, false, FieldPath.root('subjects').index(i))),
  ],
  validateUpdate: (obj, old) => validateRoleRefUnchanged(crb(obj).roleRef, crb(old).roleRef),
};
