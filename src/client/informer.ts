/**
 * An informer: a local cache of one resource kept current by list + watch,
 * with event handlers (client-go's Reflector + sharedIndexInformer).
 *
 * - Lists (paged, consistent), then watches from the list's resourceVersion
 *   with bookmarks; when the server ends a watch it re-watches from the last
 *   resourceVersion seen.
 * - On 410 Expired (an ERROR event or an HTTP 410) it relists and emits the
 *   difference against its cache: adds, updates (resourceVersion changed) and
 *   deletes (with the last known object, `finalStateUnknown: true`).
 * - Connection errors back off exponentially (with jitter) and re-watch.
 *
 * Objects handed to handlers and read from `store` are the cache's own.
 * Handlers and readers MUST clone before mutating (deepClone from
 * api/object); with `freeze` (or K8TS_FREEZE_CACHE=1) they are deep-frozen so
 * a mutation throws. Handlers run synchronously in event order and should
 * only enqueue keys; an exception from one is logged and ignored.
 */
import type { Logger } from '../api/log.js';
import type { ApiObject } from './api-object.js';
import { StatusError } from '../api/errors.js';
import { deepFreeze } from '../api/object.js';
import { sleep } from './clock.js';
import { onAbort } from './on-abort.js';
import { objectKey, ObjectStore, type ObjectStoreReader } from './object-store.js';
import { apiVersionOf, type ResourceDescriptor } from './resource.js';
import type { ObjectList, RestClient } from './rest-client.js';
import { statusToError } from './status-error.js';

export interface InformerEventHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** `finalStateUnknown`: the delete was inferred on relist; `obj` is the last state the cache knew. */
  onDelete?(obj: T, info: { finalStateUnknown: boolean }): void;
}

export interface InformerOptions {
  /** Watch one namespace only. @default all namespaces */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** List page size. @default 500 */
  pageSize?: number;
  /** Back-off after connection errors: initial delay, doubling up to max. @default { initialMs: 800, maxMs: 30000 } */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Deep-freeze cached objects. @default process.env.K8TS_FREEZE_CACHE === '1' */
  freeze?: boolean;
  logger?: Logger;
}

/** A watch that ends this fast with no events counts as a failure (client-go's "very short watch"). */
const SHORT_WATCH_MS = 1000;

export class Informer<T extends ApiObject = ApiObject> {
  readonly resource: ResourceDescriptor;
  private readonly cache = new ObjectStore<T>();
  private readonly handlers = new Set<InformerEventHandlers<T>>();
  private readonly abort = new AbortController();
  private readonly syncWaiters = new Set<() => void>();
  private readonly freeze: boolean;
  private running: Promise<void> | undefined;
  private synced = false;
  private rv = '';

  constructor(private readonly client: RestClient, resource: ResourceDescriptor, private readonly opts: InformerOptions = {}) {
    this.resource = resource;
    this.freeze = opts.freeze ?? process.env['K8TS_FREEZE_CACHE'] === '1';
  }

  /** The cache. Never mutate what it returns. */
  get store(): ObjectStoreReader<T> { return this.cache; }

  /** Adds an index to the cache (see ObjectStore.addIndex). Call before start(). */
  addIndex(name: string, fn: (obj: T) => string[]): void { this.cache.addIndex(name, fn); }

  /** The resourceVersion of the last list, event or bookmark seen. */
  get lastSyncResourceVersion(): string { return this.rv; }

  /**
   * Registers handlers; returns a function that removes them. Registered after
   * the first sync, the handler gets an onAdd for every cached object first.
   */
  addEventHandler(h: InformerEventHandlers<T>): () => void {
    this.handlers.add(h);
    if (this.synced && h.onAdd) for (const o of this.cache.list()) this.call(() => h.onAdd!(o));
    return () => { this.handlers.delete(h); };
  }

  onAdd(fn: (obj: T) => void): () => void { return this.addEventHandler({ onAdd: fn }); }
  onUpdate(fn: (oldObj: T, newObj: T) => void): () => void { return this.addEventHandler({ onUpdate: fn }); }
  onDelete(fn: (obj: T, info: { finalStateUnknown: boolean }) => void): () => void { return this.addEventHandler({ onDelete: fn }); }

  /** Starts list + watch in the background. Idempotent; no-op after stop(). */
  start(): void {
    if (this.running || this.abort.signal.aborted) return;
    this.running = this.run();
  }

  /** True once the first list has been stored and its events delivered. */
  hasSynced(): boolean { return this.synced; }

