/**
 * The watch cache: one store watch over the whole registry feeds, per
 * resource, an in-memory copy of the current objects and a bounded window of
 * recent events. Lists at "any" revision and every watch are served from here;
 * each event is decoded once and serialized once per output form, then fanned
 * out to every watcher that matches.
 *
 * Contract:
 * - `processedRevision` is the newest store revision whose events have been
 *   applied; `waitUntilFresh(rev)` resolves once it reaches rev.
 * - A watch from revision N gets every matching event with revision > N, in
 *   order, exactly once, or a 410 Expired when N is older than the window.
 * - A watcher that cannot keep up (its sink reports too much buffered) is
 *   closed; it never makes memory grow without bound.
 * - Cached objects are shared by every reader and deeply frozen: a reader
 *   that wants to change one clones it first.
 */
import type { Store, WatchEvent, Watcher as StoreWatcher } from '../../storage/store.js';
import type { WithMeta } from '../../api/object.js';
import { resourceVersionTooOld, timeout } from '../../api/errors.js';
import { deepFreeze } from '../../api/object.js';
import { decodeStored, type TypeMeta } from './stored-object.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CachedEvent {
  type: WatchEventType;
  revision: number;
  key: string;
  object: WithMeta;
  prevObject?: WithMeta;
  /** Serialized forms, by the watcher's encoding id. */
  encoded?: Map<string, Buffer>;
}

/** Decides whether an object is visible to a watcher (namespace, label and field selectors). */
export type ObjectFilter = (obj: WithMeta) => boolean;

/** The filter of a watcher without selectors: the cache skips calling it. */
export const MATCH_ALL: ObjectFilter = () => true;

export interface WatchSink {
  /** An id shared by watchers that serialize identically, so each event is encoded once per id. */
  readonly encodingId: string;
  encode(type: WatchEventType | 'BOOKMARK', obj: WithMeta): Buffer;
  /** Writes already-serialized events; returns the bytes still buffered by the transport. */
  write(chunks: Buffer[]): number;
  /** Ends the stream (when the cache drops the watcher). */
  close(reason: string): void;
}

export interface CacheWatcher {
  stop(): void;
}

export interface WatchCacheOptions {
  /** Events kept per resource for watches that resume from a revision. @default 10000 */
  eventWindow?: number;
  /** A watcher with more than this many bytes buffered is closed. @default 16 MiB */
  maxBufferedBytes?: number;
  /** How long a read waits for the cache to reach a revision before 504. @default 3000 */
  freshnessTimeoutMs?: number;
}

interface Registered {
  filter: ObjectFilter;
  sink: WatchSink;
  keyPrefix: string;
  stopped: boolean;
  /** Serialized events waiting for the next flush (watchers with a filter). */
  pending: Buffer[];
  /** Unfiltered watchers share their group's pending events. */
  group?: Group;
  /** Events of the group's pending list that predate this watcher (it joined mid-window). */
  skip: number;
}

/**
 * Unfiltered watchers of one key prefix and encoding: each event is encoded
 * once for all of them, and each window's events are joined into one buffer
 * that every member writes.
 */
interface Group {
  /** Its key in ResourceCache.groups. */
  readonly id: string;
  readonly keyPrefix: string;
  /** A member's sink, used to encode (unfiltered encodings do not depend on the watcher). */
  sink: WatchSink;
  readonly members: Set<Registered>;
  pending: Buffer[];
}

/** Past this many watchers on one resource, writes are coalesced over a short window. */
const COALESCE_WATCHERS = 64;

/**
 * The window: one socket write per watcher per window instead of one per
 * store batch. It grows with the watcher count so that the number of socket
 * writes per second stays near 20 000 (1000 watchers: 50 ms).
 */
function coalesceMs(watchers: number): number {
  return Math.min(50, Math.max(5, Math.round(watchers / 20)));
}

/** A resource the cache follows: its storage prefix and, to repair rows stored without them, its type. */
export interface StoredResource {
  prefix: string;
  typeMeta?: TypeMeta;
}

/** Cached state and event window of one resource (one storage prefix). */
export class ResourceCache {
  readonly objects = new Map<string, WithMeta>();
  private readonly events: CachedEvent[] = [];
  private head = 0;
  /** Watches from any revision >= this are servable. */
  oldestRevision: number;
  private readonly watchers = new Set<Registered>();
  /** Watchers with selectors (or a name): each event is checked and queued per watcher. */
  private readonly filtered = new Set<Registered>();
  /** Watchers without: by encoding and key prefix. */
  private readonly groups = new Map<string, Group>();

