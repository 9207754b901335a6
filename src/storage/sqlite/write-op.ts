import type { LogRow } from './log-row.js';
import type { Statements } from './statements.js';

/** One write of a batch; `expected` is the modRevision a CAS requires (absent: unconditional delete). */
export type WriteRequest = { key: string } & (
  | { kind: 'create'; value: Uint8Array }
  | { kind: 'update'; value: Uint8Array; expected: number }
  | { kind: 'delete'; expected?: number }
);

/**
 * What one write did inside the batch transaction: `ok` with the row it
 * appended, or the check that failed. `conflict` carries the key's live row
 * (the current key-value a ConflictError reports); `constraint` means the log
 * refused the row (its unique index), which fails only this write.
 */
export type WriteResult =
  | { status: 'ok'; row: LogRow }
  | { status: 'exists' }
  | { status: 'not-found' }
  | { status: 'conflict'; current: LogRow }
  | { status: 'constraint'; message: string };

/**
 * Checks one write against the key's newest row and appends its log row at
 * `revision`, inside the caller's transaction. A failed check inserts nothing.
 * The check reads rows written earlier in the same transaction, so writes of
 * one batch see each other in queue order. Errors other than a constraint
 * violation propagate and fail the whole batch.
 */
export function applyWrite(stmts: Statements, req: WriteRequest, revision: number): WriteResult {
  const cur = stmts.latest.get(req.key);
  const live = cur !== undefined && cur.deleted === 0 ? cur : undefined;
  let row: LogRow;
  if (req.kind === 'create') {
    if (live) return { status: 'exists' };
    row = {
      id: revision, name: req.key, created: 1, deleted: 0, create_revision: revision,
      prev_revision: cur?.id ?? 0, value: req.value, old_value: null,
    };
  } else {
    if (!live) return { status: 'not-found' };
    if (req.expected !== undefined && req.expected !== live.id) return { status: 'conflict', current: live };
    const deleted = req.kind === 'delete';
    row = {
      id: revision, name: req.key, created: 0, deleted: deleted ? 1 : 0, create_revision: live.create_revision,
      prev_revision: live.id, value: deleted ? null : req.value, old_value: live.value,
    };
  }
  try {
    stmts.insert.run(row);
  } catch (err) {
    if (!isConstraintError(err)) throw err;
    return { status: 'constraint', message: err instanceof Error ? err.message : String(err) };
  }
  return { status: 'ok', row };
}

function isConstraintError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err
    && typeof err.code === 'string' && err.code.startsWith('SQLITE_CONSTRAINT');
}
