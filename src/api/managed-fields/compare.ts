/**
 * Field-level difference of two objects (upstream typed Compare): leaves that
 * were added, removed or changed, plus non-leaf nodes (maps, list items)
 * that appear or disappear as a whole.
 */
import { FieldSet } from './field-set.js';
import { listItemElement } from './list-items.js';
import type { FieldPath, PathElement } from './path-element.js';
import { serializePathElement } from './path-element.js';
import type { FieldType, ListType, Shape } from './types.js';
import { shapeOf, UNTYPED_ATOMIC } from './types.js';
import type { JsonObject, JsonValue } from './value.js';
import { isObject, valuesEqual } from './value.js';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/** Compares `lhs` (before) with `rhs` (after); `undefined` means absent. */
export function compareObjects(lhs: JsonValue | undefined, rhs: JsonValue | undefined, type: FieldType): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  if (lhs !== undefined || rhs !== undefined) node(lhs, rhs, type, [], c);
  return c;
}

/** Compares one node; non-leaf nodes that appear or disappear are recorded themselves too. */
function node(l: JsonValue | undefined, r: JsonValue | undefined, t: FieldType, path: FieldPath, c: Comparison): void {
  const sl = shapeOf(t, l), sr = shapeOf(t, r);
  let leaf: boolean;
  if (r === undefined) leaf = handle(sl, l, r, t, path, c);
  else if (l === undefined || sl.kind === sr.kind) leaf = handle(sr, l, r, t, path, c);
  else { handle(sl, l, r, t, path, c); leaf = handle(sr, l, r, t, path, c); }
  if (!leaf && path.length > 0) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  }
}

function doLeaf(l: JsonValue | undefined, r: JsonValue | undefined, path: FieldPath, c: Comparison): true {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!valuesEqual(l, r)) c.modified.insert(path);
  return true;
}

function handle(s: Shape, l: JsonValue | undefined, r: JsonValue | undefined, t: FieldType, path: FieldPath, c: Comparison): boolean {
  if (s.kind === 'leaf') return doLeaf(l, r, path, c);
  if (s.kind === 'map') {
    const implicit = s.type.implicit;
    const lm = withImplicit(isObject(l) ? l : undefined, implicit);
    const rm = withImplicit(isObject(r) ? r : undefined, implicit);
    if ((!lm || Object.keys(lm).length === 0) && (!rm || Object.keys(rm).length === 0)) return doLeaf(l, r, path, c);
    const keys = new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})]);
    for (const k of keys) {
      const ft = s.type.field(k) ?? s.type.elements() ?? UNTYPED_ATOMIC;
      node(lm?.[k], rm?.[k], ft, [...path, { field: k }], c);
    }
    return false;
  }
  const ll = Array.isArray(l) ? l : undefined, rl = Array.isArray(r) ? r : undefined;
  if ((!ll || ll.length === 0) && (!rl || rl.length === 0)) return doLeaf(l, r, path, c);
  const li = indexItems(s.type, ll), ri = indexItems(s.type, rl);
  const all = new Map<string, PathElement>();
  for (const [k, e] of li) all.set(k, e.pe);
  for (const [k, e] of ri) if (!all.has(k)) all.set(k, e.pe);
  const items = s.type.items();
  for (const [k, pe] of all) node(li.get(k)?.value, ri.get(k)?.value, items, [...path, pe], c);
  return false;
}

function withImplicit(m: JsonObject | undefined, implicit: Readonly<Record<string, JsonValue>> | undefined): JsonObject | undefined {
  if (!m || !implicit) return m;
  let out: JsonObject | undefined;
  for (const [k, v] of Object.entries(implicit)) if (!(k in m)) (out ??= { ...m })[k] = v;
  return out ?? m;
}

/** Items by path element, first occurrence wins; unnameable items are skipped. */
export function indexItems(t: ListType, list: readonly JsonValue[] | undefined): Map<string, { pe: PathElement; value: JsonValue }> {
  const out = new Map<string, { pe: PathElement; value: JsonValue }>();
  for (const item of list ?? []) {
    const pe = listItemElement(t, item);
    if (typeof pe === 'string') continue;
    const k = serializePathElement(pe);
    if (!out.has(k)) out.set(k, { pe, value: item });
  }
  return out;
}