  constructor(readonly prefix: string, startRevision: number, private readonly owner: WatchCache, readonly typeMeta?: TypeMeta) {
    this.oldestRevision = startRevision;
  }

  /** Current objects under keyPrefix, sorted by key. */
  snapshot(keyPrefix: string, filter?: ObjectFilter): WithMeta[] {
    const out: [string, WithMeta][] = [];
    for (const [k, o] of this.objects) {
      if (k.startsWith(keyPrefix) && (!filter || filter(o))) out.push([k, o]);
    }
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return out.map((e) => e[1]);
  }

  private readonly listeners = new Set<(ev: CachedEvent) => void>();

  /** Calls fn with each event of this resource as it is applied (in-process controllers of the server). */
  subscribe(fn: (ev: CachedEvent) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  /** @internal */
  apply(ev: CachedEvent, window: number): void {
    if (ev.type === 'DELETED') this.objects.delete(ev.key);
    else this.objects.set(ev.key, ev.object);
    this.events.push(ev);
    if (this.events.length - this.head > window) {
      this.oldestRevision = this.events[this.head].revision;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.events.length) {
        this.events.splice(0, this.head);
        this.head = 0;
      }
    }
    for (const fn of this.listeners) fn(ev);
  }

  private flushScheduled = false;
  private maxBuffered = Infinity;

  /**
   * @internal Queues a batch of this resource's events for its watchers.
   * With few watchers they are written as soon as the batches arriving
   * together are in; with many, writes gather for a few milliseconds so that
   * each watcher gets one write per window.
   */
  dispatch(batch: CachedEvent[], maxBuffered: number): void {
    this.maxBuffered = maxBuffered;
    let any = false;
    for (const ev of batch) {
      for (const g of this.groups.values()) {
        if (!ev.key.startsWith(g.keyPrefix)) continue;
        g.pending.push(encodeMemo(ev, g.sink, ev.type, ev.object));
        any = true;
      }
      for (const w of this.filtered) {
        if (w.stopped) continue;
        const out = eventFor(w, ev);
        if (!out) continue;
        w.pending.push(encodeMemo(ev, w.sink, out.type, out.object));
        any = true;
      }
    }
    if (!any || this.flushScheduled) return;
    this.flushScheduled = true;
    // Few watchers: written once the batches that arrived together are all
    // in (one socket write each, not one per store commit). Many: a window.
    if (this.watchers.size < COALESCE_WATCHERS) setImmediate(() => { this.flushScheduled = false; this.flush(); });
    else setTimeout(() => { this.flushScheduled = false; this.flush(); }, coalesceMs(this.watchers.size));
  }

  /** Writes every watcher's pending events; drops the ones too far behind. */
  private flush(): void {
    const slow: Registered[] = [];
    for (const g of this.groups.values()) {
      if (g.pending.length === 0) continue;
      const all = g.pending.length === 1 ? g.pending[0] : Buffer.concat(g.pending);
      for (const w of g.members) {
        const chunk = w.skip === 0 ? all : w.skip < g.pending.length ? Buffer.concat(g.pending.slice(w.skip)) : undefined;
        w.skip = 0;
        if (chunk && w.sink.write([chunk]) > this.maxBuffered) slow.push(w);
      }
      g.pending = [];
    }
    for (const w of this.filtered) {
      if (w.stopped || w.pending.length === 0) continue;
      const chunks = w.pending;
      w.pending = [];
      if (w.sink.write(chunks) > this.maxBuffered) slow.push(w);
    }
    for (const w of slow) this.drop(w, 'watcher too slow: too much data buffered');
  }

  /** @internal Writes pending events now (before a bookmark, so it is not ahead of them). */
  flushNow(): void { this.flush(); }

  /**
   * Registers a watcher. With `fromRevision` undefined the watcher first gets
   * ADDED events for the current matching objects; otherwise every event after
   * fromRevision from the window.
   */
  watch(keyPrefix: string, filter: ObjectFilter, sink: WatchSink, fromRevision: number | undefined,
    onInitialDone?: (revision: number) => void): CacheWatcher {
    if (fromRevision !== undefined && fromRevision < this.oldestRevision) {
      throw resourceVersionTooOld(fromRevision, this.oldestRevision);
    }
    const w: Registered = { filter, sink, keyPrefix, stopped: false, pending: [], skip: 0 };
    const chunks: Buffer[] = [];
    if (fromRevision === undefined) {
      for (const o of this.snapshot(keyPrefix, filter)) chunks.push(sink.encode('ADDED', o));
    } else {
      for (let i = this.head; i < this.events.length; i++) {
        const ev = this.events[i];
        if (ev.revision <= fromRevision) continue;
        const out = eventFor(w, ev);
        if (out) chunks.push(encodeMemo(ev, sink, out.type, out.object));
      }
    }
    if (chunks.length) sink.write(chunks);
    onInitialDone?.(this.owner.processedRevision);
    this.register(w);
    return { stop: () => this.unregister(w) };
  }

