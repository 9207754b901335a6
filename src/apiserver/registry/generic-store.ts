/**
 * The generic store: the behaviour every resource shares (upstream's
 * k8s.io/apiserver/pkg/registry/generic/registry/store.go). It owns names,
 * uid, creationTimestamp, generation, resourceVersion conflicts, finalizers
 * and deletionTimestamp, dry runs, and reads through the watch cache; the
 * resource's Strategy supplies defaults and validation, in the order fixed in
 * strategy.ts.
 *
 * Objects here are always in the resource's storage version; handlers convert.
 */
import { randomUUID } from 'node:crypto';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { ResourceDef } from '../../api/resources.js';
import type { WithMeta } from '../../api/object.js';
import { deepClone, deepEqual } from '../../api/object.js';
import {
  alreadyExists, badRequest, conflict, expired, internalError, invalid, notFound, StatusError,
  type ErrorSubject,
} from '../../api/errors.js';
import type { FieldError } from '../../api/field-errors.js';
import { FieldPath } from '../../api/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/object-meta.js';
import {
  CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, type Store,
} from '../../storage/store.js';
import type { WatchCache, ObjectFilter, WatchSink, CacheWatcher } from '../watch/watch-cache.js';
import { decodeStored, encodeStored, type TypeMeta } from '../watch/stored-object.js';
import { apiVersionOf } from '../../api/resources.js';
import type { Strategy } from './strategy.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { nowRfc3339Seconds, rfc3339Seconds } from '../../api/time.js';

/** Side effects a resource needs around writes (allocations, admission). */
export interface RegistryHooks {
  /** After validation, before the write (skipped on dry run). Returns an undo run if the write fails. */
  beforeCreate?(obj: WithMeta): Promise<(() => Promise<void>) | void>;
  /** Before an update is written (skipped on dry run). Returns an undo run if the write fails. */
  beforeUpdate?(obj: WithMeta, old: WithMeta): Promise<(() => Promise<void>) | void>;
  /** After the object is gone from the store. */
  afterDelete?(obj: WithMeta): Promise<void>;
  /** On update, before defaults and validation: fills in what the client may omit (e.g. allocated values). */
  mutateUpdate?(obj: WithMeta, old: WithMeta): void;
  /** On create only, after defaults: upstream's mutating admission for this kind. */
  admitCreate?(obj: WithMeta): void;
  /** Extra create-time checks that need other objects (e.g. namespace lifecycle). */
  checkCreate?(obj: WithMeta): Promise<void>;
}

export interface ListQuery {
  namespace: string;
  filter?: ObjectFilter;
  /** True when filter is not the match-everything filter (remainingItemCount is then unknown). */
  filtered: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  items: WithMeta[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  /**
   * Records field ownership (metadata.managedFields) once defaults are in,
   * before validation; absent for writes whose ownership is already set
   * (server-side apply).
   */
  track?: (obj: WithMeta, old: WithMeta | undefined) => void;
}

export interface UpdateOptions extends WriteOptions {
  /** '' for the main resource, 'status' for the status subresource. */
  subresource?: string;
  /** Create the object when absent (upstream's AllowCreateOnUpdate; used by apply-style PUTs). */
  allowCreate?: boolean;
}

/** Transforms the current object into the desired one; may throw a StatusError. Gets a private copy. */
/** Makes the next object from `current`, a private copy it may change and return. */
export type TryUpdate = (current: WithMeta) => WithMeta | Promise<WithMeta>;

export interface DeleteResult {
  /** The object as it is now: gone (returned as last seen) or marked for deletion. */
  object: WithMeta;
  /** True when the object is gone from the store; false when it waits on finalizers or grace. */
  deleted: boolean;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

export class GenericStore {
  readonly subject: (name?: string) => ErrorSubject;
  /** The type every stored object of this resource has: its storage version's. */
  readonly typeMeta: TypeMeta;

  constructor(
    /** The storage form of the resource (its key prefix, group, version). */
    readonly def: ResourceDef,
    readonly strategy: Strategy,
    private readonly store: Store,
    private readonly cache: WatchCache,
    private readonly hooks: RegistryHooks = {},
  ) {
    this.subject = (name?: string) => ({ group: def.group, resource: def.plural, kind: def.kind, name });
    this.typeMeta = { apiVersion: apiVersionOf(def.group, def.version), kind: def.kind };
  }

  get prefix(): string { return this.def.storage.prefix; }

  /** The newest revision the watch cache has applied (what bookmarks report). */
  cacheRevision(): number { return this.cache.processedRevision; }

