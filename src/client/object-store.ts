/**
 * The informer's local cache: objects keyed `namespace/name` (`name` when
 * cluster-scoped, as client-go's MetaNamespaceKeyFunc), with a built-in
 * namespace index and optional custom indexes.
 *
 * Objects returned are the cache's own: readers MUST NOT mutate them; clone
 * (structuredClone / deepClone from api/object) before changing anything. In
 * freeze mode they are deep-frozen, so a mutation throws in strict code.
 */
import type { ApiObject } from './api-object.js';

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: ApiObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/** Splits a key made by objectKey into namespace ("" when cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Values an object is indexed under (e.g. its node name); [] for none. */
export type IndexFunc<T> = (obj: T) => string[];

/** Read access to a cache. Handed-out objects are shared: never mutate them. */
export interface ObjectStoreReader<T extends ApiObject> {
  get(key: string): T | undefined;
  list(): T[];
  listKeys(): string[];
  /** Objects in `namespace`. */
  byNamespace(namespace: string): T[];
  /** Objects whose index `name` holds `value`; throws for an unknown index. */
  byIndex(name: string, value: string): T[];
  readonly size: number;
}

export const NAMESPACE_INDEX = 'namespace';

export class ObjectStore<T extends ApiObject> implements ObjectStoreReader<T> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name -> value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndex(NAMESPACE_INDEX, (o) => [o.metadata?.namespace ?? '']);
  }

  /** Adds an index; existing objects are indexed now. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexFuncs.has(name)) throw new Error(`index ${name} already exists`);
    this.indexFuncs.set(name, fn);
    this.indices.set(name, new Map());
    for (const [k, o] of this.items) this.indexOne(name, fn, k, o);
  }

  get size(): number { return this.items.size; }

  get(key: string): T | undefined { return this.items.get(key); }

  list(): T[] { return [...this.items.values()]; }

  listKeys(): string[] { return [...this.items.keys()]; }

  byNamespace(namespace: string): T[] { return this.byIndex(NAMESPACE_INDEX, namespace); }

  byIndex(name: string, value: string): T[] {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`index ${name} does not exist`);
    return [...(idx.get(value) ?? [])].map((k) => this.items.get(k)!);
  }

  /** Stores `obj` under its key; returns the previous object, if any. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [n, fn] of this.indexFuncs) this.indexOne(n, fn, key, obj);
    return old;
  }

  /** Removes the object at `key`; returns it, if any. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const idx = this.indices.get(name)!;
    for (const v of fn(obj)) {
      let s = idx.get(v);
      if (!s) idx.set(v, (s = new Set()));
      s.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFuncs) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const s = idx.get(v);
        s?.delete(key);
        if (s && s.size === 0) idx.delete(v);
      }
    }
  }
}
