import { ConflictError, KeyExistsError, KeyNotFoundError, type KeyValue, type WatchEvent } from '../store.js';
import { rowToEvent, rowToKeyValue, type LogRow } from './log-row.js';
import type { Statements } from './statements.js';

/** A queued write; `expected` is the modRevision a CAS requires (absent: unconditional delete). */
export type WriteOp = {
  key: string;
  resolve: (kv: KeyValue) => void;
  reject: (err: Error) => void;
} & (
  | { kind: 'create'; value: Uint8Array }
  | { kind: 'update'; value: Uint8Array; expected: number }
  | { kind: 'delete'; expected?: number }
);

/** What one write did inside the batch transaction. */
export type WriteOutcome =
  | { ok: true; kv: KeyValue; event: WatchEvent }
  | { ok: false; error: Error };

/**
 * Checks one write against the key's newest row and appends its log row at
 * `revision`, inside the caller's transaction. A failed check inserts nothing
 * and fails only this write. The check reads rows written earlier in the same
 * transaction, so writes of one batch see each other in queue order.
 */
export function applyWrite(stmts: Statements, op: WriteOp, revision: number): WriteOutcome {
  const cur = stmts.latest.get(op.key);
  const live = cur !== undefined && cur.deleted === 0 ? cur : undefined;
  let row: LogRow;
  if (op.kind === 'create') {
    if (live) return { ok: false, error: new KeyExistsError(op.key) };
    row = {
      id: revision, name: op.key, created: 1, deleted: 0, create_revision: revision,
      prev_revision: cur?.id ?? 0, value: toBlob(op.value), old_value: null,
    };
  } else {
    if (!live) return { ok: false, error: new KeyNotFoundError(op.key) };
    if (op.expected !== undefined && op.expected !== live.id) {
      return { ok: false, error: new ConflictError(op.key, rowToKeyValue(live)) };
    }
    const deleted = op.kind === 'delete';
    row = {
      id: revision, name: op.key, created: 0, deleted: deleted ? 1 : 0, create_revision: live.create_revision,
      prev_revision: live.id, value: deleted ? null : toBlob(op.value), old_value: live.value,
    };
  }
  stmts.insert.run(row);
  const event = rowToEvent(row);
  return { ok: true, kv: event.kv, event };
}

/** A private copy: the caller may reuse its array, and watchers share the event. */
function toBlob(v: Uint8Array): Buffer {
  return Buffer.from(v);
}
