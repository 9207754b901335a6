/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge
 * recursively, `null` deletes a key, anything else (arrays included) replaces.
 */
import { deepClone, isPlainObject } from '../object.js';
import { hasOwn, setOwn } from './json-map.js';
import { patchMalformed } from './patch-errors.js';

/**
 * Applies `patch` to `doc` and returns the result; never mutates either.
 * As upstream (evanphx/json-patch MergePatch): a `null` patch leaves `doc`
 * unchanged, an array patch replaces it, and a scalar patch is 400
 * "Invalid JSON Patch".
 */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (patch === null) return deepClone(doc);
  if (Array.isArray(patch)) return pruneNulls(deepClone(patch));
  if (!isPlainObject(patch)) throw patchMalformed('Invalid JSON Patch');
  return mergeValue(doc, patch);
}

/** RFC 7386 MergePatch(target, patch) for an object patch. */
function mergeValue(target: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(target) ? deepClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete out[k];
    } else if (isPlainObject(v)) {
      setOwn(out, k, mergeValue(hasOwn(out, k) ? out[k] : undefined, v));
    } else {
      setOwn(out, k, pruneNulls(deepClone(v)));
    }
  }
  return out;
}

/** Drops null members of objects nested in a value that is added whole. */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else setOwn(v, k, pruneNulls(x));
    }
  }
  return v;
}
