import type Database from 'better-sqlite3';
import type { Statements } from './statements.js';

export const COMPACT_REVISION_KEY = 'compact_revision';

/**
 * Compacts the log from revision `from` (the current compacted revision) up to
 * `to`, one transaction per window of `batchSize` revisions, oldest first.
 *
 * A row is superseded exactly when a later row names it as prev_revision, so
 * only rows with id in the window need examining: each deletes its
 * predecessor; tombstones in the window are dropped too (their key has no
 * value to keep). The newest row of every live key at or below the window's
 * end stays. The meta compacted revision advances with each window in the
 * same transaction, so a crash leaves a consistent, partly compacted log.
 * `onWindow` learns each new compacted revision; `shouldStop` ends the loop
 * between windows.
 */
export async function compactLog(
  db: Database.Database,
  stmts: Statements,
  range: { from: number; to: number },
  opts: { batchSize: number; onWindow: (revision: number) => void; shouldStop: () => boolean },
): Promise<void> {
  const window = db.transaction((lo: number, hi: number) => {
    stmts.deleteSuperseded.run(lo, hi);
    stmts.deleteTombstones.run(lo, hi);
    stmts.setMeta.run(COMPACT_REVISION_KEY, hi);
  });
  for (let lo = range.from; lo < range.to;) {
    if (opts.shouldStop()) return;
    const hi = Math.min(range.to, lo + opts.batchSize);
    window.immediate(lo, hi);
    opts.onWindow(hi);
    lo = hi;
    if (lo < range.to) await new Promise((r) => setImmediate(r));
  }
}
