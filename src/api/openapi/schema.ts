/**
 * The shape of an OpenAPI schema as Kubernetes publishes it: a Swagger 2.0
 * schema object (also valid as an OpenAPI 3.0 schema once `$ref`s point at
 * `#/components/schemas/`), plus the `x-kubernetes-*` extensions clients read.
 */

/** One entry of `x-kubernetes-group-version-kind`. */
export interface SchemaGroupVersionKind {
  group: string;
  kind: string;
  version: string;
}

export interface Schema {
  description?: string;
  type?: string;
  format?: string;
  /** `#/definitions/<name>` in Swagger 2.0, `#/components/schemas/<name>` in OpenAPI 3. */
  $ref?: string;
  /** OpenAPI 3 only: a `$ref` that carries siblings (description, ...) is wrapped as `allOf: [{$ref}]`. */
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  /** On a top-level kind (and its List): every group/version/kind it is served as. */
  'x-kubernetes-group-version-kind'?: SchemaGroupVersionKind[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** Any other vendor extension. */
  [extension: `x-${string}`]: unknown;
}

/** Definition name (`io.k8s.api.apps.v1.Deployment`) to schema. */
export type Definitions = Readonly<Record<string, Schema>>;

/** Prefix of a Swagger 2.0 reference to a definition. */
export const DEFINITIONS_REF_PREFIX = '#/definitions/';

/** Prefix of an OpenAPI 3 reference to a component schema. */
export const COMPONENTS_REF_PREFIX = '#/components/schemas/';

/** The definition name a `$ref` points at, for either prefix; undefined for any other reference. */
export function refTarget(ref: string): string | undefined {
  if (ref.startsWith(DEFINITIONS_REF_PREFIX)) return ref.slice(DEFINITIONS_REF_PREFIX.length);
  if (ref.startsWith(COMPONENTS_REF_PREFIX)) return ref.slice(COMPONENTS_REF_PREFIX.length);
  return undefined;
}
