/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the
 * apply half of k8s.io/apimachinery/pkg/util/strategicpatch as the apiserver
 * runs it (MergeParallelList and IgnoreUnmatchedNulls on):
 *
 * - maps merge recursively; `null` deletes a key;
 * - lists replace, unless the field's patchStrategy is merge: lists of maps
 *   merge items by the patchMergeKey (new items appended), lists of scalars
 *   become the union; the result is ordered by `$setElementOrder/<field>`
 *   when given, else patch items in patch order with server-only items kept
 *   where the server had them;
 * - directives: `$patch: replace|delete` on a map; list items `{$patch:
 *   replace}` (the list becomes the other items) and `{<key>: v, $patch:
 *   delete}`; `$retainKeys` (drop keys not listed); `$deleteFromPrimitiveList/<f>`;
 *   `$setElementOrder/<f>`; `$patch: merge` is refused as upstream refuses it;
 * - patchStrategy `replace` on a map field replaces it whole.
 *
 * Fields whose type is unknown to the schema merge as maps and replace as lists.
 * Values taken whole from the patch lose directive keys and null members, as
 * decoding into the typed object would.
 *
 * Errors: upstream's malformed-directive errors are 400 BadRequest; "lists of
 * lists" and retainKeys mismatches are 422; every other failure (e.g. "map:
 * map[image:x] does not contain declared merge key: name") is 400 BadRequest
 * with upstream's text (upstream answers 500 with no reason for those).
 */
import { badRequest } from '../errors.js';
import type { StatusError } from '../errors.js';
import { deepClone, isPlainObject } from '../object.js';
import { hasOwn, setOwn } from './json-map.js';
import type { JsonMap } from './json-map.js';
import { patchRejected } from './patch-errors.js';
import type { PatchSchema } from './patch-schema.js';
import {
  DELETE_FROM_PRIMITIVE_LIST_PREFIX, DIRECTIVE_MARKER, RETAIN_KEYS_DIRECTIVE, SET_ELEMENT_ORDER_PREFIX, SMP_ERRORS,
  SmpError, errBadArgType, errBadPatchType, errNoMergeKey, extractKey, parseStrategy, removeDirectives, sanitize,
} from './smp-directives.js';
import {
  findByMergeKey, normalizeElementOrder, partition, sliceElementKind, validatePatchWithSetOrderList,
} from './smp-order.js';

export { schemaFromDefinitions } from './patch-schema.js';
export type { OpenApiSchema, PatchSchema } from './patch-schema.js';

/** Where a value sits in the type tree. */
type TypeRef = { kind: 'object'; def: string } | { kind: 'map'; value: TypeRef } | { kind: 'unknown' };

const UNKNOWN: TypeRef = { kind: 'unknown' };

const objectRef = (def: string | undefined): TypeRef => (def ? { kind: 'object', def } : UNKNOWN);

/**
 * Applies a strategic merge `patch` to `original` (both decoded JSON) and
 * returns the result. Never mutates its arguments. A `null` patch is a no-op;
 * a patch that is not an object is 400, as upstream's JSON decoding says.
 */