  /** Sends events the cache is holding back for coalescing, so a bookmark never overtakes them. */
  flushWatchers(): void { this.cache.resource(this.prefix)?.flushNow(); }

  keyFor(namespace: string, name: string): string {
    return this.def.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** Key prefix for one namespace, or the whole resource when namespace is ''. */
  keyPrefix(namespace: string): string {
    return this.def.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  async get(namespace: string, name: string): Promise<WithMeta> {
    const kv = await this.store.get(this.keyFor(namespace, name));
    if (!kv) throw notFound(this.subject(name));
    return decodeStored(kv.value, kv.modRevision, this.typeMeta);
  }

  async list(q: ListQuery): Promise<ListResult> {
    const rv = q.resourceVersion;
    const paged = (q.limit !== undefined && q.limit > 0 && rv !== '0') || !!q.continueToken;
    if (paged || (rv && rv !== '0' && q.resourceVersionMatch === 'Exact')) return this.listFromStore(q);
    const cache = this.cache.resource(this.prefix);
    if (!cache) throw internalError(new Error(`no watch cache for ${this.prefix}`));
    if (rv === undefined || rv === '') {
      await this.cache.waitUntilFresh(await this.store.currentRevision());
    } else if (rv !== '0') {
      await this.cache.waitUntilFresh(parseResourceVersion(rv));
    }
    const items = cache.snapshot(this.keyPrefix(q.namespace), q.filter);
    return { items, resourceVersion: String(this.cache.processedRevision) };
  }

  private async listFromStore(q: ListQuery): Promise<ListResult> {
    let revision: number | undefined;
    let startKey: string | undefined;
    const base = this.keyPrefix(q.namespace);
    if (q.continueToken) {
      const tok = decodeContinue(q.continueToken);
      revision = tok.rv;
      startKey = base + tok.start;
      if (!startKey.startsWith(base)) throw badRequest('continue key is not valid: key does not match prefix');
      // Only a forged token names a revision the store has not reached.
      if (tok.rv > await this.store.currentRevision()) throw badRequest('continue key is not valid: the resourceVersion it names is in the future');
    } else if (q.resourceVersion && q.resourceVersion !== '0') {
      revision = parseResourceVersion(q.resourceVersion);
      // A revision the store has not reached: wait a little for it, then 504 "Too large resource version", as the cache answers.
      await this.cache.waitUntilFresh(revision);
    }
    const limit = q.limit && q.limit > 0 ? q.limit : 0;
    const items: WithMeta[] = [];
    let more = false;
    let lastKey: string | undefined;
    let remaining: number | undefined;
    try {
      for (;;) {
        const want = limit ? Math.max(limit - items.length, 1) : 0;
        const page = await this.store.list(base, { revision, limit: limit ? (q.filtered ? Math.max(want, 100) : want) : 0, startKey });
        revision = page.revision;
        let i = 0;
        for (; i < page.items.length; i++) {
          const kv = page.items[i];
          lastKey = kv.key;
          const obj = decodeStored(kv.value, kv.modRevision, this.typeMeta);
          if (q.filter && !q.filter(obj)) continue;
          items.push(obj);
          if (limit && items.length >= limit) { i++; break; }
        }
        const leftInPage = page.items.length - i;
        if (limit && items.length >= limit) {
          more = leftInPage > 0 || page.more;
          if (!q.filtered && page.remaining !== undefined) remaining = leftInPage + page.remaining;
          break;
        }
        if (!page.more || page.items.length === 0) break;
        startKey = page.items[page.items.length - 1].key + '\0';
      }
    } catch (e) {
      if (e instanceof CompactedError) {
        throw q.continueToken
          ? expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.')
          : expired(`too old resource version: ${q.resourceVersion} (${e.compacted})`);
      }
      throw e;
    }
    const res: ListResult = { items, resourceVersion: String(revision ?? 0) };
    if (more && lastKey !== undefined) {
      res.continueToken = encodeContinue({ rv: revision ?? 0, start: lastKey.slice(base.length) + '\0' });
      if (remaining !== undefined && remaining > 0) res.remainingItemCount = remaining;
    }
    return res;
  }

  /**
   * Watches from the cache. `resourceVersion` unset: current state first
   * (consistent), "0": current state from the cache, N: events after N.
   */
  async watch(namespace: string, filter: ObjectFilter, sink: WatchSink,
    opts: { resourceVersion?: string; sendInitialEvents?: boolean; onInitialDone?: (rev: number) => void }): Promise<CacheWatcher> {
    const cache = this.cache.resource(this.prefix);
    if (!cache) throw internalError(new Error(`no watch cache for ${this.prefix}`));
    const rv = opts.resourceVersion;
    let from: number | undefined;
    if (rv === undefined || rv === '') {
      await this.cache.waitUntilFresh(await this.store.currentRevision());
    } else if (rv !== '0') {
      from = parseResourceVersion(rv);
      await this.cache.waitUntilFresh(from);
      if (opts.sendInitialEvents) from = undefined;
    }
    return cache.watch(this.keyPrefix(namespace), filter, sink, from, opts.onInitialDone);
  }

  private prepareNewMeta(obj: WithMeta, namespace: string): void {
    const m = obj.metadata;
    if (this.def.namespaced) {
      if (m.namespace && namespace && m.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m.namespace = namespace || m.namespace;
    } else {
      delete m.namespace;
    }
    // Upstream's storage refuses a resourceVersion that parses as a revision, and ignores any other.
    // It answers with a 500; it is the client's mistake, so a 400 here.
    if (typeof m.resourceVersion === 'string' && /^\d+$/.test(m.resourceVersion) && Number(m.resourceVersion) !== 0) {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    delete m.resourceVersion;
    if (!m.name && m.generateName) m.name = m.generateName + randomSuffix();
    m.uid = randomUUID();
    m.creationTimestamp = nowRfc3339Seconds();
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete (m as { selfLink?: string }).selfLink;
    if (this.strategy.tracksGeneration) m.generation = 1; else delete m.generation;
    obj.apiVersion = this.typeMeta.apiVersion;
    obj.kind = this.typeMeta.kind;
  }

  private validateOrThrow(obj: WithMeta, errs: FieldError[]): void {
    if (errs.length) throw invalid(this.subject(obj.metadata.name), errs);
  }

  async create(namespace: string, input: WithMeta, opts: WriteOptions = {}): Promise<WithMeta> {
    const obj = input;
    obj.metadata ??= {};
    this.prepareNewMeta(obj, namespace);
    this.strategy.defaults?.(obj);
    this.hooks.admitCreate?.(obj);
    this.strategy.prepareForCreate?.(obj);
    opts.track?.(obj, undefined);
    const errs = validateObjectMeta(obj.metadata, { namespaced: this.def.namespaced, nameRule: this.strategy.nameRule ?? 'dns1123Subdomain' }, FieldPath.root('metadata'));
    if (!errs.some((e) => e.field === 'metadata.name' || e.field === 'metadata.namespace')) errs.push(...this.strategy.validate(obj));
    this.validateOrThrow(obj, errs);
    await this.hooks.checkCreate?.(obj);
    if (opts.dryRun) {
      if (await this.store.get(this.keyFor(obj.metadata.namespace ?? '', obj.metadata.name!))) {
        throw alreadyExists(this.subject(obj.metadata.name));
      }
      return obj;
    }
    const undo = await this.hooks.beforeCreate?.(obj);
    try {
      const kv = await this.store.create(this.keyFor(obj.metadata.namespace ?? '', obj.metadata.name!), encodeStored(obj));
      obj.metadata.resourceVersion = String(kv.modRevision);
      return obj;
    } catch (e) {
      if (undo) await undo().catch(() => undefined);
      if (e instanceof KeyExistsError) throw alreadyExists(this.subject(obj.metadata.name));
      throw e;
    }
  }

  /**
   * Reads the current object, lets tryUpdate produce the new one, and writes it
   * with compare-and-swap, retrying from the current state on a conflict. A
   * resourceVersion that tryUpdate returns is a precondition: 409 unless it is
   * the current object's.
   */
  async guaranteedUpdate(namespace: string, name: string, tryUpdate: TryUpdate, opts: UpdateOptions = {}): Promise<{ object: WithMeta; created: boolean }> {
    const key = this.keyFor(namespace, name);
    // The first attempt starts from the watch cache's copy, as upstream's cachedExistingObject:
    // the compare-and-swap below proves it current. Whatever that copy alone decides (a
    // conflict, an error, nothing to write) is decided again from the store.
    let cached = opts.dryRun ? undefined : this.cache.resource(this.prefix)?.objects.get(key);
    for (let attempt = 0; ; attempt++) {
      let old: WithMeta;
      let modRevision: number;
      const fromCache = cached !== undefined;
      if (cached) {
        old = deepClone(cached);
        modRevision = Number(cached.metadata.resourceVersion);
        cached = undefined;
      } else {
        const kv = await this.store.get(key);
        if (!kv) {
          if (opts.allowCreate) {
            const created = await tryUpdate(undefined as unknown as WithMeta);
            return { object: await this.create(namespace, created, opts), created: true };
          }
          throw notFound(this.subject(name));
        }
        old = decodeStored(kv.value, kv.modRevision, this.typeMeta);
        modRevision = kv.modRevision;
      }
      let obj: WithMeta;
      try {
        const next = await tryUpdate(deepClone(old));
        next.metadata ??= {};
        const pinned = next.metadata.resourceVersion;
        if (pinned && pinned !== old.metadata.resourceVersion) throw conflict(this.subject(name));
        if (next.metadata.name !== undefined && next.metadata.name !== name) {
          throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
        }
        if (this.def.namespaced && next.metadata.namespace && next.metadata.namespace !== namespace) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        obj = this.prepareUpdate(next, old, opts.subresource ?? '', opts.track);
      } catch (e) {
        if (fromCache) continue;
        throw e;
      }
      const sameBytes = deepEqual(obj, old);
      if (sameBytes) {
        if (fromCache) continue;
        return { object: old, created: false };
      }
      if (opts.dryRun) return { object: obj, created: false };

      // The last finalizer removed from an object being deleted: it goes now.
      if (old.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length) && !(this.strategy.deletionBlockers?.(obj).length)) {
        try {
          await this.store.delete(key, modRevision);
          await this.hooks.afterDelete?.(obj);
          return { object: obj, created: false };
        } catch (e) {
          if (e instanceof ConflictError && attempt < 100) continue;
          // Deleted by another request meanwhile, as in the write below.
          if (e instanceof KeyNotFoundError && fromCache) continue;
          if (e instanceof KeyNotFoundError) throw notFound(this.subject(name));
          throw e;
        }
      }
      const undo = await this.hooks.beforeUpdate?.(obj, old);
      try {
        const written = await this.store.update(key, encodeStored(obj), modRevision);
        obj.metadata.resourceVersion = String(written.modRevision);
        return { object: obj, created: false };
      } catch (e) {
        if (undo) await undo().catch(() => undefined);
        // The next attempt reads the current state; a resourceVersion the client pinned fails there.
        if (e instanceof ConflictError && attempt < 100) continue;
        // Gone from the store while the cache still held it: the store decides (create or 404).
        if (e instanceof KeyNotFoundError && fromCache) continue;
        if (e instanceof KeyNotFoundError) throw notFound(this.subject(name));
        throw e;
      }
    }
  }

  private prepareUpdate(obj: WithMeta, old: WithMeta, subresource: string, track?: WriteOptions['track']): WithMeta {
    const m = obj.metadata;
    const om = old.metadata;
    m.name = om.name;
    if (this.def.namespaced) m.namespace = om.namespace; else delete m.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp; else delete m.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (om.generation !== undefined) m.generation = om.generation; else delete m.generation;
    m.resourceVersion = om.resourceVersion;
    delete (m as { selfLink?: string }).selfLink;
    obj.apiVersion = this.typeMeta.apiVersion;
    obj.kind = this.typeMeta.kind;

    const errs: FieldError[] = [];
    const partial = subresource === 'status' ? this.strategy.status : this.strategy.subresources?.[subresource];
    if (subresource !== '' && subresource !== 'status' && !partial) {
      // A system subresource (binding): its handler made the one change it allows.
      track?.(obj, old);
    } else if (partial) {
      partial.prepareForUpdate(obj, old);
      this.strategy.defaults?.(obj);
      track?.(obj, old);
      errs.push(...(partial.validateUpdate?.(obj, old) ?? []));
    } else {
      this.hooks.mutateUpdate?.(obj, old);
      this.strategy.prepareForUpdate?.(obj, old);
      this.strategy.defaults?.(obj);
      track?.(obj, old);
      errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata, FieldPath.root('metadata')));
      errs.push(...validateObjectMeta(obj.metadata, { namespaced: this.def.namespaced, nameRule: this.strategy.nameRule ?? 'dns1123Subdomain' }, FieldPath.root('metadata')));
      errs.push(...this.strategy.validate(obj));
      errs.push(...(this.strategy.validateUpdate?.(obj, old) ?? []));
      if (this.strategy.tracksGeneration && specChanged(obj, old)) {
        m.generation = (om.generation ?? 0) + 1;
      }
    }
    this.validateOrThrow(obj, errs);
    return obj;
  }

  async delete(namespace: string, name: string, opts: Omit<DeleteOptions, 'dryRun'> & WriteOptions = {}): Promise<DeleteResult> {
    const key = this.keyFor(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) throw notFound(this.subject(name));
      const obj = decodeStored(kv.value, kv.modRevision, this.typeMeta);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw conflict(this.subject(name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
        throw conflict(this.subject(name), `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`);
      }
      const plan = this.pendingDeletion(obj, opts);
      if (plan.kind === 'unchanged') return { object: obj, deleted: false };
      if (plan.kind === 'mark') {
        const pending = plan.object;
        if (opts.dryRun) return { object: pending, deleted: false };
        try {
          const w = await this.store.update(key, encodeStored(pending), kv.modRevision);
          pending.metadata.resourceVersion = String(w.modRevision);
          return { object: pending, deleted: false };
        } catch (e) {
          if (e instanceof ConflictError && attempt < 100) continue;
          // Deleted by another request since it was read.
          if (e instanceof KeyNotFoundError) throw notFound(this.subject(name));
          throw e;
        }
      }
      if (opts.dryRun) return { object: obj, deleted: true };
      try {
        const gone = await this.store.delete(key, kv.modRevision);
        obj.metadata.resourceVersion = String(gone.modRevision);
      } catch (e) {
        if (e instanceof ConflictError && attempt < 100) continue;
        if (e instanceof KeyNotFoundError) throw notFound(this.subject(name));
        throw e;
      }
      await this.hooks.afterDelete?.(obj);
      return { object: obj, deleted: true };
    }
  }

  /**
   * Whether the object goes now, or is marked for deletion because it waits on
   * finalizers (a namespace also on spec.finalizers) or on a pod's grace period.
   */
  private pendingDeletion(obj: WithMeta, opts: Omit<DeleteOptions, 'dryRun'>):
    { kind: 'now' } | { kind: 'unchanged' } | { kind: 'mark'; object: WithMeta } {
    const m = obj.metadata;
    const finalizers = gcFinalizers(m.finalizers ?? [], opts);
    const changedFinalizers = finalizers.join('\0') !== (m.finalizers ?? []).join('\0');
    const waiting = finalizers.length > 0 || (this.strategy.deletionBlockers?.(obj).length ?? 0) > 0;
    const grace = Math.max(0, this.strategy.deletionGracePeriod?.(obj, opts.gracePeriodSeconds ?? undefined) ?? 0);
    if (!waiting && grace === 0) return { kind: 'now' };
    const next = deepClone(obj);
    if (finalizers.length) next.metadata.finalizers = finalizers; else delete next.metadata.finalizers;
    if (m.deletionTimestamp) {
      const shorter = !waiting && grace < (m.deletionGracePeriodSeconds ?? Infinity);
      if (!shorter) return changedFinalizers ? { kind: 'mark', object: next } : { kind: 'unchanged' };
    }
    // A grace period can run past the last second RFC 3339 writes (year 9999): the deletion then waits until then.
    next.metadata.deletionTimestamp = rfc3339Seconds(Math.min(Date.now() + grace * 1000, LAST_RFC3339_MS));
    next.metadata.deletionGracePeriodSeconds = grace;
    this.strategy.prepareForDeletion?.(next);
    return { kind: 'mark', object: next };
  }

}

const LAST_RFC3339_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/**
 * The garbage collector's finalizers a delete asks for (upstream's
 * deletionFinalizersForGarbageCollection): Orphan (or orphanDependents) adds
 * `orphan`, Foreground adds `foregroundDeletion`, each removing the other;
 * Background removes `orphan`. Without a policy the existing ones stay.
 */
export function gcFinalizers(current: string[], opts: Omit<DeleteOptions, 'dryRun'>): string[] {
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
  if (policy === undefined) return current;
  const out = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === 'Foreground') {
    out.push(FOREGROUND_FINALIZER);
  } else if (policy === 'Orphan') {
    out.push(ORPHAN_FINALIZER);
  } else if (current.includes(FOREGROUND_FINALIZER)) {
    // Background does not cancel a foreground deletion in progress.
    out.push(FOREGROUND_FINALIZER);
  }
  return out;
}

function specChanged(obj: WithMeta, old: WithMeta): boolean {
  const strip = (o: WithMeta): Record<string, unknown> => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return !deepEqual(strip(obj), strip(old));
}

export function parseResourceVersion(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) {
    throw new StatusError(400, 'BadRequest', `invalid resource version: ${rv}`);
  }
  return n;
}
