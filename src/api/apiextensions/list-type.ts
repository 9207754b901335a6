/**
 * Uniqueness of `x-kubernetes-list-type: set` items and of
 * `x-kubernetes-list-type: map` keys (upstream's
 * pkg/apiserver/schema/listtype ValidateListSetsAndMaps): the second and later
 * appearances of a value or key are reported once each as Duplicate.
 */
import type { FieldError } from '../field-errors.js';
import { duplicate, FieldPath, invalidValue } from '../field-errors.js';
import { isPlainObject } from '../object.js';
import type { JSONSchemaProps } from './types.js';

const asSchema = (v: unknown): JSONSchemaProps | undefined =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONSchemaProps : undefined);

/** Canonical JSON (sorted keys) so equal objects compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** Indexes of the first repeat of each value that appears more than once. */
function nonUnique(values: unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    const k = canonical(v);
    const n = seen.get(k) ?? 0;
    if (n === 1) out.push(i);
    seen.set(k, n + 1);
  });
  return out;
}

/** Errors of sets and maps in `obj` (an object validated by `s`), under `path`. */
export function validateListSetsAndMaps(obj: unknown, s: JSONSchemaProps | undefined, path: FieldPath = FieldPath.root()): FieldError[] {
  if (!s || !isPlainObject(obj)) return [];
  const errs: FieldError[] = [];
  const extra = asSchema(s.additionalProperties);
  for (const [k, v] of Object.entries(obj)) {
    const prop = s.properties?.[k];
    if (prop) errs.push(...walk(v, prop, path.child(k)));
    else if (extra) errs.push(...walk(v, extra, path.key(k)));
  }
  return errs;
}

function walk(v: unknown, s: JSONSchemaProps, p: FieldPath): FieldError[] {
  if (isPlainObject(v)) return validateListSetsAndMaps(v, s, p);
  if (!Array.isArray(v)) return [];
  const errs: FieldError[] = [];
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') for (const i of nonUnique(v)) errs.push(duplicate(p.index(i), v[i]));
  if (listType === 'map') errs.push(...listMap(v, s['x-kubernetes-list-map-keys'] ?? [], p));
  const items = asSchema(s.items);
  if (items) v.forEach((x, i) => errs.push(...walk(x, items, p.index(i))));
  return errs;
}

function listMap(v: unknown[], keys: string[], p: FieldPath): FieldError[] {
  const bad = v.findIndex((x) => x !== null && !isPlainObject(x));
  if (bad >= 0) return [invalidValue(p.index(bad), v[bad], 'must be an object for an array of list-type map')];
  if (v.length <= 1) return [];
  const keyOf = (x: unknown): Record<string, unknown> => {
    const key: Record<string, unknown> = {};
    if (isPlainObject(x)) for (const k of keys) if (Object.hasOwn(x, k)) key[k] = x[k];
    return key;
  };
  const ks = v.map(keyOf);
  return nonUnique(ks).map((i) => duplicate(p.index(i), ks[i]));
}
