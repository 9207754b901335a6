/**
 * The shape every stored object shares, and small helpers over it.
 */
import type { ObjectMeta as ReadonlyObjectMeta } from 'kubernetes-types/meta/v1.js';

/** Strips `readonly`: the server is the one party that writes system fields. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** ObjectMeta as the API server handles it (system fields writable). */
export type ObjectMeta = Mutable<ReadonlyObjectMeta>;

/** Any Kubernetes object as JSON: typed metadata, everything else open. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A KubeObject whose metadata is present (the registry guarantees this after decoding). */
export type WithMeta<T extends KubeObject = KubeObject> = T & { metadata: ObjectMeta };

/**
 * Deep copy of a JSON value. Never mutate objects read from a cache: clone
 * them first. Plain objects and arrays are copied by a walk (several times
 * faster than structuredClone for decoded JSON); anything else (a Date, a Map)
 * goes to structuredClone.
 */
export function deepClone<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = deepClone(v[i]);
    return out as T;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const c = deepClone((v as Record<string, unknown>)[k]);
    // JSON.parse makes "__proto__" an own key; plain assignment would set the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out as T;
}

/**
 * Freezes a JSON value and everything under it, so that a shared copy (a
 * cache entry) throws on any attempt to change it instead of changing it
 * for every reader. Returns the value.
 */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON equality (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
