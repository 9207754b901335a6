/**
 * Field-level difference of two objects (upstream typed Compare): leaves that
 * were added, removed or changed, plus non-leaf nodes (maps, list items)
 * that appear or disappear as a whole.
 */
import { FieldSet } from './field-set.js';
import { listItemElement } from './list-items.js';
import type { PathElement } from './path-element.js';
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
  if (lhs !== undefined || rhs !== undefined) node(lhs, rhs, type, { elements: [], keys: [] }, c);
  return c;
}

/**
 * The path being visited, pushed and popped as the walk descends (no copy
 * per node), with each element's serialized key computed once.
 */
interface Cursor { readonly elements: PathElement[]; readonly keys: string[] }

function descend(p: Cursor, pe: PathElement, key: string): void {
  p.elements.push(pe);
  p.keys.push(key);
}

function ascend(p: Cursor): void {
  p.elements.pop();
  p.keys.pop();
}

/** Compares one node; non-leaf nodes that appear or disappear are recorded themselves too. */
function node(l: JsonValue | undefined, r: JsonValue | undefined, t: FieldType, path: Cursor, c: Comparison): void {
  const sl = shapeOf(t, l), sr = shapeOf(t, r);
  let leaf: boolean;
  if (r === undefined) leaf = handle(sl, l, r, t, path, c);
  else if (l === undefined || sl.kind === sr.kind) leaf = handle(sr, l, r, t, path, c);
  else { handle(sl, l, r, t, path, c); leaf = handle(sr, l, r, t, path, c); }
  if (!leaf && path.elements.length > 0) {
    if (l === undefined) c.added.insertKeyed(path.elements, path.keys);
    else if (r === undefined) c.removed.insertKeyed(path.elements, path.keys);
  }
}

function doLeaf(l: JsonValue | undefined, r: JsonValue | undefined, path: Cursor, c: Comparison): true {
  if (l === undefined) c.added.insertKeyed(path.elements, path.keys);
  else if (r === undefined) c.removed.insertKeyed(path.elements, path.keys);
  else if (!valuesEqual(l, r)) c.modified.insertKeyed(path.elements, path.keys);
  return true;
}

const NO_KEYS: readonly string[] = [];

function handle(s: Shape, l: JsonValue | undefined, r: JsonValue | undefined, t: FieldType, path: Cursor, c: Comparison): boolean {
  if (s.kind === 'leaf') return doLeaf(l, r, path, c);
  if (s.kind === 'map') {
    const implicit = s.type.implicit;
    const lm = withImplicit(isObject(l) ? l : undefined, implicit);
    const rm = withImplicit(isObject(r) ? r : undefined, implicit);
    const lk = lm ? Object.keys(lm) : NO_KEYS, rk = rm ? Object.keys(rm) : NO_KEYS;
    if (lk.length === 0 && rk.length === 0) return doLeaf(l, r, path, c);
    const visit = (k: string): void => {
      const ft = s.type.field(k) ?? s.type.elements() ?? UNTYPED_ATOMIC;
      descend(path, { field: k }, `f:${k}`);
      node(lm?.[k], rm?.[k], ft, path, c);
      ascend(path);
    };
    for (const k of lk) visit(k);
    for (const k of rk) if (!lm || !Object.hasOwn(lm, k)) visit(k);
    return false;
  }
  const ll = Array.isArray(l) ? l : undefined, rl = Array.isArray(r) ? r : undefined;
  if ((!ll || ll.length === 0) && (!rl || rl.length === 0)) return doLeaf(l, r, path, c);
  const li = indexItems(s.type, ll), ri = indexItems(s.type, rl);
  const items = s.type.items();
  const visit = (k: string, pe: PathElement): void => {
    descend(path, pe, k);
    node(li.get(k)?.value, ri.get(k)?.value, items, path, c);
    ascend(path);
  };
  for (const [k, e] of li) visit(k, e.pe);
  for (const [k, e] of ri) if (!li.has(k)) visit(k, e.pe);
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
