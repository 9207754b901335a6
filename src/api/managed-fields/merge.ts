/**
 * Merges an apply configuration into the live object (upstream typed Merge
 * with ruleKeepRHS): leaves and atomic values take the config's value,
 * granular maps merge key by key, set and map lists merge item by item in the
 * order upstream produces; nothing is removed.
 */
import { indexItems } from './compare.js';
import type { FieldType, ListType } from './types.js';
import { shapeOf, UNTYPED_ATOMIC } from './types.js';
import type { JsonObject, JsonValue } from './value.js';
import { cloneValue, isObject } from './value.js';

export function mergeValues(lhs: JsonValue | undefined, rhs: JsonValue | undefined, t: FieldType): JsonValue | undefined {
  if (rhs === undefined) return lhs === undefined ? undefined : cloneValue(lhs);
  if (lhs === undefined) return cloneValue(rhs);
  const sl = shapeOf(t, lhs), sr = shapeOf(t, rhs);
  if (sl.kind !== sr.kind || sr.kind === 'leaf') return cloneValue(rhs);
  if (sr.kind === 'map') {
    const lm = isObject(lhs) ? lhs : undefined, rm = isObject(rhs) ? rhs : undefined;
    if ((!lm || Object.keys(lm).length === 0) && (!rm || Object.keys(rm).length === 0)) return cloneValue(rhs);
    const out: JsonObject = {};
    for (const k of new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})])) {
      const ft = sr.type.field(k) ?? sr.type.elements() ?? UNTYPED_ATOMIC;
      const v = mergeValues(lm?.[k], rm?.[k], ft);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  const ll = Array.isArray(lhs) ? lhs : undefined, rl = Array.isArray(rhs) ? rhs : undefined;
  if ((!ll || ll.length === 0) && (!rl || rl.length === 0)) return cloneValue(rhs);
  return mergeLists(sr.type, ll ?? [], rl ?? []);
}

/** upstream mergingWalker.visitListItems: keeps live order, config order for shared items. */
function mergeLists(t: ListType, lhs: readonly JsonValue[], rhs: readonly JsonValue[]): JsonValue[] {
  const li = indexItems(t, lhs), ri = indexItems(t, rhs);
  const lKeys = [...li.keys()], rKeys = [...ri.keys()];
  const shared = rKeys.filter((k) => li.has(k));
  let nextShared: string | undefined = shared.shift();
  const mergedRhs = new Set<string>();
  const items = t.items();
  const out: JsonValue[] = [];
  const push = (v: JsonValue | undefined): void => { if (v !== undefined) out.push(v); };
  let lI = 0, rI = 0;
  while (lI < lKeys.length || rI < rKeys.length) {
    if (lI < lKeys.length && rI < rKeys.length) {
      const k = lKeys[lI];
      if (k === rKeys[rI]) {
        mergedRhs.add(k);
        push(mergeValues(li.get(k)!.value, ri.get(k)!.value, items));
        lI++; rI++;
        nextShared = shared.shift();
        continue;
      }
      if (ri.has(k) && nextShared !== undefined && nextShared !== k) { lI++; continue; }
    }
    if (lI < lKeys.length) {
      const k = lKeys[lI];
      if (!ri.has(k)) { push(mergeValues(li.get(k)!.value, undefined, items)); lI++; continue; }
      if (mergedRhs.has(k)) { lI++; continue; }
    }
    if (rI < rKeys.length) {
      const k = rKeys[rI];
      mergedRhs.add(k);
      push(mergeValues(li.get(k)?.value, ri.get(k)!.value, items));
      rI++;
      if (nextShared === k) nextShared = shared.shift();
    }
  }
  return out;
}
