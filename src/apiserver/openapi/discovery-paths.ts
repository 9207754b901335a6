/**
 * The discovery endpoints each OpenAPI v3 document also describes: `/api/`,
 * `/apis/`, `/apis/<group>/`, `/apis/<group>/<version>/` and `/version/`.
 */
import { META, type OperationSpec, type PathSpec } from './operations.js';
import { groupTagName, groupVersionPrefix, operationGroupName, operationGroupOnly, tagName } from './naming.js';

function discovery(path: string, operationId: string, description: string, tag: string, definition: string): PathSpec {
  const op: OperationSpec = {
    method: 'get', operationId, description, tag, query: [],
    response: { kind: 'definition', name: definition }, extraCodes: [],
  };
  return { path, params: [], operations: [op] };
}

/** `GET /api/v1/`, `GET /apis/apps/v1/`: the APIResourceList of a group-version. */
export function resourceListPath(group: string, version: string): PathSpec {
  return discovery(`${groupVersionPrefix(group, version)}/`, `get${operationGroupName(group, version)}APIResources`,
    'get available resources', tagName(group, version), `${META}.APIResourceList`);
}

/** `GET /api/`: the core group's APIVersions. */
export function coreVersionsPath(): PathSpec {
  return discovery('/api/', 'getCoreAPIVersions', 'get available API versions', 'core', `${META}.APIVersions`);
}

/** `GET /apis/`: the APIGroupList. */
export function groupListPath(): PathSpec {
  return discovery('/apis/', 'getAPIVersions', 'get available API versions', 'apis', `${META}.APIGroupList`);
}

/** `GET /apis/<group>/`: one APIGroup. */
export function groupPath(group: string): PathSpec {
  return discovery(`/apis/${group}/`, `get${operationGroupOnly(group)}APIGroup`, 'get information of a group', groupTagName(group), `${META}.APIGroup`);
}

/** `GET /version/`: the server's version.Info. */
export function versionPath(): PathSpec {
  return discovery('/version/', 'getCodeVersion', 'get the code version', 'version', 'io.k8s.apimachinery.pkg.version.Info');
}
