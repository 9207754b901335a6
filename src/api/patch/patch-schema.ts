/**
 * How strategic merge patch learns the shape of a type: which definition a
 * field holds and the field's patch metadata. `schemaFromDefinitions` builds
 * one from Swagger-2.0-style definitions (what the apiserver's OpenAPI
 * document holds), with metadata from PATCH_META or, failing that, the
 * definitions' own `x-kubernetes-*` extensions.
 */
import { PATCH_META } from './patch-meta.js';
import type { FieldPatchMeta, PatchMetaTable, PatchStrategy } from './patch-meta.js';

/** Navigates types: which definition a field holds, and its patch metadata. */
export interface PatchSchema {
  /** Definition name of the root object (e.g. io.k8s.api.apps.v1.Deployment). */
  root: string;
  /**
   * The field's definition name (for objects; for lists: of the items; for
   * maps: of the values), or undefined for scalars/unknown. Must not throw.
   */
  fieldType(def: string, field: string): { def?: string; kind: 'object' | 'list' | 'map' | 'scalar' } | undefined;
  /** Patch metadata of a field, from patch-meta.ts. Must not throw. */
  fieldMeta(def: string, field: string): FieldPatchMeta | undefined;
}

/** The subset of a Swagger 2.0 / OpenAPI v3 schema object that is walked. */
export interface OpenApiSchema {
  type?: string | string[];
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  /** `#/definitions/<name>` (v2) or `#/components/schemas/<name>` (v3). */
  $ref?: string;
  /** v3 wraps a `$ref` carrying a description in `allOf: [{$ref}]`. */
  allOf?: OpenApiSchema[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  [extension: string]: unknown;
}

type FieldType = NonNullable<ReturnType<PatchSchema['fieldType']>>;

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/**
 * A PatchSchema over `definitions`, starting at `root`. Inline object schemas
 * (properties without a `$ref`) get synthetic names `<def>/<field>` so they
 * can be navigated too. Metadata comes from `meta` first, then from the
 * property's `x-kubernetes-*` extensions.
 */
export function schemaFromDefinitions(definitions: Record<string, OpenApiSchema>, root: string,
  meta: PatchMetaTable = PATCH_META): PatchSchema {
  const inline = new Map<string, OpenApiSchema>();
  const lookupDef = (def: string): OpenApiSchema | undefined => definitions[def] ?? inline.get(def);
  const property = (def: string, field: string): OpenApiSchema | undefined => {
    const props = lookupDef(def)?.properties;
    return props && Object.prototype.hasOwnProperty.call(props, field) ? props[field] : undefined;
  };
  const deref = (s: OpenApiSchema): OpenApiSchema => (s.allOf?.length === 1 && s.allOf[0].$ref ? s.allOf[0] : s);

  /** Classifies a schema; `name` is the synthetic name used if it is an inline object. */
  const classify = (raw: OpenApiSchema, name: string): FieldType => {
    const s = deref(raw);
    if (s.$ref) return { kind: 'object', def: refName(s.$ref) };
    const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
    if (type === 'array') {
      if (!s.items) return { kind: 'list' };
      const item = classify(s.items, `${name}[]`);
      return item.kind === 'object' ? { kind: 'list', def: item.def } : { kind: 'list' };
    }
    if (s.properties) {
      inline.set(name, s);
      return { kind: 'object', def: name };
    }
    if (type === 'object' || s.additionalProperties !== undefined) {
      if (typeof s.additionalProperties === 'object') {
        const value = classify(s.additionalProperties, `${name}{}`);
        return value.kind === 'object' ? { kind: 'map', def: value.def } : { kind: 'map' };
      }
      return { kind: 'map' };
    }
    return { kind: 'scalar' };
  };

  return {
    root,
    fieldType(def, field) {
      const p = property(def, field);
      return p === undefined ? undefined : classify(p, `${def}/${field}`);
    },
    fieldMeta(def, field) {
      const fromTable = meta[def]?.[field];
      if (fromTable) return fromTable;
      const p = property(def, field);
      return p === undefined ? undefined : metaFromExtensions(p);
    },
  };
}

function metaFromExtensions(s: OpenApiSchema): FieldPatchMeta | undefined {
  const m: FieldPatchMeta = {};
  const strategy = s['x-kubernetes-patch-strategy'];
  if (strategy) m.patchStrategy = strategy as PatchStrategy;
  if (s['x-kubernetes-patch-merge-key']) m.patchMergeKey = s['x-kubernetes-patch-merge-key'];
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'atomic' || listType === 'set' || listType === 'map') m.listType = listType;
  if (s['x-kubernetes-list-map-keys']) m.listMapKeys = s['x-kubernetes-list-map-keys'];
  const mapType = s['x-kubernetes-map-type'];
  if (mapType === 'atomic' || mapType === 'granular') m.mapType = mapType;
  return Object.keys(m).length > 0 ? m : undefined;
}