  private register(w: Registered): void {
    this.watchers.add(w);
    if (w.filter !== MATCH_ALL) { this.filtered.add(w); return; }
    const id = `${w.sink.encodingId}\0${w.keyPrefix}`;
    let g = this.groups.get(id);
    if (!g) { g = { id, keyPrefix: w.keyPrefix, sink: w.sink, members: new Set(), pending: [] }; this.groups.set(id, g); }
    w.group = g;
    w.skip = g.pending.length;
    g.members.add(w);
  }

  private unregister(w: Registered): void {
    if (w.stopped) return;
    w.stopped = true;
    this.watchers.delete(w);
    this.filtered.delete(w);
    const g = w.group;
    if (!g) return;
    g.members.delete(w);
    if (g.members.size === 0) { if (this.groups.get(g.id) === g) this.groups.delete(g.id); }
    else if (g.sink === w.sink) g.sink = g.members.values().next().value!.sink;
  }

  /** Closes every watcher (they relist), e.g. when the cache restarts. */
  closeAll(reason: string): void {
    for (const w of [...this.watchers]) this.drop(w, reason);
  }

  private drop(w: Registered, reason: string): void {
    this.unregister(w);
    w.sink.close(reason);
  }
}

function eventFor(w: Registered, ev: CachedEvent): { type: WatchEventType; object: WithMeta } | undefined {
  if (!ev.key.startsWith(w.keyPrefix)) return undefined;
  if (ev.type === 'DELETED') return w.filter(ev.object) ? { type: 'DELETED', object: ev.object } : undefined;
  const cur = w.filter(ev.object);
  const prev = ev.prevObject ? w.filter(ev.prevObject) : false;
  if (cur && prev) return { type: 'MODIFIED', object: ev.object };
  if (cur) return { type: 'ADDED', object: ev.object };
  if (prev && ev.prevObject) {
    // The object stopped matching: the watcher sees it deleted, at the new revision.
    const gone = { ...ev.prevObject, metadata: { ...ev.prevObject.metadata, resourceVersion: String(ev.revision) } };
    return { type: 'DELETED', object: gone };
  }
  return undefined;
}

function encodeMemo(ev: CachedEvent, sink: WatchSink, type: WatchEventType, obj: WithMeta): Buffer {
  if (obj !== ev.object) return sink.encode(type, obj);
  const id = `${sink.encodingId}|${type}`;
  ev.encoded ??= new Map();
  let b = ev.encoded.get(id);
  if (!b) { b = sink.encode(type, obj); ev.encoded.set(id, b); }
  return b;
}

/** All resource caches, fed by one store watch over the registry. */
export class WatchCache {
  private readonly caches = new Map<string, ResourceCache>();
  processedRevision = 0;
  private storeWatcher?: StoreWatcher;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private readonly opts: Required<WatchCacheOptions>;
  private stopped = false;

  constructor(private readonly store: Store, private readonly rootPrefix: string, opts: WatchCacheOptions = {}) {
    this.opts = {
      eventWindow: opts.eventWindow ?? 10000,
      maxBufferedBytes: opts.maxBufferedBytes ?? 16 * 1024 * 1024,
      freshnessTimeoutMs: opts.freshnessTimeoutMs ?? 3000,
    };
  }

  /** Loads the given resources (a bare string is a prefix) and starts following the store. */
  async start(resources: readonly (string | StoredResource)[]): Promise<void> {
    const rev = await this.store.currentRevision();
    this.processedRevision = rev;
    for (const r of resources) await this.load(typeof r === 'string' ? { prefix: r } : r, rev);
    this.follow(rev);
  }

  /** Adds a resource after start (e.g. a CRD); its objects are loaded at the processed revision. */
  async addResource(prefix: string, typeMeta?: TypeMeta): Promise<ResourceCache> {
    const existing = this.caches.get(prefix);
    if (existing) return existing;
    // Pause-free: events for this prefix that arrive while loading are ignored
    // until the cache exists, so load at a revision and replay from the store.
    return this.load({ prefix, typeMeta }, this.processedRevision);
  }

