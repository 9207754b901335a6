/**
 * A CRD version's schema as the OpenAPI the server publishes for it (what
 * `kubectl explain` reads): a Swagger-2.0-style schema with descriptions and
 * x-kubernetes-* extensions kept, value validations dropped where Swagger 2.0
 * cannot express them (anyOf/oneOf/not, nullable), int-or-string as the bare
 * extension, and at the root apiVersion, kind and metadata (a $ref to
 * ObjectMeta) as upstream's builder adds them.
 */
import type { Schema, SchemaGroupVersionKind } from '../openapi/schema.js';
import { DEFINITIONS_REF_PREFIX } from '../openapi/schema.js';
import type { JSONSchemaProps } from './types.js';

/** Schema plus the value validations the published document keeps. */
export type OpenApiSchema = Schema & {
  maximum?: number; exclusiveMaximum?: boolean; minimum?: number; exclusiveMinimum?: boolean;
  maxLength?: number; minLength?: number; pattern?: string; maxItems?: number; minItems?: number;
  uniqueItems?: boolean; multipleOf?: number; maxProperties?: number; minProperties?: number;
  title?: string; properties?: Record<string, OpenApiSchema>; items?: OpenApiSchema;
};

export const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const API_VERSION_DESCRIPTION = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DESCRIPTION = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

const asSchema = (v: unknown): JSONSchemaProps | undefined =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONSchemaProps : undefined);

const COPIED = ['description', 'format', 'title', 'default', 'enum', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf',
  'maxProperties', 'minProperties', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
  'x-kubernetes-validations'] as const;

function convert(s: JSONSchemaProps): OpenApiSchema {
  const o: Record<string, unknown> = {};
  if (s.type && !s['x-kubernetes-int-or-string']) o.type = s.type;
  for (const k of COPIED) if (s[k] !== undefined) o[k] = structuredClone(s[k]);
  if (s.required?.length) o.required = [...s.required];
  const items = asSchema(s.items);
  if (items) o.items = convert(items);
  if (s.properties) o.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, convert(v)]));
  const extra = asSchema(s.additionalProperties);
  if (extra) o.additionalProperties = convert(extra);
  else if (typeof s.additionalProperties === 'boolean') o.additionalProperties = s.additionalProperties;
  return o as OpenApiSchema;
}

/**
 * The published schema of one CRD version. `gvk` adds
 * `x-kubernetes-group-version-kind` at the root.
 */
export function toOpenApiSchema(schema: JSONSchemaProps | undefined, opts: { gvk?: SchemaGroupVersionKind } = {}): OpenApiSchema {
  const root = schema ? convert(schema) : ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true } as OpenApiSchema);
  if (!root.type) root.type = 'object';
  root.properties = {
    ...root.properties,
    apiVersion: { description: API_VERSION_DESCRIPTION, type: 'string' },
    kind: { description: KIND_DESCRIPTION, type: 'string' },
    metadata: { description: METADATA_DESCRIPTION, $ref: `${DEFINITIONS_REF_PREFIX}${OBJECT_META_DEFINITION}` },
  };
  if (opts.gvk) root['x-kubernetes-group-version-kind'] = [opts.gvk];
  return root;
}
