/**
 * Group commit with one batch in flight: operations enqueued while the
 * writer is idle are collected for one turn of the event loop, then handed to
 * `flush` together (at most `maxBatch` at a time); operations enqueued while
 * a batch is in flight wait, and go as the next batch the moment it finishes.
 * So batches grow with the load, one transaction and one fsync serve each,
 * and batches commit in enqueue order. `flush` settles each operation itself
 * and must not reject; it is never called inside enqueue.
 */
export class GroupCommit<Op> {
  #queue: Op[] = [];
  #scheduled = false;
  #inFlight: Promise<void> | undefined;

  constructor(
    private readonly flush: (ops: Op[]) => Promise<void>,
    /** @default 1000 */
    private readonly maxBatch = 1000,
  ) {}

  enqueue(op: Op): void {
    this.#queue.push(op);
    if (this.#inFlight || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#next();
    });
  }

  /** Resolves once every operation enqueued so far has been flushed and settled. */
  async drain(): Promise<void> {
    for (;;) {
      this.#next();
      if (!this.#inFlight) return;
      await this.#inFlight;
    }
  }

  #next(): void {
    if (this.#inFlight || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.maxBatch);
    this.#inFlight = this.flush(batch).catch(() => undefined).then(() => {
      this.#inFlight = undefined;
      this.#next();
    });
  }
}
