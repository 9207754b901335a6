import { CompactedError, StoreError } from './store.js';

/**
 * Resolves the revision a read runs at: `requested` (default `current`) must
 * lie in [compacted, current]; below it throws CompactedError, above it a
 * StoreError (etcd's "future revision").
 */
export function checkReadRevision(requested: number | undefined, current: number, compacted: number): number {
  const revision = requested === undefined || requested <= 0 ? current : requested;
  if (revision < compacted) throw new CompactedError(revision, compacted);
  if (revision > current) throw new StoreError(`required revision ${revision} is a future revision (current: ${current})`);
  return revision;
}
