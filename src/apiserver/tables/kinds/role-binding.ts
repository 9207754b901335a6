/**
 * RoleBindings and ClusterRoleBindings: printRoleBinding and
 * printClusterRoleBinding in pkg/printers/internalversion/printers.go.
 * (Roles and ClusterRoles have no printer upstream: they get the default table.)
 */
import type { RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ClusterRoleBindingDoc, RoleBindingDoc } from '../descriptions.js';
import { as } from '../format.js';

/** rbac.SubjectsStrings: users, groups and "namespace/name" service accounts. */
function subjectsStrings(subjects: Subject[]): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users, groups, sas];
}

function bindingConvertor(what: 'roleBinding' | 'clusterRoleBinding', roleRefDoc: string): TableConvertor {
  return {
    columns: () => [
      NAME_COLUMN,
      col('Role', 'string', roleRefDoc),
      AGE_COLUMN,
      wide('Users', 'string', `Users in the ${what}`),
      wide('Groups', 'string', `Groups in the ${what}`),
      wide('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`),
    ],
    cells(obj: KubeObject, now: Date): unknown[] {
      const b = as<RoleBinding>(obj);
      const [users, groups, sas] = subjectsStrings(b.subjects ?? []);
      return [
        b.metadata?.name ?? '',
        `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`,
        translateTimestampSince(b.metadata?.creationTimestamp, now),
        users.join(', '), groups.join(', '), sas.join(', '),
      ];
    },
  };
}

export const roleBindingConvertor: TableConvertor = bindingConvertor('roleBinding', RoleBindingDoc.roleRef);
export const clusterRoleBindingConvertor: TableConvertor = bindingConvertor('clusterRoleBinding', ClusterRoleBindingDoc.roleRef);
