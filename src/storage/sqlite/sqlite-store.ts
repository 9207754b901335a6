import type Database from 'better-sqlite3';
import { checkReadRevision } from '../read-revision.js';
import {
  ConflictError, KeyExistsError, KeyNotFoundError, StoreError, prefixEnd,
  type KeyValue, type ListOptions, type ListResult, type Store, type WatchEvent,
  type WatchListener, type Watcher,
} from '../store.js';
import { WatchHub } from '../watch-hub.js';
import { decodeResults, encodeBatch } from './batch-codec.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { COMPACT_REVISION_KEY } from './compaction.js';
import { GroupCommit } from './group-commit.js';
import { rowToEvent, rowToKeyValue } from './log-row.js';
import { openDatabase, type SyncMode } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';
import type { WriteRequest, WriteResult } from './write-op.js';
import { startWriterThread, type WriterThread } from './writer-thread.js';

export interface SqliteStoreOptions {
  /**
   * WAL sync mode (see SyncMode). 'full' makes a resolved write survive power
   * loss as etcd's does; group commit spreads the fsync over a whole batch.
   * @default 'full'
   */
  synchronous?: SyncMode;
  /** Most writes committed in one transaction. @default 1000 */
  maxBatch?: number;
  /** Revisions compacted per transaction. @default 10000 */
  compactionBatch?: number;
  /** Events read per backfill step of a watch. @default 1000 */
  backfillPageSize?: number;
}

/** A queued write with the callbacks that settle its promise. */
type PendingWrite = WriteRequest & {
  resolve: (kv: KeyValue) => void;
  reject: (err: Error) => void;
};

/**
 * A Store on one SQLite file (better-sqlite3, WAL), laid out as kine's log
 * (see schema.ts). This process must be the file's only writer.
 *
 * Writes go to a writer thread (writer-worker.ts) that owns the write
 * connection, so transactions and their fsync never block this thread.
 * Writes are queued and committed together (GroupCommit, one batch in
 * flight); each resolves, and its watch event is published, only after the
 * writer's COMMIT returned. `currentRevision` is the newest revision this
 * thread has been told is committed, and every read runs on this thread's
 * own connection at that revision: it sees every acknowledged write and
 * nothing that is not acknowledged yet.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #stmts: Statements;
  readonly #writer: WriterThread;
  readonly #checkpointer: Checkpointer;
  readonly #writes: GroupCommit<PendingWrite>;
  readonly #hub: WatchHub;
  readonly #compactionBatch: number;
  #revision: number;
  #compacted: number;
  #compacting: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    const synchronous = opts.synchronous ?? 'full';
    this.#db = openDatabase(file, synchronous);
    try {
      this.#db.pragma('query_only = 1');
      this.#stmts = prepareStatements(this.#db);
      this.#compacted = this.#stmts.getMeta.get(COMPACT_REVISION_KEY) ?? 0;
      this.#revision = Math.max(this.#stmts.maxId.get() ?? 0, this.#compacted);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    this.#writer = startWriterThread({ file, synchronous, revision: this.#revision });
    this.#checkpointer = startCheckpointer(file);
    this.#compactionBatch = opts.compactionBatch ?? 10_000;
    this.#writes = new GroupCommit((ops) => this.#flush(ops), opts.maxBatch ?? 1000);
    this.#hub = new WatchHub({
      readEvents: (prefix, after, limit) => this.#stmts.events
        .all({ after, rev: this.#revision, start: prefix, end: prefixEnd(prefix), limit }).map(rowToEvent),
      currentRevision: () => this.#revision,
      compactedRevision: () => this.#compacted,
    }, { backfillPageSize: opts.backfillPageSize });
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
    const row = this.#stmts.latestAt.get({ name: key, rev: this.#revision });
    return row && row.deleted === 0 ? rowToKeyValue(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.#open();
    const rev = checkReadRevision(opts.revision, this.#revision, this.#compacted);
    const start = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
    const range = { start, end: prefixEnd(prefix), rev };
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const rows = this.#stmts.listPage.all({ ...range, limit: limit > 0 ? limit + 1 : -1 });
    const more = limit > 0 && rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(rowToKeyValue);
    const remaining = more ? this.#stmts.countRange.get(range)! - items.length : 0;
    return { items, revision: rev, more, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.#open();
    return this.#stmts.countRange.get({ start: prefix, end: prefixEnd(prefix), rev: this.#revision })!;
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.#enqueue((resolve, reject) => ({ kind: 'create', key, value, resolve, reject }));
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    return this.#enqueue((resolve, reject) => ({ kind: 'update', key, value, expected: expectedModRevision, resolve, reject }));
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.#enqueue((resolve, reject) => ({ kind: 'delete', key, expected: expectedModRevision, resolve, reject }));
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    this.#open();
    return this.#hub.watch(prefix, fromRevision, listener);
  }

  /**
   * Compactions run one at a time; a call returns when its own has finished
   * (or the store closed). The compacted revision advances before each
   * window is sent to the writer, so no read can start at a revision whose
   * rows the writer may be deleting.
   */
  compact(revision: number): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreError('store is closed'));
    const run = this.#compacting.then(async () => {
      const to = Math.min(revision, this.#revision);
      while (!this.#closed && this.#compacted < to) {
        const lo = this.#compacted;
        const hi = Math.min(to, lo + this.#compactionBatch);
        this.#compacted = hi;
        await this.#writer.compact(lo, hi);
      }
    });
    this.#compacting = run.catch(() => undefined);
    return run;
  }

  /**
   * Commits the writes already queued (later ones are refused), stops every
   * watch, waits for a running compaction, closes the writer and the file.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writes.drain();
    this.#hub.close();
    await this.#compacting;
    await this.#writer.close();
    await this.#checkpointer.stop();
    this.#db.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreError('store is closed');
  }

  #enqueue(make: (resolve: (kv: KeyValue) => void, reject: (err: Error) => void) => PendingWrite): Promise<KeyValue> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new StoreError('store is closed'));
        return;
      }
      this.#writes.enqueue(make(resolve, reject));
    });
  }

  /**
   * Sends one batch to the writer; from its answer, advances the revision,
   * publishes the events in revision order and settles every write. A batch
   * that did not commit rejects all its writes.
   */
  async #flush(ops: PendingWrite[]): Promise<void> {
    let results: WriteResult[];
    try {
      const batch = encodeBatch(ops);
      const committed = await this.#writer.commit(batch);
      batch.values = committed.values;
      results = decodeResults(batch, committed.results);
    } catch (err) {
      const error = new StoreError('write batch failed to commit', { cause: err });
      for (const op of ops) op.reject(error);
      return;
    }
    const events: WatchEvent[] = [];
    for (const r of results) {
      if (r.status !== 'ok') continue;
      events.push(rowToEvent(r.row));
    }
    if (events.length > 0) this.#revision = events[events.length - 1]!.revision;
    this.#hub.publish(events);
    let e = 0;
    results.forEach((r, i) => {
      const op = ops[i]!;
      if (r.status === 'ok') op.resolve(events[e++]!.kv);
      else op.reject(toError(op.key, r));
    });
  }
}

function toError(key: string, r: Exclude<WriteResult, { status: 'ok' }>): Error {
  switch (r.status) {
    case 'exists': return new KeyExistsError(key);
    case 'not-found': return new KeyNotFoundError(key);
    case 'conflict': return new ConflictError(key, rowToKeyValue(r.current));
    case 'constraint': return new StoreError(`write to ${key} violated a log constraint`, { cause: new Error(r.message) });
  }
}
