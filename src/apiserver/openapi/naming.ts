/**
 * How upstream names things in its OpenAPI documents: group-version paths,
 * operation ids, tags, and the definition names of custom resources.
 */

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise: the key of a v3 document. */
export function groupVersionKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** The URL prefix of a group-version's resources: `/api/v1`, `/apis/apps/v1`. */
export function groupVersionPrefix(group: string, version: string): string {
  return `/${groupVersionKey(group, version)}`;
}

function groupWords(group: string): string[] {
  if (group === '') return ['core'];
  return group.replace(/\.k8s\.io$/, '').split(/[.-]/).filter((w) => w !== '');
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The group-version part of an operation id: `CoreV1`, `AppsV1`, `RbacAuthorizationV1`, `StableExampleComV1`. */
export function operationGroupName(group: string, version: string): string {
  return groupWords(group).map(capitalize).join('') + capitalize(version);
}

/** The group part of an operation id, without version: `Apps`, `RbacAuthorization`. */
export function operationGroupOnly(group: string): string {
  return groupWords(group).map(capitalize).join('');
}

/** The tag of a group-version's operations: `core_v1`, `apps_v1`, `rbacAuthorization_v1`. */
export function tagName(group: string, version: string): string {
  const [first = '', ...rest] = groupWords(group);
  return `${first}${rest.map(capitalize).join('')}_${version}`;
}

/** The tag of a group's discovery operation: `apps`, `rbacAuthorization`. */
export function groupTagName(group: string): string {
  const [first = '', ...rest] = groupWords(group);
  return first + rest.map(capitalize).join('');
}

/**
 * The definition name of a kind that has no built-in definition (a custom
 * resource): the group's DNS labels reversed, then version and kind, as the
 * apiextensions-apiserver names them: `com.example.stable.v1.CronTab`.
 */
export function customDefinitionName(group: string, version: string, kind: string): string {
  const reversed = group === '' ? 'core' : group.split('.').reverse().join('.');
  return `${reversed}.${version}.${kind}`;
}
