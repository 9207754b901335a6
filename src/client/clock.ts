/**
 * The clock queues, back-offs and leader election read, injectable so tests
 * can move time by hand instead of sleeping.
 */
import { onAbort } from './on-abort.js';

export interface TimerHandle { cancel(): void }

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`; cancel() prevents it. Timers must not keep the process alive. */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** A clock that moves only when step() is called: for fast, deterministic tests. */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) { this.time = start; }

  now(): number { return this.time; }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return { cancel: () => { this.timers.delete(id); } };
  }

  /** Advances time by `ms`, firing due timers in time order. */
  step(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }

  /** Timers not yet fired. */
  pending(): number { return this.timers.size; }
}

/** Resolves after `ms` on `clock`, or early (resolving) when `signal` aborts; the abort listener goes when the timer fires. */
export function sleep(ms: number, opts: { clock?: Clock; signal?: AbortSignal } = {}): Promise<void> {
  const clock = opts.clock ?? realClock;
  return new Promise((resolve) => {
    if (opts.signal?.aborted) { resolve(); return; }
    const timer = clock.setTimer(() => { detach(); resolve(); }, ms);
    const detach = onAbort(opts.signal, () => { timer.cancel(); resolve(); });
  });
}