  /**
   * Resolves true when synced, false if stopped (or `signal` aborted) first.
   * Leaves no listener behind on `signal` once it resolves.
   */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.abort.signal.aborted || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      // The first sync and stop() call the waiter; the caller's abort takes it out.
      const waiter = (): void => { detach(); resolve(this.synced); };
      const detach = onAbort(signal, () => { this.syncWaiters.delete(waiter); resolve(false); });
      this.syncWaiters.add(waiter);
    });
  }

  /** Ends the watch and the loop; the cache stays readable. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.releaseSyncWaiters();
    await this.running;
  }

  private get log(): Logger | undefined { return this.opts.logger; }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const initialMs = this.opts.backoff?.initialMs ?? 800;
    const maxMs = this.opts.backoff?.maxMs ?? 30_000;
    let needList = true;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.listAndReplace();
          needList = false;
        }
        const started = Date.now();
        const events = await this.watchOnce();
        if (signal.aborted) break;
        if (events === 0 && Date.now() - started < SHORT_WATCH_MS) throw new Error('very short watch: the server ended it at once with no events');
        failures = 0;
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof StatusError && e.code === 410) {
          this.log?.info({ resource: this.resource.resource, resourceVersion: this.rv, msg410: e.message }, 'watch expired; relisting');
          needList = true;
          failures = 0;
          continue;
        }
        failures++;
        const delay = Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30)) * (1 + Math.random());
        this.log?.warn({ resource: this.resource.resource, err: errText(e), retryInMs: Math.round(delay), needList }, 'list/watch failed; retrying');
        await sleep(Math.min(delay, maxMs), { signal });
      }
    }
  }

  private async listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const base = { namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
    const items: T[] = [];
    let cont: string | undefined;
    for (;;) {
      let page: ObjectList<T>;
      try {
        page = await this.client.list<T>(this.resource, { ...base, limit: this.opts.pageSize ?? 500, continue: cont });
      } catch (e) {
        // An expired continue token: fall back to one unpaged list.
        if (!(cont && e instanceof StatusError && e.code === 410)) throw e;
        page = await this.client.list<T>(this.resource, base);
        items.length = 0;
        cont = undefined;
      }
      const kind = page.kind?.replace(/List$/, '');
      for (const it of page.items) {
        it.apiVersion ??= page.apiVersion ?? apiVersionOf(this.resource);
        if (kind) it.kind ??= kind;
        items.push(it);
      }
      if (!page.metadata.continue) return { items, resourceVersion: page.metadata.resourceVersion ?? '' };
      cont = page.metadata.continue;
    }
  }

  /** Client-go's Replace: the cache becomes the list; handlers see the difference. */
  private async listAndReplace(): Promise<void> {
    const { items, resourceVersion } = await this.listAll();
    if (this.abort.signal.aborted) return;
    const seen = new Set<string>();
    for (const raw of items) {
      const obj = this.own(raw);
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.set(obj);
      if (!old) this.emitAdd(obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emitUpdate(old, obj);
    }
    for (const key of this.cache.listKeys()) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key)!;
      this.emitDelete(old, true);
    }
    this.rv = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      this.releaseSyncWaiters();
    }
  }

  /** One watch from this.rv until the server ends it; returns the number of events. */
  private async watchOnce(): Promise<number> {
    const stream = await this.client.watch<T>(this.resource, {
      namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector,
      resourceVersion: this.rv, allowWatchBookmarks: true, signal: this.abort.signal,
    });
    let n = 0;
    for await (const ev of stream) {
      n++;
      if (ev.type === 'ERROR') throw statusToError(ev.object);
      const rv = ev.object.metadata?.resourceVersion;
      if (ev.type === 'BOOKMARK') {
        if (rv) this.rv = rv;
        continue;
      }
      const obj = this.own(ev.object);
      const key = objectKey(obj);
      if (ev.type === 'DELETED') {
        // The event carries the object's final state; the cache entry goes.
        this.cache.delete(key);
        this.emitDelete(obj, false);
      } else {
        const old = this.cache.set(obj);
        if (old) this.emitUpdate(old, obj); else this.emitAdd(obj);
      }
      if (rv) this.rv = rv;
    }
    return n;
  }

  private releaseSyncWaiters(): void {
    const waiters = [...this.syncWaiters];
    this.syncWaiters.clear();
    for (const w of waiters) w();
  }

  private own(obj: T): T {
    return this.freeze ? deepFreeze(obj) : obj;
  }

  private emitAdd(obj: T): void {
    for (const h of this.handlers) if (h.onAdd) this.call(() => h.onAdd!(obj));
  }

  private emitUpdate(old: T, obj: T): void {
    for (const h of this.handlers) if (h.onUpdate) this.call(() => h.onUpdate!(old, obj));
  }

  private emitDelete(obj: T, finalStateUnknown: boolean): void {
    for (const h of this.handlers) if (h.onDelete) this.call(() => h.onDelete!(obj, { finalStateUnknown }));
  }

  private call(fn: () => void): void {
    try { fn(); } catch (e) {
      this.log?.error({ resource: this.resource.resource, err: errText(e) }, 'informer event handler threw');
    }
  }
}


function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
