import type Database from 'better-sqlite3';
import type { Statements } from './statements.js';

export const COMPACT_REVISION_KEY = 'compact_revision';

/**
 * Returns a function that compacts the log's revisions (lo, hi] in one
 * transaction; the store calls it window by window, oldest first, with lo the
 * current compacted revision.
 *
 * A row is superseded exactly when a later row names it as prev_revision, so
 * only rows with id in the window need examining: each deletes its
 * predecessor; tombstones in the window are dropped too (their key has no
 * value to keep). The newest row of every live key at or below the window's
 * end stays. The meta compacted revision advances in the same transaction, so
 * a crash leaves a consistent, partly compacted log.
 */
export function prepareCompactWindow(db: Database.Database, stmts: Statements): (lo: number, hi: number) => void {
  const window = db.transaction((lo: number, hi: number) => {
    stmts.deleteSuperseded.run(lo, hi);
    stmts.deleteTombstones.run(lo, hi);
    stmts.setMeta.run(COMPACT_REVISION_KEY, hi);
  });
  return (lo, hi) => window.immediate(lo, hi);
}
