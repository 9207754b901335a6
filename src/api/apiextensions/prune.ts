/**
 * Pruning of unknown fields (upstream's pkg/apiserver/schema/pruning): every
 * object field the structural schema does not specify is removed, except under
 * `x-kubernetes-preserve-unknown-fields: true`; apiVersion, kind and metadata
 * survive at the root and in `x-kubernetes-embedded-resource` objects (the
 * server prunes metadata to ObjectMeta itself).
 */
import { FieldPath } from '../field-errors.js';
import { isPlainObject } from '../object.js';
import type { JSONSchemaProps } from './types.js';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

const asSchema = (v: unknown): JSONSchemaProps | undefined =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONSchemaProps : undefined);

/**
 * Removes from `obj` (in place) what `schema` does not specify and returns the
 * removed fields' paths (`spec.foo`, `spec.items[0].bar`, `spec.labels[k].x`),
 * in document order. `isResourceRoot` keeps apiVersion/kind/metadata at the top.
 */
export function pruneUnknownFields(obj: unknown, schema: JSONSchemaProps | undefined, isResourceRoot: boolean): string[] {
  const pruned: string[] = [];
  prune(obj, schema, FieldPath.root(), pruned, isResourceRoot);
  return pruned;
}

function prune(x: unknown, s: JSONSchemaProps | undefined, p: FieldPath, out: string[], embedded = false): void {
  if (s?.['x-kubernetes-preserve-unknown-fields'] === true) { skipPrune(x, s, p, out, embedded); return; }
  if (Array.isArray(x)) {
    const items = asSchema(s?.items);
    x.forEach((v, i) => prune(v, s ? items : undefined, p.index(i), out));
    return;
  }
  if (!isPlainObject(x)) return;
  const isEmbedded = embedded || s?.['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(x)) {
    if (isEmbedded && META_FIELDS.has(k)) continue;
    const prop = s?.properties?.[k];
    if (prop) prune(x[k], prop, p.child(k), out);
    else if (s && s.additionalProperties !== undefined && s.additionalProperties !== false) {
      prune(x[k], asSchema(s.additionalProperties), p.key(k), out);
    } else {
      out.push(p.child(k).toString());
      delete x[k];
    }
  }
}

/** Under preserve-unknown-fields: keeps unknown fields, prunes inside the specified ones. */
function skipPrune(x: unknown, s: JSONSchemaProps, p: FieldPath, out: string[], embedded: boolean): void {
  if (Array.isArray(x)) {
    const items = asSchema(s.items);
    if (items) x.forEach((v, i) => skipPrune(v, items, p.index(i), out, false));
    return;
  }
  if (!isPlainObject(x)) return;
  const isEmbedded = embedded || s['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(x)) {
    if (isEmbedded && META_FIELDS.has(k)) continue;
    const prop = s.properties?.[k];
    if (prop) prune(x[k], prop, p.child(k), out);
    else if (s.additionalProperties !== undefined && s.additionalProperties !== false) {
      prune(x[k], asSchema(s.additionalProperties), p.key(k), out);
    }
  }
}