export function applyStrategicMergePatch(original: JsonMap, patch: unknown, schema: PatchSchema): JsonMap {
  if (patch === null) return deepClone(original);
  if (!isPlainObject(patch)) {
    const kind = Array.isArray(patch) ? 'array' : typeof patch;
    throw badRequest(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  try {
    return new Merger(schema).mergeMap(deepClone(original), deepClone(patch), objectRef(schema.root));
  } catch (err) {
    if (err instanceof SmpError) throw toStatusError(err);
    throw err;
  }
}

/** Upstream answers these with 422 (interpretStrategicMergePatchError). */
const REJECTED_ERRORS: ReadonlySet<string> = new Set([SMP_ERRORS.noListOfLists, SMP_ERRORS.patchContentNotMatchRetainKeys]);

/**
 * upstream's interpretStrategicMergePatchError: its malformed-directive
 * errors are 400, and so is everything upstream leaves as a reason-less 500.
 */
function toStatusError(err: SmpError): StatusError {
  return REJECTED_ERRORS.has(err.message) ? patchRejected(err.message, err) : badRequest(err.message);
}

/** A value that enters the result whole: nulls dropped, `$patch` maps removed, directive keys stripped. */
function takeWhole(v: unknown): unknown {
  const kept = removeDirectives(v);
  return kept === undefined ? undefined : sanitize(kept);
}

class Merger {
  constructor(private readonly schema: PatchSchema) {}

  private fieldType(t: TypeRef, field: string): ReturnType<PatchSchema['fieldType']> {
    return t.kind === 'object' ? this.schema.fieldType(t.def, field) : undefined;
  }

  /** Type of the value held by `field` of a value of type `t` (for maps and objects). */
  private childType(t: TypeRef, field: string): TypeRef {
    if (t.kind === 'map') return t.value;
    const ft = this.fieldType(t, field);
    if (ft?.kind === 'object') return objectRef(ft.def);
    if (ft?.kind === 'map') return { kind: 'map', value: objectRef(ft.def) };
    return UNKNOWN;
  }

  /** Type of the items of list `field`. */
  private itemType(t: TypeRef, field: string): TypeRef {
    const ft = this.fieldType(t, field);
    return ft?.kind === 'list' ? objectRef(ft.def) : UNKNOWN;
  }

  private meta(t: TypeRef, field: string): { strategy: string; mergeKey: string } {
    const m = t.kind === 'object' ? this.schema.fieldMeta(t.def, field) : undefined;
    return { strategy: parseStrategy(m?.patchStrategy).strategy, mergeKey: m?.patchMergeKey ?? '' };
  }

  /** upstream's mergeMap. Mutates and returns `original`; consumes `patch`. */
  mergeMap(original: JsonMap | undefined, patch: JsonMap, t: TypeRef): JsonMap {
    if (hasOwn(patch, DIRECTIVE_MARKER)) return directiveInMergeMap(patch);
    const out = original ?? {};
    applyRetainKeysDirective(out, patch);
    this.mergeSetElementOrder(out, patch, t);
    for (const key of Object.keys(patch)) {
      const pv = patch[key];
      let k = key;
      let isDeleteList = false;
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
        k = extractKey(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
        isDeleteList = true;
      }
      if (pv === null) {
        delete out[k];
        continue;
      }
      const ov = hasOwn(out, k) ? out[k] : undefined;
      const sameShape = ov !== undefined && Array.isArray(ov) === Array.isArray(pv) && isPlainObject(ov) === isPlainObject(pv);
      if (!sameShape) {
        if (!isDeleteList) this.setWhole(out, k, pv);
        continue;
      }
      if (isPlainObject(ov)) {
        const { strategy } = this.meta(t, k);
        setOwn(out, k, strategy === 'replace' ? sanitize(pv) : this.mergeMap(ov, pv as JsonMap, this.childType(t, k)));
      } else if (Array.isArray(ov)) {
        const { strategy, mergeKey } = this.meta(t, k);
        setOwn(out, k, this.mergeSliceHandler(ov, pv as unknown[], this.itemType(t, k), strategy, mergeKey, isDeleteList));
      } else {
        setOwn(out, k, pv);
      }
    }
    return out;
  }

  private setWhole(out: JsonMap, k: string, pv: unknown): void {
    const v = takeWhole(pv);
    if (v === undefined) delete out[k];
    else setOwn(out, k, v);
  }

  /** upstream's mergePatchIntoOriginal: each `$setElementOrder/<f>` with its list `<f>`. */
  private mergeSetElementOrder(out: JsonMap, patch: JsonMap, t: TypeRef): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
      const order = patch[key];
      delete patch[key];
      if (!Array.isArray(order)) throw errBadArgType('list', order);
      const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
      const inOriginal = hasOwn(out, field);
      const inPatch = hasOwn(patch, field);
      const originalList = inOriginal ? out[field] : [];
      const patchList = inPatch ? patch[field] : [];
      if (!Array.isArray(originalList)) throw errBadArgType('list', originalList);
      if (!Array.isArray(patchList)) throw errBadArgType('list', patchList);
      const { strategy, mergeKey } = this.meta(t, field);
      validatePatchWithSetOrderList(patchList, order, mergeKey);
      let merged: unknown[];
      if (inOriginal && !inPatch) merged = originalList;
      else if (!inOriginal && inPatch) merged = takeWhole(patchList) as unknown[];
      else if (inOriginal && inPatch) {
        merged = this.mergeSliceHandler(originalList, patchList, this.itemType(t, field), strategy, mergeKey, false);
      } else continue;
      const [patchItems, serverOnly] = partition(merged, order, mergeKey);
      const kind = sliceElementKind(originalList, patchList);
      setOwn(out, field, normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind));
      delete patch[field];
    }
  }

  private mergeSliceHandler(original: unknown[], patch: unknown[], itemType: TypeRef, strategy: string,
    mergeKey: string, isDeleteList: boolean): unknown[] {
    if (strategy === 'merge' || isDeleteList) return this.mergeSlice(original, patch, itemType, mergeKey, isDeleteList);
    return sanitize(patch) as unknown[];
  }

  /** upstream's mergeSlice. */
  private mergeSlice(original: unknown[], patch: unknown[], itemType: TypeRef, mergeKey: string,
    isDeleteList: boolean): unknown[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = sliceElementKind(original, patch);
    let base = original;
    let items = patch;
    let merged: unknown[];
    if (kind !== 'map') {
      if (isDeleteList) return original.filter((v) => !patch.includes(v));
      merged = [...new Set([...original, ...patch])];
    } else {
      if (mergeKey === '') {
        throw new SmpError(`cannot merge lists without merge key for ${itemType.kind === 'object' ? itemType.def : 'struct'}`);
      }
      [base, items] = mergeSliceWithSpecialElements(original, patch, mergeKey);
      merged = this.mergeSliceWithoutSpecialElements(base, items, mergeKey, itemType);
    }
    const [patchItems, serverOnly] = partition(merged, items, mergeKey);
    return normalizeElementOrder(patchItems, serverOnly, items, base, mergeKey, kind);
  }

  /** Merges each patch item into the original item with the same merge key, or appends it. */
  private mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string,
    itemType: TypeRef): unknown[] {
    const out = original.slice();
    for (const v of patch) {
      const item = v as JsonMap;
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      const i = findByMergeKey(out, mergeKey, item[mergeKey]);
      if (i >= 0) out[i] = this.mergeMap(out[i] as JsonMap, item, itemType);
      else out.push(sanitize(item));
    }
    return out;
  }
}

