/**
 * The Store contract (ARCHITECTURE.md, "Storage contract"): a key-value store
 * with one global, monotonically increasing revision, as etcd v3 has.
 *
 * - Every successful write (create, update, delete) takes the next revision; a
 *   key's `modRevision` is the revision of its last write and becomes the
 *   object's `metadata.resourceVersion`.
 * - update and delete are compare-and-swap on `modRevision`; each maps onto one
 *   etcd Txn (`If(mod_revision(key) = N).Then(put|delete).Else(get)`), and
 *   create onto `If(create_revision(key) = 0).Then(put)`.
 * - list reads a consistent snapshot at one revision and pages by key.
 * - watch delivers every change after a revision, in revision order, exactly
 *   once; a revision older than the retained history fails with CompactedError.
 * - A write that resolved has been made durable (it survives kill -9).
 *
 * Keys are opaque strings; the API server uses `/registry/<resource>/<ns>/<name>`.
 * Values are opaque bytes (the API server stores JSON).
 */

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision at which this key was created (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
}

export type WatchEventType = 'put' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For put: the new key-value. For delete: the key with its last value, modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event; absent for the put that created the key. */
  prevKv?: KeyValue;
  /** Revision of this event (equal to kv.modRevision). */
  revision: number;
}

export interface ListOptions {
  /** Read at this revision (must not be compacted); default: the current revision. */
  revision?: number;
  /** Return at most this many items (0 or absent: no limit). */
  limit?: number;
  /** Start at this key, inclusive (for paging: the key after the last one returned). */
  startKey?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the snapshot was read at. */
  revision: number;
  /** True when more items under the prefix follow the last one returned. */
  more: boolean;
  /** Number of items under the prefix after the returned page (when known). */
  remaining?: number;
}

export interface Watcher {
  /** Stops delivery; no listener call happens after stop() returns. Idempotent. */
  stop(): void;
}

export interface WatchListener {
  /** Called with events in revision order; never called concurrently with itself. */
  onEvents(events: WatchEvent[]): void;
  /** Called once when the watch can no longer continue (e.g. CompactedError); no events follow. */
  onError(err: Error): void;
}

export interface Store {
  /** The revision of the latest write (0 for an empty store). */
  currentRevision(): Promise<number>;

  /** The oldest revision still readable by list and watch (history before it is compacted). */
  compactedRevision(): Promise<number>;

  /** Reads one key at the current revision; undefined when absent. */
  get(key: string): Promise<KeyValue | undefined>;

  /** Lists keys starting with prefix, in key order, as of one revision. Throws CompactedError for a compacted revision. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;

  /** Number of keys under prefix at the current revision. */
  count(prefix: string): Promise<number>;

  /** Creates key; throws KeyExistsError when it exists. Returns the stored key-value. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;

  /**
   * Replaces key's value when its modRevision equals expectedModRevision.
   * Throws KeyNotFoundError when absent and ConflictError (carrying the current
   * key-value) when the revision differs.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue>;

  /**
   * Deletes key; when expectedModRevision is given, only if it matches
   * (ConflictError otherwise). Throws KeyNotFoundError when absent. Returns the
   * deleted key-value with modRevision set to the delete's revision.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  /**
   * Watches every key under prefix for changes with revision > fromRevision.
   * If fromRevision is older than the compacted revision, listener.onError gets
   * a CompactedError (asynchronously). Subscribes before backfilling, so no
   * event between history and live changes is lost or repeated.
   */
  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher;

  /** Discards history at revisions below `revision` (the latest value of every live key is kept). */
  compact(revision: number): Promise<void>;

  /** Releases resources; pending watches receive no more events. */
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = new.target.name;
  }
}

export class KeyExistsError extends StoreError {
  constructor(readonly key: string) { super(`key exists: ${key}`); }
}

export class KeyNotFoundError extends StoreError {
  constructor(readonly key: string) { super(`key not found: ${key}`); }
}

export class ConflictError extends StoreError {
  constructor(readonly key: string, readonly current: KeyValue) {
    super(`revision conflict on ${key}: current modRevision is ${current.modRevision}`);
  }
}

export class CompactedError extends StoreError {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (oldest available: ${compacted})`);
  }
}

/** The smallest key greater than every key with this prefix (etcd's range end). */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
