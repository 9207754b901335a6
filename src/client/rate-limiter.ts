/**
 * Per-item rate limiters for work queues (client-go's
 * workqueue.TypedRateLimiter and ItemExponentialFailureRateLimiter).
 */

export interface RateLimiter<T> {
  /** How long `item` should wait before its next attempt; counts one more failure. */
  when(item: T): number;
  /** Clears the item's failure history (call on success). */
  forget(item: T): void;
  /** Failures counted since the last forget. */
  numRequeues(item: T): number;
}

/**
 * base * 2^failures, capped at max: 5 ms, 10 ms, 20 ms ... 1000 s with the
 * defaults (client-go's DefaultItemBasedRateLimiter).
 */
export class ItemExponentialRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  /** @param opts.baseMs @default 5  @param opts.maxMs @default 1_000_000 */
  constructor(opts: { baseMs?: number; maxMs?: number } = {}) {
    this.baseMs = opts.baseMs ?? 5;
    this.maxMs = opts.maxMs ?? 1_000_000;
  }

  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    const d = this.baseMs * 2 ** n;
    return Number.isFinite(d) && d < this.maxMs ? d : this.maxMs;
  }

  forget(item: T): void { this.failures.delete(item); }

  numRequeues(item: T): number { return this.failures.get(item) ?? 0; }
}