  resource(prefix: string): ResourceCache | undefined {
    return this.caches.get(prefix);
  }

  /** Resolves when every event up to rev has been applied; 504 after the freshness timeout. */
  waitUntilFresh(rev: number): Promise<void> {
    if (this.processedRevision >= rev) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { rev, resolve: () => { clearTimeout(t); resolve(); } };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(timeout(`Too large resource version: ${rev}, current: ${this.processedRevision}`));
      }, this.opts.freshnessTimeoutMs);
      this.waiters.push(w);
    });
  }

  stop(): void {
    this.stopped = true;
    this.storeWatcher?.stop();
    for (const c of this.caches.values()) c.closeAll('server shutting down');
  }

  private async load(r: StoredResource, rev: number): Promise<ResourceCache> {
    const { prefix, typeMeta } = r;
    const cache = new ResourceCache(prefix, rev, this, typeMeta);
    let startKey: string | undefined;
    for (;;) {
      const page = await this.store.list(prefix, { revision: rev, limit: 5000, startKey });
      for (const kv of page.items) cache.objects.set(kv.key, deepFreeze(decodeStored(kv.value, kv.modRevision, typeMeta)));
      if (!page.more || page.items.length === 0) break;
      startKey = page.items[page.items.length - 1].key + '\0';
    }
    this.caches.set(prefix, cache);
    return cache;
  }

  private follow(fromRevision: number): void {
    this.storeWatcher = this.store.watch(this.rootPrefix, fromRevision, {
      onEvents: (events) => this.onEvents(events),
      onError: (err) => { void this.restart(err); },
    });
  }

  private cacheFor(key: string): ResourceCache | undefined {
    const parts = key.split('/');
    // ['', 'registry', a, b, ...]
    return this.caches.get(`/${parts[1]}/${parts[2]}/`) ?? this.caches.get(`/${parts[1]}/${parts[2]}/${parts[3]}/`);
  }

  private onEvents(events: WatchEvent[]): void {
    const byCache = new Map<ResourceCache, CachedEvent[]>();
    for (const e of events) {
      if (e.revision <= this.processedRevision) continue;
      this.processedRevision = e.revision;
      const cache = this.cacheFor(e.kv.key);
      if (!cache) continue;
      const ce = toCachedEvent(e, cache.objects.get(e.kv.key), cache.typeMeta);
      cache.apply(ce, this.opts.eventWindow);
      let list = byCache.get(cache);
      if (!list) { list = []; byCache.set(cache, list); }
      list.push(ce);
    }
    for (const [cache, batch] of byCache) cache.dispatch(batch, this.opts.maxBufferedBytes);
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.rev <= this.processedRevision);
      this.waiters = this.waiters.filter((w) => w.rev > this.processedRevision);
      for (const w of ready) w.resolve();
    }
  }

  /** The store watch failed (e.g. compacted past us): reload everything; watchers relist. */
  private async restart(err: Error): Promise<void> {
    if (this.stopped) return;
    const resources = [...this.caches.values()].map((c) => ({ prefix: c.prefix, typeMeta: c.typeMeta }));
    for (const c of this.caches.values()) c.closeAll(`watch cache restarting: ${err.message}`);
    this.caches.clear();
    await this.start(resources);
  }
}

/**
 * The cache's event for a store event. `cached` is the object the cache holds
 * for the key (its state before this event): it stands in for prevKv, so only
 * the new value is decoded.
 */
function toCachedEvent(e: WatchEvent, cached: WithMeta | undefined, typeMeta: TypeMeta | undefined): CachedEvent {
  if (e.type === 'delete') {
    const obj = cached
      ? { ...cached, metadata: { ...cached.metadata, resourceVersion: String(e.revision) } }
      : decodeStored((e.prevKv ?? e.kv).value, e.revision, typeMeta);
    return { type: 'DELETED', revision: e.revision, key: e.kv.key, object: deepFreeze(obj) };
  }
  const obj = deepFreeze(decodeStored(e.kv.value, e.revision, typeMeta));
  const prev = e.prevKv ? cached ?? deepFreeze(decodeStored(e.prevKv.value, e.prevKv.modRevision, typeMeta)) : undefined;
  return { type: e.prevKv ? 'MODIFIED' : 'ADDED', revision: e.revision, key: e.kv.key, object: obj, prevObject: prev };
}
