/**
 * Schema defaulting (upstream's pkg/apiserver/schema/defaulting): `default`
 * values of properties, items and additionalProperties fill absent fields and
 * non-nullable nulls, top-down, so a default object gets its own nested
 * defaults too. Runs after pruning, on create, update and read.
 */
import { deepClone, isPlainObject } from '../object.js';
import type { JSONSchemaProps } from './types.js';

const asSchema = (v: unknown): JSONSchemaProps | undefined =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONSchemaProps : undefined);

const nonNullableNull = (v: unknown, s: JSONSchemaProps | undefined): boolean => v === null && s !== undefined && !s.nullable;

/**
 * Upstream's PruneNonNullableNullsWithoutDefaults: drops object fields that
 * are null where the schema says not nullable and gives no default (so
 * validation does not reject what the client merely left empty).
 */
export function pruneNonNullableNulls(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = asSchema(s.items);
    for (const v of x) pruneNonNullableNulls(v, items);
    return;
  }
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    const sub = s.properties?.[k] ?? asSchema(s.additionalProperties);
    if (!sub) continue;
    if (x[k] === null && !sub.nullable && sub.default === undefined) delete x[k];
    else pruneNonNullableNulls(x[k], sub);
  }
}

/** Applies `default`s of `s` to `x` in place (defaults are deep-copied). */
export function applySchemaDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = asSchema(s.items);
    if (!items) return;
    for (let i = 0; i < x.length; i++) {
      if (items.default !== undefined && nonNullableNull(x[i], items)) x[i] = deepClone(items.default);
      applySchemaDefaults(x[i], items);
    }
    return;
  }
  if (!isPlainObject(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(x, k) || x[k] === undefined || nonNullableNull(x[k], prop)) x[k] = deepClone(prop.default);
  }
  const extra = asSchema(s.additionalProperties);
  for (const k of Object.keys(x)) {
    const prop = s.properties?.[k];
    if (prop) applySchemaDefaults(x[k], prop);
    else if (extra) {
      if (extra.default !== undefined && nonNullableNull(x[k], extra)) x[k] = deepClone(extra.default);
      applySchemaDefaults(x[k], extra);
    }
  }
}
