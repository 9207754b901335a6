/**
 * Closed-loop load: N clients, each sending its next operation when the
 * previous one answered, for a warm-up (not counted) and then a measured
 * window. Bounded in time: clients stop issuing at the window's end, and the
 * run gives up waiting for stragglers `graceMs` later.
 */
import { Histogram } from './stats.js';

export interface ClosedLoopOptions {
  clients: number;
  /** @default 1000 */
  warmupMs?: number;
  durationMs: number;
  /** After the window, how long to wait for operations still in flight. @default 30000 */
  graceMs?: number;
  /**
   * One operation of client `client`, its `seq`-th; resolves true on success,
   * false (or throws) on failure. Must settle on its own (no infinite hang).
   */
  op(client: number, seq: number): Promise<boolean>;
}

export interface ClosedLoopResult {
  /** Successful operations completed inside the measured window, per second. */
  rate: number;
  /** Latency of those operations that also started inside the window. */
  hist: Histogram;
  errors: number;
  firstError?: string;
}

/** A client that fails this many times in a row stops (the server is down or refusing). */
const MAX_CONSECUTIVE_ERRORS = 50;

export async function runClosedLoop(o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const hist = new Histogram();
  let errors = 0;
  let completed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const windowStart = start + (o.warmupMs ?? 1000);
  const windowEnd = windowStart + o.durationMs;

  const client = async (c: number): Promise<void> => {
    let consecutive = 0;
    for (let seq = 0; performance.now() < windowEnd && consecutive < MAX_CONSECUTIVE_ERRORS; seq++) {
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await o.op(c, seq);
        if (!ok) firstError ??= 'operation reported failure';
      } catch (e) {
        firstError ??= e instanceof Error ? e.message : String(e);
      }
      const t1 = performance.now();
      consecutive = ok ? 0 : consecutive + 1;
      if (t1 < windowStart || t1 > windowEnd) continue;
      if (!ok) errors++;
      else if (t0 >= windowStart) hist.record(t1 - t0);
      if (ok) completed++;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, windowEnd - start + (o.graceMs ?? 30_000)); });
  await Promise.race([Promise.all(Array.from({ length: o.clients }, (_, c) => client(c))), grace]);
  clearTimeout(timer);
  return { rate: completed / (o.durationMs / 1000), hist, errors, ...(firstError ? { firstError } : {}) };
}
