/**
 * RBAC rule and subject checks shared by roles and bindings (upstream
 * pkg/apis/rbac/validation: ValidatePolicyRule, ValidateRoleBindingSubject).
 */
import type { PolicyRule, RoleRef, Subject } from 'kubernetes-types/rbac/v1.js';
import type { FieldError, FieldPath } from '../../../api/field-errors.js';
import { invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../../../api/validation/names.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.verbs?.length) errs.push(required(path.child('verbs'), 'verbs must contain at least one value'));
  if (rule.nonResourceURLs?.length) {
    if (namespaced) errs.push(invalidValue(path.child('nonResourceURLs'), rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.push(invalidValue(path.child('nonResourceURLs'), rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!rule.apiGroups?.length) errs.push(required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (!rule.resources?.length) errs.push(required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

/** SetDefaults_Subject: User and Group subjects belong to the RBAC group. */
export function defaultSubject(s: Subject): void {
  if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
}

export function validateSubject(s: Subject, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(path.child('name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) errs.push(...isDNS1123Subdomain(s.name).map((m) => invalidValue(path.child('name'), s.name, m)));
      if (s.apiGroup) errs.push(notSupported(path.child('apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(path.child('namespace')));
      break;
    case 'User': case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(path.child('apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(path.child('kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** roleRef: the RBAC group, an allowed kind, a path-segment name. */
export function validateRoleRef(ref: RoleRef | undefined, kinds: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const r = ref ?? { apiGroup: '', kind: '', name: '' };
  if (r.apiGroup !== RBAC_GROUP) errs.push(notSupported(path.child('apiGroup'), r.apiGroup ?? '', [RBAC_GROUP]));
  if (!kinds.includes(r.kind)) errs.push(notSupported(path.child('kind'), r.kind ?? '', kinds));
  if (!r.name) errs.push(required(path.child('name')));
  else errs.push(...isValidPathSegmentName(r.name).map((m) => invalidValue(path.child('name'), r.name, m)));
  return errs;
}
