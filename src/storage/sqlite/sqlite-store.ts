import type Database from 'better-sqlite3';
import { checkReadRevision } from '../read-revision.js';
import {
  StoreError, prefixEnd,
  type KeyValue, type ListOptions, type ListResult, type Store, type WatchEvent,
  type WatchListener, type Watcher,
} from '../store.js';
import { WatchHub } from '../watch-hub.js';
import { COMPACT_REVISION_KEY, compactLog } from './compaction.js';
import { GroupCommit } from './group-commit.js';
import { rowToEvent, rowToKeyValue } from './log-row.js';
import { openDatabase, type SyncMode } from './schema.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { prepareStatements, type Statements } from './statements.js';
import { applyWrite, type WriteOp, type WriteOutcome } from './write-op.js';

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

/**
 * A Store on one SQLite file (better-sqlite3, WAL), laid out as kine's log
 * (see schema.ts). This process must be the file's only writer: revisions are
 * assigned from an in-memory counter restored at open.
 *
 * Writes are queued and committed together (GroupCommit), each checked on its
 * own, and resolve only after COMMIT returned. Reads run on the same
 * connection between transactions, so they see exactly the committed state.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #checkpointer: Checkpointer;
  readonly #stmts: Statements;
  readonly #writes: GroupCommit<WriteOp>;
  readonly #hub: WatchHub;
  readonly #compactionBatch: number;
  readonly #commitBatch: Database.Transaction<(ops: WriteOp[]) => WriteOutcome[]>;
  #revision: number;
  #compacted: number;
  #compacting: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.#db = openDatabase(file, opts.synchronous ?? 'full');
    this.#db.pragma('wal_autocheckpoint = 0');
    this.#checkpointer = startCheckpointer(file);
    this.#stmts = prepareStatements(this.#db);
    this.#compacted = this.#stmts.getMeta.get(COMPACT_REVISION_KEY) ?? 0;
    this.#revision = Math.max(this.#stmts.maxId.get() ?? 0, this.#compacted);
    this.#compactionBatch = opts.compactionBatch ?? 10_000;
    this.#writes = new GroupCommit((ops) => this.#flush(ops), opts.maxBatch ?? 1000);
    this.#commitBatch = this.#db.transaction((ops: WriteOp[]) => ops.map((op) => this.#applyOne(op)));
    this.#hub = new WatchHub({
      readEvents: (prefix, after, limit) => this.#stmts.events
        .all({ after, start: prefix, end: prefixEnd(prefix), limit }).map(rowToEvent),
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
    const row = this.#stmts.latest.get(key);
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

  /** Compactions run one at a time; a call returns when its own has finished (or the store closed). */
  compact(revision: number): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreError('store is closed'));
    const run = this.#compacting.then(async () => {
      const to = Math.min(revision, this.#revision);
      if (this.#closed || to <= this.#compacted) return;
      await compactLog(this.#db, this.#stmts, { from: this.#compacted, to }, {
        batchSize: this.#compactionBatch,
        onWindow: (rev) => { this.#compacted = rev; },
        shouldStop: () => this.#closed,
      });
    });
    this.#compacting = run.catch(() => undefined);
    return run;
  }

  /** Commits the writes already queued, stops every watch, waits for a running compaction, closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#writes.drain();
    this.#closed = true;
    this.#hub.close();
    await this.#compacting;
    await this.#checkpointer.stop();
    this.#db.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreError('store is closed');
  }

  #enqueue(make: (resolve: (kv: KeyValue) => void, reject: (err: Error) => void) => WriteOp): Promise<KeyValue> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new StoreError('store is closed'));
        return;
      }
      this.#writes.enqueue(make(resolve, reject));
    });
  }

  /** Applies one batch in one transaction; settles every op only after COMMIT. */
  #flush(ops: WriteOp[]): void {
    const before = this.#revision;
    let outcomes: WriteOutcome[];
    try {
      outcomes = this.#commitBatch.immediate(ops);
    } catch (err) {
      this.#revision = before;
      const error = new StoreError('write batch failed to commit', { cause: err });
      for (const op of ops) op.reject(error);
      return;
    }
    const events: WatchEvent[] = [];
    for (const o of outcomes) if (o.ok) events.push(o.event);
    this.#hub.publish(events);
    outcomes.forEach((o, i) => {
      if (o.ok) ops[i]!.resolve(o.kv);
      else ops[i]!.reject(o.error);
    });
  }

  /** One write inside the batch transaction; a constraint violation fails only this write. */
  #applyOne(op: WriteOp): WriteOutcome {
    try {
      const outcome = applyWrite(this.#stmts, op, this.#revision + 1);
      if (outcome.ok) this.#revision++;
      return outcome;
    } catch (err) {
      if (!isConstraintError(err)) throw err;
      return { ok: false, error: new StoreError(`write to ${op.key} violated a log constraint`, { cause: err }) };
    }
  }
}

function isConstraintError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err
    && typeof err.code === 'string' && err.code.startsWith('SQLITE_CONSTRAINT');
}
