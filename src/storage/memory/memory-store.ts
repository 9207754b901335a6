import {
  CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, StoreError,
  type KeyValue, type ListOptions, type ListResult, type Store, type WatchEvent,
  type WatchListener, type Watcher,
} from '../store.js';
import { checkReadRevision } from '../read-revision.js';
import { WatchHub, type WatchHubOptions } from '../watch-hub.js';

/** One write to a key; `value` undefined marks a deletion. */
interface Version {
  revision: number;
  createRevision: number;
  value: Uint8Array | undefined;
}

/**
 * A Store held in process memory, for tests. It keeps the same history,
 * compaction and watch semantics as SqliteStore: compact(R) keeps, per key, the
 * newest version at or below R (dropped too when it is a deletion) and every
 * later one; watch history is every event above the compacted revision.
 */
export class MemoryStore implements Store {
  #revision = 0;
  #compacted = 0;
  #closed = false;
  /** Versions of every key, oldest first. */
  readonly #history = new Map<string, Version[]>();
  /** Every event with revision > #compacted, in revision order. */
  #log: WatchEvent[] = [];
  readonly #hub: WatchHub;

  constructor(opts: WatchHubOptions = {}) {
    this.#hub = new WatchHub({
      readEvents: (prefix, after, limit) => this.#readEvents(prefix, after, limit),
      currentRevision: () => this.#revision,
      compactedRevision: () => this.#compacted,
    }, opts);
  }

  async currentRevision(): Promise<number> {
    this.#open();
    return this.#revision;
  }

  async compactedRevision(): Promise<number> {
    this.#open();
    return this.#compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#open();
    return this.#at(key, this.#revision);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.#open();
    const revision = checkReadRevision(opts.revision, this.#revision, this.#compacted);
    const from = opts.startKey !== undefined && compareKeys(opts.startKey, prefix) > 0 ? opts.startKey : prefix;
    const all = [...this.#history.keys()]
      .filter((k) => k.startsWith(prefix) && compareKeys(k, from) >= 0)
      .sort(compareKeys)
      .map((k) => this.#at(k, revision))
      .filter((kv): kv is KeyValue => kv !== undefined);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : all.length;
    const items = all.slice(0, limit);
    const more = all.length > items.length;
    return { items, revision, more, remaining: all.length - items.length };
  }

  async count(prefix: string): Promise<number> {
    this.#open();
    let n = 0;
    for (const k of this.#history.keys()) {
      if (k.startsWith(prefix) && this.#at(k, this.#revision)) n++;
    }
    return n;
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.#open();
    const prev = this.#latest(key);
    if (prev?.value !== undefined) throw new KeyExistsError(key);
    const revision = this.#revision + 1;
    const kv: KeyValue = { key, value: value.slice(), createRevision: revision, modRevision: revision };
    this.#append(key, { revision, createRevision: revision, value: kv.value }, { type: 'put', kv, revision });
    return kv;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    this.#open();
    const prevKv = this.#current(key, expectedModRevision);
    const revision = this.#revision + 1;
    const kv: KeyValue = { key, value: value.slice(), createRevision: prevKv.createRevision, modRevision: revision };
    this.#append(key, { revision, createRevision: kv.createRevision, value: kv.value }, { type: 'put', kv, prevKv, revision });
    return kv;
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.#open();
    const prevKv = this.#current(key, expectedModRevision);
    const revision = this.#revision + 1;
    const kv: KeyValue = { ...prevKv, modRevision: revision };
    this.#append(key, { revision, createRevision: kv.createRevision, value: undefined }, { type: 'delete', kv, prevKv, revision });
    return kv;
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    this.#open();
    return this.#hub.watch(prefix, fromRevision, listener);
  }

  async compact(revision: number): Promise<void> {
    this.#open();
    const target = Math.min(revision, this.#revision);
    if (target <= this.#compacted) return;
    for (const [key, versions] of this.#history) {
      let keep = versions.findLastIndex((v) => v.revision <= target);
      if (keep < 0) continue;
      if (versions[keep]!.value === undefined) keep++;
      versions.splice(0, keep);
      if (versions.length === 0) this.#history.delete(key);
    }
    this.#log = this.#log.slice(firstAfter(this.#log, target));
    this.#compacted = target;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#hub.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreError('store is closed');
  }

  #latest(key: string): Version | undefined {
    const versions = this.#history.get(key);
    return versions?.[versions.length - 1];
  }

  /** The live key-value, checked against an expected modRevision. */
  #current(key: string, expectedModRevision: number | undefined): KeyValue {
    const kv = this.#at(key, this.#revision);
    if (!kv) throw new KeyNotFoundError(key);
    if (expectedModRevision !== undefined && kv.modRevision !== expectedModRevision) throw new ConflictError(key, kv);
    return kv;
  }

  #at(key: string, revision: number): KeyValue | undefined {
    const versions = this.#history.get(key);
    const v = versions?.findLast((x) => x.revision <= revision);
    if (!v || v.value === undefined) return undefined;
    return { key, value: v.value, createRevision: v.createRevision, modRevision: v.revision };
  }

  #append(key: string, version: Version, event: WatchEvent): void {
    const versions = this.#history.get(key);
    if (versions) versions.push(version);
    else this.#history.set(key, [version]);
    this.#revision = version.revision;
    this.#log.push(event);
    this.#hub.publish([event]);
  }

  #readEvents(prefix: string, after: number, limit: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (let i = firstAfter(this.#log, after); i < this.#log.length && out.length < limit; i++) {
      const e = this.#log[i]!;
      if (e.kv.key.startsWith(prefix)) out.push(e);
    }
    return out;
  }
}

/** Key order as SQLite's BINARY collation sorts text (UTF-8 bytes), so both backends page alike. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Index of the first event with revision > revision (events sorted by revision). */
function firstAfter(log: readonly WatchEvent[], revision: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