/** `$patch` on a map: replace → the patch itself; delete → empty; anything else is refused. */
function directiveInMergeMap(patch: JsonMap): JsonMap {
  const directive = patch[DIRECTIVE_MARKER];
  if (directive === 'replace') {
    delete patch[DIRECTIVE_MARKER];
    return sanitize(patch) as JsonMap;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

/** Applies `$patch: delete|replace` list items; returns the new base list and the remaining patch items. */
function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let base = original;
  let replace = false;
  for (const v of patch) {
    const item = v as JsonMap;
    if (!hasOwn(item, DIRECTIVE_MARKER)) {
      plain.push(v);
      continue;
    }
    switch (item[DIRECTIVE_MARKER]) {
      case 'delete': {
        if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
        const value = item[mergeKey];
        base.forEach((x, i) => { if (!isPlainObject(x)) throw new SmpError(`value for key ${i} is not a map`); });
        base = base.filter((x) => !(hasOwn(x as JsonMap, mergeKey) && (x as JsonMap)[mergeKey] === value));
        break;
      }
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw new SmpError('merging lists cannot yet be specified in the patch');
      default:
        throw errBadPatchType(item[DIRECTIVE_MARKER], item);
    }
  }
  return replace ? [plain, []] : [base, plain];
}

/** `$retainKeys`: every patched key must be listed; original keys not listed are dropped. */
function applyRetainKeysDirective(original: JsonMap, patch: JsonMap): void {
  if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw new SmpError(SMP_ERRORS.badPatchFormatForRetainKeys);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!list.includes(k)) throw new SmpError(SMP_ERRORS.badPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(original)) {
    if (!list.includes(k)) delete original[k];
  }
}
