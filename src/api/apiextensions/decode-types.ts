/**
 * The DecodeNode of a custom resource, from its CRD version's structural
 * schema: what the type check before defaulting expects. A custom resource
 * has no Go structs, so its values are named as an unstructured decode holds
 * them (`int64`, `float64`, `string`, `bool`, `[]interface {}`,
 * `map[string]interface {}`) and the struct is the kind; metadata (at the
 * root and in embedded resources) is decoded as the built-in ObjectMeta.
 * Unknown fields and nulls are left alone (pruning and defaulting handle them).
 */
import { definitionNode, LEAF, type DecodeNode } from '../decode/index.js';
import { OBJECT_META_DEFINITION } from './openapi.js';
import type { JSONSchemaProps } from './types.js';

const OBJECT = 'map[string]interface {}';
const ARRAY = '[]interface {}';

const asSchema = (v: unknown): JSONSchemaProps | undefined =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONSchemaProps : undefined);

/** The node of a custom resource whose version has `schema` (the whole openAPIV3Schema). */
export function customResourceNode(schema: JSONSchemaProps): DecodeNode {
  const root = schemaNode(schema);
  const fields = new Map(root.fields ?? []);
  withObjectMeta(fields);
  return { kind: 'object', goType: OBJECT, fields, normalize: false };
}

function withObjectMeta(fields: Map<string, DecodeNode>): void {
  fields.set('apiVersion', LEAF.string);
  fields.set('kind', LEAF.string);
  fields.set('metadata', definitionNode(OBJECT_META_DEFINITION));
}

function schemaNode(s: JSONSchemaProps): DecodeNode {
  if (s['x-kubernetes-int-or-string']) return { kind: 'intOrString', goType: 'intstr.IntOrString', elem: LEAF.int64, normalize: false };
  switch (s.type) {
    case 'string': return LEAF.string;
    case 'integer': return LEAF.int64;
    case 'number': return LEAF.float;
    case 'boolean': return LEAF.bool;
    case 'array': {
      const items = asSchema(s.items);
      return { kind: 'array', goType: ARRAY, elem: items ? schemaNode(items) : LEAF.any, normalize: false };
    }
    case 'object': {
      const extra = asSchema(s.additionalProperties);
      if (extra && !s.properties) return { kind: 'map', goType: OBJECT, elem: schemaNode(extra), normalize: false };
      const embedded = s['x-kubernetes-embedded-resource'] === true;
      if (!s.properties && !embedded) return { kind: 'object', goType: OBJECT, normalize: false };
      const fields = new Map<string, DecodeNode>();
      for (const [k, p] of Object.entries(s.properties ?? {})) fields.set(k, schemaNode(p));
      if (embedded) withObjectMeta(fields);
      // Fields the schema does not name are not checked (preserve-unknown-fields keeps them; pruning drops the rest).
      return { kind: 'object', goType: OBJECT, fields, normalize: false };
    }
    default: return LEAF.any;
  }
}
