/**
 * Group commit: operations enqueued in the same turn of the event loop are
 * handed to `flush` together (at most `maxBatch` at a time), so one
 * transaction and one fsync serve them all. `flush` settles each operation
 * itself; it runs from setImmediate, never inside enqueue.
 */
export class GroupCommit<Op> {
  #queue: Op[] = [];
  #scheduled = false;

  constructor(
    private readonly flush: (ops: Op[]) => void,
    /** @default 1000 */
    private readonly maxBatch = 1000,
  ) {}

  enqueue(op: Op): void {
    this.#queue.push(op);
    this.#schedule();
  }

  /** Flushes everything queued now, synchronously (used on close). */
  drain(): void {
    while (this.#queue.length > 0) this.flush(this.#queue.splice(0, this.maxBatch));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#queue.length === 0) return;
      this.flush(this.#queue.splice(0, this.maxBatch));
      if (this.#queue.length > 0) this.#schedule();
    });
  }
}
