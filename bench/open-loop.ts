/**
 * Open-loop load: operation i is due at start + i/rate, whether or not
 * earlier ones answered. Latency runs from the due time, not the actual send,
 * so a stall on either side shows in the figures instead of hiding (no
 * coordinated omission). Outstanding operations are capped: past the cap,
 * due operations wait (their latency keeps growing). Bounded: the schedule
 * has a fixed count, and the run gives up on stragglers `graceMs` after it.
 */
import { Histogram } from './stats.js';

export interface OpenLoopOptions {
  /** Operations per second. */
  rate: number;
  /** Scheduled but not counted. @default 1000 */
  warmupMs?: number;
  durationMs: number;
  /** @default 2000 */
  maxOutstanding?: number;
  /** @default 30000 */
  graceMs?: number;
  /** Operation `seq` (`counted` false during warm-up); resolves true on success. Must settle on its own. */
  op(seq: number, counted: boolean): Promise<boolean>;
}

export interface OpenLoopResult {
  /** Latency from due time to answer, of successful operations due inside the window. */
  hist: Histogram;
  /** Successful operations due in the window / (last answer − window start). */
  achievedRate: number;
  /** Operations due in the window. */
  scheduled: number;
  errors: number;
  /** Operations due in the window that had not answered when the run gave up. */
  unanswered: number;
  /** Most operations in flight at once. */
  peakOutstanding: number;
  /** Longest time a due operation waited to be sent, in ms (client-side lag: timer, CPU or the cap). */
  maxSendLagMs: number;
  firstError?: string;
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const hist = new Histogram();
  const intervalMs = 1000 / o.rate;
  const warmupCount = Math.round(((o.warmupMs ?? 1000) / 1000) * o.rate);
  const total = warmupCount + Math.round((o.durationMs / 1000) * o.rate);
  const maxOutstanding = o.maxOutstanding ?? 2000;
  const start = performance.now();
  const windowStart = start + warmupCount * intervalMs;
  let next = 0;
  let outstanding = 0;
  let peakOutstanding = 0;
  let errors = 0;
  let answered = 0;
  let lastAnswer = windowStart;
  let maxSendLagMs = 0;
  let firstError: string | undefined;
  let settleAll: (() => void) | undefined;
  const allSettled = new Promise<void>((resolve) => { settleAll = resolve; });

  const issue = (seq: number, due: number): void => {
    const counted = seq >= warmupCount;
    const lag = performance.now() - due;
    if (counted && lag > maxSendLagMs) maxSendLagMs = lag;
    outstanding++;
    if (outstanding > peakOutstanding) peakOutstanding = outstanding;
    const done = (ok: boolean): void => {
      outstanding--;
      const now = performance.now();
      if (counted) {
        answered++;
        if (ok) { hist.record(now - due); lastAnswer = now; } else errors++;
      }
      if (next >= total && outstanding === 0) settleAll?.();
      else if (outstanding < maxOutstanding) pump();
    };
    o.op(seq, counted).then(done, (e: unknown) => {
      firstError ??= e instanceof Error ? e.message : String(e);
      done(false);
    });
  };

  const pump = (): void => {
    const now = performance.now();
    while (next < total && outstanding < maxOutstanding) {
      const due = start + next * intervalMs;
      if (due > now) break;
      issue(next++, due);
    }
  };

  // Ticks every ~1 ms until the whole schedule is issued; the hard stop bounds it if ticks stall.
  const hardStop = start + total * intervalMs + (o.graceMs ?? 30_000);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      pump();
      if (next >= total || performance.now() > hardStop) resolve(); else setTimeout(tick, 1);
    };
    tick();
  });
  if (outstanding > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allSettled, new Promise<void>((r) => { timer = setTimeout(r, Math.max(0, hardStop - performance.now())); })]);
    clearTimeout(timer);
  }
  const scheduled = total - warmupCount;
  const okCount = answered - errors;
  return {
    hist, scheduled, errors, unanswered: scheduled - answered, peakOutstanding, maxSendLagMs,
    achievedRate: okCount / (Math.max(lastAnswer - windowStart, 1) / 1000),
    ...(firstError ? { firstError } : {}),
  };
}
