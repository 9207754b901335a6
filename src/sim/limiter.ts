/**
 * A bound on concurrent work: at most `limit` tasks run at once, the rest
 * wait in FIFO order. Thousands of simulated nodes share one, so their
 * writes never flood the API server.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit must be a positive integer, not ${limit}`);
  }

  /** Tasks running or waiting. */
  get pending(): number { return this.active + this.waiting.length; }

  /** Runs `task` when a slot is free; resolves or rejects with its result. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); else this.active--;
    }
  }
}
