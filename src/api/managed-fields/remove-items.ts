/**
 * Removing owned fields from an object (upstream typed RemoveItems and
 * Set.EnsureNamedFieldsAreMembers), used to prune what an applier stopped
 * sending.
 */
import type { FieldSet } from './field-set.js';
import { listItemElement } from './list-items.js';
import type { FieldType } from './types.js';
import { shapeOf, UNTYPED_ATOMIC } from './types.js';
import type { JsonObject, JsonValue } from './value.js';
import { isObject } from './value.js';

/**
 * `value` without the paths in `toRemove` (a member removes its whole
 * subtree). A map or list left empty by removal becomes undefined, and its
 * parent drops the key (upstream leaves a null that the typed round trip omits).
 */
export function removeItems(value: JsonValue, toRemove: FieldSet, t: FieldType): JsonValue | undefined {
  const s = shapeOf(t, value);
  if (s.kind === 'leaf') return value;
  if (s.kind === 'map') {
    if (!isObject(value) || Object.keys(value).length === 0) return undefined;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const pe = { field: k };
      if (toRemove.hasMember(pe)) continue;
      const sub = toRemove.withPrefix(pe);
      if (sub.empty()) { out[k] = v; continue; }
      const r = removeItems(v, sub, s.type.field(k) ?? s.type.elements() ?? UNTYPED_ATOMIC);
      if (r !== undefined) out[k] = r;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: JsonValue[] = [];
  for (const item of value) {
    const pe = listItemElement(s.type, item);
    if (typeof pe === 'string') { out.push(item); continue; }
    if (toRemove.hasMember(pe)) continue;
    const sub = toRemove.withPrefix(pe);
    out.push(sub.empty() ? item : removeItems(item, sub, s.type.items()) ?? {});
  }
  return out.length > 0 ? out : undefined;
}

/**
 * `set` plus, at every node, each declared struct field that has children as
 * a member: owning `.spec.replicas` then also names `.spec` (upstream
 * EnsureNamedFieldsAreMembers; map keys and list items are not added).
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, t: FieldType): FieldSet {
  const out = set.union(set); // copy
  fill(set, out, t);
  return out;
}

function fill(node: FieldSet, out: FieldSet, t: FieldType | undefined): void {
  for (const c of node.children()) {
    let ct: FieldType | undefined;
    if ('field' in c.pe) {
      if (t?.kind === 'map') {
        const declared = t.field(c.pe.field);
        if (declared) out.insertMember(c.pe);
        ct = declared ?? t.elements();
      } else if (t?.kind === 'untyped' && !t.atomic) ct = t;
    } else if ('key' in c.pe && t?.kind === 'list') ct = t.items();
    fill(c.set, out.childFor(c.pe), ct);
  }
}
