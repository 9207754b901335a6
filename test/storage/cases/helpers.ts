import type { Store, WatchEvent, Watcher } from '../../../src/storage/store.js';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (v: Uint8Array): string => new TextDecoder().decode(v);

/** Records what a watch delivers and lets a test wait for a condition on it. */
export interface Recording {
  events: WatchEvent[];
  errors: Error[];
  watcher: Watcher;
  /** Resolves once `done()` holds after a delivery (or already holds); rejects after timeoutMs. */
  until(done: () => boolean, timeoutMs?: number): Promise<void>;
}

export function record(store: Store, prefix: string, fromRevision: number): Recording {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  let check: (() => void) | undefined;
  let inside = false;
  const watcher = store.watch(prefix, fromRevision, {
    onEvents(batch) {
      if (inside) throw new Error('onEvents re-entered');
      inside = true;
      events.push(...batch);
      inside = false;
      check?.();
    },
    onError(err) {
      errors.push(err);
      check?.();
    },
  });
  return {
    events, errors, watcher,
    until(done, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          check = undefined;
          reject(new Error(`watch condition not met within ${timeoutMs} ms (${events.length} events, ${errors.length} errors)`));
        }, timeoutMs);
        check = () => {
          if (!done()) return;
          clearTimeout(timer);
          check = undefined;
          resolve();
        };
        check();
      });
    },
  };
}

export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs fn for 0..n-1 with at most `width` calls in flight, returning results in index order. */
export async function inParallel<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  return out;
}
