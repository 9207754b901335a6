/**
 * List element order after a strategic merge (upstream's
 * normalizeElementOrder): items named by the patch (or by
 * `$setElementOrder`) keep the patch's order, items only on the server keep
 * theirs, and the two are interleaved by the server's order where both are
 * known. Also the element-type and `$setElementOrder` consistency checks.
 */
import { isPlainObject } from '../object.js';
import { goValue } from './go-format.js';
import { hasOwn } from './json-map.js';
import type { JsonMap } from './json-map.js';
import {
  DIRECTIVE_MARKER, SET_ELEMENT_ORDER_PREFIX, SMP_ERRORS, SmpError, errBadArgType, errNoMergeKey,
} from './smp-directives.js';

/** 'map' for lists of objects; otherwise the scalar type shared by all items. */
export type ElementKind = 'map' | 'string' | 'int' | 'float' | 'bool' | 'null';

function kindOf(v: unknown): ElementKind | 'list' {
  if (Array.isArray(v)) return 'list';
  if (isPlainObject(v)) return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return 'null';
}

/** Upstream's sliceElementType: all items of all lists share one type, never a list. */
export function sliceElementKind(...lists: unknown[][]): ElementKind {
  let prev: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (k === 'list') throw new SmpError(SMP_ERRORS.noListOfLists);
      if (prev === undefined) prev = k;
      else if (prev !== k) throw new SmpError(`list element types are not identical: ${goValue(lists)}`);
    }
  }
  if (prev === undefined) throw new SmpError('no elements in any of the given slices');
  return prev;
}

function keyOf(item: unknown, mergeKey: string): unknown {
  return isPlainObject(item) ? item[mergeKey] : undefined;
}

/** Index of `v` in `list`, by merge key for maps and by value otherwise; -1 if absent. */
function indexIn(list: unknown[], v: unknown, mergeKey: string, kind: ElementKind): number {
  if (kind === 'map') {
    const want = keyOf(v, mergeKey);
    return list.findIndex((x) => keyOf(x, mergeKey) === want);
  }
  return list.indexOf(v);
}

/** Upstream's findMapInSliceBasedOnKeyValue, as an index (-1 when absent). */
export function findByMergeKey(list: unknown[], mergeKey: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isPlainObject(item)) throw new SmpError(`value for key ${i} is not a map`);
    if (hasOwn(item, mergeKey) && item[mergeKey] === value) return i;
  }
  return -1;
}

/** Splits `merged` into items present in `by` and items only on the server. */
export function partition(merged: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    let found: boolean;
    if (mergeKey === '') {
      found = by.includes(v);
    } else {
      if (!isPlainObject(v)) throw errBadArgType('map', v);
      if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      found = findByMergeKey(by, mergeKey, v[mergeKey]) >= 0;
    }
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isPlainObject(item)) throw errBadArgType('map', item);
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function isDeleteItem(v: unknown): boolean {
  return isPlainObject(v) && v[DIRECTIVE_MARKER] === 'delete';
}

/** Stable sort of `toSort` by position in `order`; `$patch: delete` items go last. */
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let items = toSort;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    toDelete = toSort.filter(isDeleteItem);
    items = toSort.filter((v) => !isDeleteItem(v));
  }
  const pos = (v: unknown): number => {
    const i = indexIn(order, v, mergeKey, kind);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  const sorted = items.map((v, i) => ({ v, i, p: pos(v) }))
    .sort((a, b) => (a.p === b.p ? a.i - b.i : a.p < b.p ? -1 : 1))
    .map((x) => x.v);
  return [...sorted, ...toDelete];
}

/**
 * Inserts each server-only item (`left`) among the patch items (`right`)
 * before the first patch item that follows it in the server's order.
 */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string,
  kind: ElementKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) { out.push(right[j++]); continue; }
    if (j >= right.length) { out.push(left[i++]); continue; }
    const li = indexIn(serverOrder, left[i], mergeKey, kind);
    const ri = indexIn(serverOrder, right[j], mergeKey, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

/** Upstream's normalizeElementOrder. */
export function normalizeElementOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[],
  serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const p = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isPlainObject(left)) throw errBadArgType('map', left);
  if (!isPlainObject(right)) throw errBadArgType('map', right);
  if (!hasOwn(left, mergeKey)) throw errNoMergeKey(left as JsonMap, mergeKey);
  if (!hasOwn(right, mergeKey)) throw errNoMergeKey(right as JsonMap, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/**
 * The patch list's items (deletions aside) must appear in `$setElementOrder`
 * in the same relative order.
 */
export function validatePatchWithSetOrderList(patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const v of patchList) if (!isPlainObject(v)) throw errBadArgType('map', v);
    items = patchList.filter((v) => !isDeleteItem(v));
  }
  let pi = 0;
  let si = 0;
  while (pi < items.length && si < setOrder.length) {
    const item = items[pi];
    if (isPlainObject(item) && hasOwn(item, DIRECTIVE_MARKER)) { pi++; continue; }
    if (mergeKeyValueEqual(item, setOrder[si], mergeKey)) pi++;
    si++;
  }
  if (pi < items.length && si >= setOrder.length) {
    throw new SmpError(`the order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goValue(setOrder)}`);
  }
}
