/**
 * A TypeResolver over Swagger-2.0 OpenAPI definitions (what kube-openapi's
 * schemaconv builds for structured-merge-diff): `x-kubernetes-list-type`
 * decides lists, else patchStrategy merge (+ patchMergeKey) makes an
 * associative list, else atomic; maps are granular unless
 * `x-kubernetes-map-type: atomic`; objects without properties are atomic
 * leaves; `x-kubernetes-preserve-unknown-fields` is deduced.
 */
import type { Definitions, Schema } from '../openapi/schema.js';
import { refTarget } from '../openapi/schema.js';
import type { FieldType, ListType, MapType, TypeResolver } from './types.js';
import { DEDUCED, SCALAR, UNTYPED_ATOMIC } from './types.js';
import type { JsonValue } from './value.js';

/**
 * Upstream marks these `+structType=atomic`; the generated definitions may
 * lack the struct-level `x-kubernetes-map-type`, so it is filled in here.
 */
const ATOMIC_STRUCTS = new Set([
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  'io.k8s.api.core.v1.ObjectReference',
  'io.k8s.api.core.v1.LocalObjectReference',
  'io.k8s.api.core.v1.TypedLocalObjectReference',
  'io.k8s.api.core.v1.NodeSelector',
  'io.k8s.api.core.v1.NodeSelectorTerm',
  'io.k8s.api.core.v1.TopologySelectorTerm',
  'io.k8s.api.core.v1.ConfigMapKeySelector',
  'io.k8s.api.core.v1.SecretKeySelector',
  'io.k8s.api.core.v1.ObjectFieldSelector',
  'io.k8s.api.core.v1.ResourceFieldSelector',
  'io.k8s.api.core.v1.SecretReference',
]);

/** Key-field defaults upstream declares (`+default="TCP"`) that generated definitions may lack. */
const KEY_DEFAULTS: Readonly<Record<string, Readonly<Record<string, JsonValue>>>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.EndpointPort': { protocol: 'TCP' },
};

/**
 * Fields a Go object always carries (non-pointer structs, non-omitempty
 * slices), by definition. Kinds (definitions with a group-version-kind) also
 * always carry metadata, spec and status.
 */
const IMPLICIT: Readonly<Record<string, Readonly<Record<string, JsonValue>>>> = {
  'io.k8s.api.core.v1.PodTemplateSpec': { metadata: {}, spec: {} },
  'io.k8s.api.core.v1.PodSpec': { containers: null },
  'io.k8s.api.apps.v1.DeploymentSpec': { selector: null, template: {}, strategy: {} },
  'io.k8s.api.apps.v1.ReplicaSetSpec': { selector: null, template: {} },
  'io.k8s.api.apps.v1.StatefulSetSpec': { selector: null, template: {}, updateStrategy: {} },
  'io.k8s.api.apps.v1.DaemonSetSpec': { selector: null, template: {}, updateStrategy: {} },
  'io.k8s.api.batch.v1.JobSpec': { template: {} },
  'io.k8s.api.batch.v1.CronJobSpec': { jobTemplate: {} },
  'io.k8s.api.batch.v1.JobTemplateSpec': { metadata: {}, spec: {} },
  'io.k8s.api.core.v1.ServiceStatus': { loadBalancer: {} },
};

/** A resolver over `defs`; definitions are converted lazily and cached. */
export function openApiTypes(defs: Definitions): TypeResolver {
  const cache = new Map<string, FieldType>();

  function named(name: string): FieldType {
    let t = cache.get(name);
    if (t) return t;
    const s = defs[name];
    if (!s) return UNTYPED_ATOMIC;
    // Placeholder guards against self-reference while converting (e.g. JSONSchemaProps).
    cache.set(name, UNTYPED_ATOMIC);
    t = convert(s, name);
    cache.set(name, t);
    return t;
  }

  function convert(s: Schema, defName?: string): FieldType {
    const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
    if (ref !== undefined) {
      const target = refTarget(ref);
      return target === undefined ? UNTYPED_ATOMIC : named(target);
    }
    if (s['x-kubernetes-preserve-unknown-fields'] === true) return DEDUCED;
    if (s.type === 'array') return list(s);
    if (s.type === 'object' || s.properties || (s.additionalProperties && typeof s.additionalProperties === 'object')) {
      return map(s, defName);
    }
    if (s.type === undefined) return UNTYPED_ATOMIC;
    return SCALAR;
  }

  function map(s: Schema, defName?: string): FieldType {
    const props = s.properties;
    const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    if (!props && !ap) return s.additionalProperties === true ? DEDUCED : UNTYPED_ATOMIC;
    const fieldCache = new Map<string, FieldType>();
    let elementType: FieldType | undefined;
    let implicit: Record<string, JsonValue> | undefined = defName ? { ...IMPLICIT[defName] } : undefined;
    if (defName && props && s['x-kubernetes-group-version-kind']) {
      for (const f of ['metadata', 'spec', 'status']) if (props[f]) (implicit ??= {})[f] = {};
    }
    if (implicit && Object.keys(implicit).length === 0) implicit = undefined;
    const t: MapType = {
      kind: 'map',
      atomic: s['x-kubernetes-map-type'] === 'atomic' || (defName !== undefined && ATOMIC_STRUCTS.has(defName) && s['x-kubernetes-map-type'] === undefined),
      field(name) {
        const p = props?.[name];
        if (!p) return undefined;
        let ft = fieldCache.get(name);
        if (!ft) { ft = convert(p); fieldCache.set(name, ft); }
        return ft;
      },
      elements() {
        if (!ap) return undefined;
        return elementType ??= convert(ap);
      },
      ...(implicit ? { implicit } : {}),
    };
    return t;
  }

  function list(s: Schema): FieldType {
    const lt = s['x-kubernetes-list-type'];
    const strategy = (s['x-kubernetes-patch-strategy'] ?? '').split(',');
    let listType: ListType['listType'] = 'atomic';
    let keys: readonly string[] = [];
    if (lt === 'set') listType = 'set';
    else if (lt === 'map') { listType = 'map'; keys = s['x-kubernetes-list-map-keys'] ?? []; }
    else if (lt === undefined && strategy.includes('merge')) {
      const mk = s['x-kubernetes-patch-merge-key'];
      if (mk) { listType = 'map'; keys = [mk]; } else listType = 'set';
    }
    let itemType: FieldType | undefined;
    const items = (): FieldType => (itemType ??= s.items ? convert(s.items) : UNTYPED_ATOMIC);
    let keyDefaults: Record<string, JsonValue> | undefined;
    if (listType === 'map' && s.items) {
      const itemRef = s.items.$ref ? refTarget(s.items.$ref) : undefined;
      const itemSchema = itemRef ? defs[itemRef] : s.items;
      for (const k of keys) {
        const d = itemSchema?.properties?.[k]?.default ?? (itemRef ? KEY_DEFAULTS[itemRef]?.[k] : undefined);
        if (d !== undefined) (keyDefaults ??= {})[k] = d as JsonValue;
      }
    }
    return { kind: 'list', listType, keys, items, ...(keyDefaults ? { keyDefaults } : {}) };
  }

  return {
    rootType(root) {
      return defs[root] ? named(root) : undefined;
    },
  };
}
