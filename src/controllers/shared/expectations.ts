/**
 * Controller expectations (upstream's UIDTrackingControllerExpectations):
 * what a controller has asked the API to create or delete and not yet seen
 * in its informer. While a key has expectations outstanding the controller
 * must not act on its (stale) cache again, so a slow watch never causes a
 * double create or delete. Expectations older than `ttlMs` count as
 * satisfied, so a lost event cannot wedge a key forever.
 */
export interface ExpectationsOptions {
  /** @default 300000 (5 min, as upstream) */
  ttlMs?: number;
  now?: () => number;
}

interface Entry { add: number; del: Set<string>; at: number }

export class ControllerExpectations {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: ExpectationsOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.now = opts.now ?? Date.now;
  }

  /** True when the controller may act on `key`: nothing outstanding, or the record expired. */
  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del.size === 0) || this.now() - e.at > this.ttlMs;
  }

  /** Records that `n` creations are about to be requested (replaces any earlier record). */
  expectCreations(key: string, n: number): void {
    this.entries.set(key, { add: n, del: new Set(), at: this.now() });
  }

  /** Records that the objects with these uids are about to be deleted (replaces any earlier record). */
  expectDeletions(key: string, uids: Iterable<string>): void {
    this.entries.set(key, { add: 0, del: new Set(uids), at: this.now() });
  }

  /** An informer saw a creation, or a create request failed (it will never be observed). */
  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e && e.add > 0) e.add--;
  }

  /** An informer saw the deletion of `uid`, or the delete request failed. */
  deletionObserved(key: string, uid: string): void {
    this.entries.get(key)?.del.delete(uid);
  }

  /** Forgets `key` (its owner was deleted). */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
