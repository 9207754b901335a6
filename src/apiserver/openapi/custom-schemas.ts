/**
 * Schemas for served kinds that have no built-in definition (custom
 * resources): the schema the caller supplies, completed the way the
 * apiextensions-apiserver publishes it (apiVersion, kind and metadata
 * properties, the group-version-kind extension), or a permissive one.
 */
import type { ResourceDef } from '../../api/resources.js';
import type { Schema } from '../../api/openapi/schema.js';
import { DEFINITIONS_REF_PREFIX } from '../../api/openapi/schema.js';
import { META } from './operations.js';
import { customDefinitionName } from './naming.js';

const API_VERSION_DESCRIPTION = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/**
 * The definitions (kind and List) of a resource without a built-in
 * definition, keyed by definition name (see `customDefinitionName`).
 * `provided` may hold the kind's schema (e.g. a CRD version's
 * openAPIV3Schema) under that name, and the List's under `<name>List`.
 */
export function customResourceDefinitions(r: ResourceDef, provided: Readonly<Record<string, Schema>> = {}): Record<string, Schema> {
  const name = customDefinitionName(r.group, r.version, r.kind);
  const listName = `${name}List`;
  const gvk = { group: r.group, kind: r.kind, version: r.version };
  const given = provided[name];
  const base: Schema = given ? { ...given } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const kindSchema: Schema = {
    ...base,
    description: base.description ?? `${r.kind} is a custom resource of ${r.group}/${r.version}.`,
    type: 'object',
    properties: {
      ...base.properties,
      apiVersion: { description: API_VERSION_DESCRIPTION, type: 'string' },
      kind: { description: KIND_DESCRIPTION, type: 'string' },
      metadata: { $ref: `${DEFINITIONS_REF_PREFIX}${META}.ObjectMeta`, description: 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata' },
    },
    'x-kubernetes-group-version-kind': [gvk],
  };
  const listSchema: Schema = provided[listName] ? { ...provided[listName] } : {
    description: `${r.kind}List is a list of ${r.kind}`,
    type: 'object',
    properties: {
      apiVersion: { description: API_VERSION_DESCRIPTION, type: 'string' },
      items: { description: `List of ${r.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: 'array', items: { $ref: DEFINITIONS_REF_PREFIX + name } },
      kind: { description: KIND_DESCRIPTION, type: 'string' },
      metadata: { $ref: `${DEFINITIONS_REF_PREFIX}${META}.ListMeta`, description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
    },
    required: ['items'],
  };
  listSchema['x-kubernetes-group-version-kind'] = [{ ...gvk, kind: `${r.kind}List` }];
  return { [name]: kindSchema, [listName]: listSchema };
}
