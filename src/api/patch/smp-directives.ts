/**
 * Strategic merge patch vocabulary: the directive keys, upstream's error
 * texts (k8s.io/apimachinery/pkg/util/mergepatch/errors.go), and helpers that
 * strip directives from values taken whole from a patch.
 */
import { isPlainObject } from '../object.js';
import { goTypeName, goValue } from './go-format.js';
import { hasOwn } from './json-map.js';
import type { JsonMap } from './json-map.js';

export const DIRECTIVE_MARKER = '$patch';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

/** Upstream's sentinel errors whose texts clients see. */
export const SMP_ERRORS = {
  badJSONDoc: 'invalid JSON document',
  noListOfLists: 'lists of lists are not supported',
  badPatchFormatForPrimitiveList: 'invalid patch format of primitive list',
  badPatchFormatForRetainKeys: 'invalid patch format of retainKeys',
  badPatchFormatForSetElementOrderList: 'invalid patch format of setElementOrder list',
  patchContentNotMatchRetainKeys: "patch content doesn't match retainKeys list",
} as const;

/** A strategic merge patch failure; the entry point turns it into a StatusError. */
export class SmpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmpError';
  }
}

export function errNoMergeKey(m: JsonMap, key: string): SmpError {
  return new SmpError(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

export function errBadArgType(expected: 'map' | 'list', actual: unknown): SmpError {
  const want = expected === 'map' ? 'map[string]interface {}' : '[]interface {}';
  return new SmpError(`expected a ${want}, but received a ${goTypeName(actual)}`);
}

export function errBadPatchType(directive: unknown, m: JsonMap): SmpError {
  return new SmpError(`unknown patch type: ${goValue(directive)} in map: ${goValue(m)}`);
}

/** `$setElementOrder/containers` → `containers`; upstream's errors for a malformed key. */
export function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw new SmpError(prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX
      ? SMP_ERRORS.badPatchFormatForPrimitiveList
      : SMP_ERRORS.badPatchFormatForSetElementOrderList);
  }
  return key.slice(slash + 1);
}

/** A field's strategy split as upstream's extractRetainKeysPatchStrategy does. */
export function parseStrategy(tag: string | undefined): { strategy: string; retainKeys: boolean } {
  const parts = tag ? tag.split(',') : [];
  if (parts.length === 0) return { strategy: '', retainKeys: false };
  if (parts.length === 1) {
    return parts[0] === 'retainKeys' ? { strategy: '', retainKeys: true } : { strategy: parts[0], retainKeys: false };
  }
  if (parts.length === 2 && parts.includes('retainKeys')) {
    return { strategy: parts[0] === 'retainKeys' ? parts[1] : parts[0], retainKeys: true };
  }
  throw new SmpError(`unexpected patch strategy: [${parts.join(' ')}]`);
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE_MARKER || k === RETAIN_KEYS_DIRECTIVE
    || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`) || k.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`);
}

/**
 * Upstream's removeDirectives: a map carrying `$patch` disappears (with the
 * field or list item holding it); returns undefined when `v` itself goes.
 */
export function removeDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(removeDirectives).filter((x) => x !== undefined);
  }
  if (isPlainObject(v)) {
    if (hasOwn(v, DIRECTIVE_MARKER)) return undefined;
    for (const [k, x] of Object.entries(v)) {
      const kept = removeDirectives(x);
      if (kept === undefined) delete v[k];
      else v[k] = kept;
    }
  }
  return v;
}

/**
 * What decoding into the typed object does to a value taken whole from a
 * patch: directive keys are unknown fields and vanish, `null` members become
 * zero values and are omitted. Mutates and returns `v`.
 */
export function sanitize(v: unknown): unknown {
  if (Array.isArray(v)) {
    v.forEach((x, i) => { v[i] = sanitize(x); });
  } else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null || isDirectiveKey(k)) delete v[k];
      else v[k] = sanitize(x);
    }
  }
  return v;
}
