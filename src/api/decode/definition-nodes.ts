/**
 * The DecodeNodes of built-in kinds, compiled from the OpenAPI definitions
 * (the ones `kubectl explain` reads) once per definition, with the Go type
 * names upstream's decoder prints: `v1.PodSpec` (the package is the segment
 * before the type name), `[]v1.Container`, `map[string]string`, `int32`.
 *
 * Types with their own JSON decoding are told apart by name: Time and
 * MicroTime decode a string (so refuse a number as `string`), IntOrString
 * an int32 unless given a string, Quantity a string or a number, and
 * RawExtension and apiextensions' JSON and JSONSchemaPropsOr* take anything.
 * Named string and map types (`v1.Protocol`, `v1.ResourceList`) are not in
 * the definitions and show as `string` and `map[string]...`.
 */
import { getDefinitions, refTarget, type Schema } from '../openapi/index.js';
import { LEAF, typeNameOf, type DecodeNode } from './decode-node.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

const ANY_TYPES = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension', `${APIEXTENSIONS}JSON`, `${APIEXTENSIONS}JSONSchemaPropsOrArray`,
  `${APIEXTENSIONS}JSONSchemaPropsOrBool`, `${APIEXTENSIONS}JSONSchemaPropsOrStringArray`,
]);

const SPECIAL: Record<string, DecodeNode> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { kind: 'quantity', goType: 'resource.Quantity', normalize: true, zero: '0' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { kind: 'intOrString', goType: 'intstr.IntOrString', elem: LEAF.int32, normalize: true, zero: 0 },
  [`${META}Time`]: { kind: 'string', goType: 'string', typeName: 'v1.Time', normalize: true },
  [`${META}MicroTime`]: { kind: 'string', goType: 'string', typeName: 'v1.MicroTime', normalize: true },
};

const cache = new Map<string, DecodeNode>();

/** The node of definition `name` (`io.k8s.api.core.v1.Pod`); a name not defined takes anything. */
export function definitionNode(name: string): DecodeNode {
  const hit = cache.get(name);
  if (hit) return hit;
  const special = SPECIAL[name] ?? (ANY_TYPES.has(name) ? { ...LEAF.any, goType: goTypeName(name) } : undefined);
  const s = getDefinitions()[name];
  if (special || !s) {
    const n = special ?? LEAF.any;
    cache.set(name, n);
    return n;
  }
  const segments = name.split('.');
  const node: DecodeNode = { kind: 'object', goType: goTypeName(name), struct: segments[segments.length - 1], normalize: true };
  // Registered before its fields are compiled, so recursive definitions end.
  cache.set(name, node);
  if (s.properties) {
    node.fields = new Map();
    for (const [k, p] of Object.entries(s.properties)) node.fields.set(k, schemaNode(p));
  } else if (s.type !== 'object') {
    Object.assign(node, schemaNode(s), { struct: undefined });
  }
  return node;
}

/** `io.k8s.api.core.v1.Container` -> `v1.Container`. */
function goTypeName(name: string): string {
  const segments = name.split('.');
  return segments.slice(-2).join('.');
}

function schemaNode(s: Schema): DecodeNode {
  const ref = s.$ref ?? s.allOf?.[0]?.$ref;
  if (ref) {
    const target = refTarget(ref);
    return target ? definitionNode(target) : LEAF.any;
  }
  if (s['x-kubernetes-preserve-unknown-fields']) return LEAF.any;
  switch (s.type) {
    case 'string': return s.format === 'int-or-string' ? SPECIAL['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] : LEAF.string;
    case 'integer': return s.format === 'int64' ? LEAF.int64 : LEAF.int32;
    case 'number': return LEAF.float;
    case 'boolean': return LEAF.bool;
    case 'array': {
      const elem = s.items ? schemaNode(s.items) : LEAF.any;
      return { kind: 'array', goType: `[]${typeNameOf(elem)}`, elem, normalize: true };
    }
    case 'object': {
      if (typeof s.additionalProperties === 'object') {
        const elem = schemaNode(s.additionalProperties);
        return { kind: 'map', goType: `map[string]${typeNameOf(elem)}`, elem, normalize: true };
      }
      return { kind: 'object', goType: 'map[string]interface {}', normalize: true };
    }
    default: return LEAF.any;
  }
}
