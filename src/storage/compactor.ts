import type { Store } from './store.js';

export interface CompactorOptions {
  /**
   * How long history stays readable (list at an old revision, watch from it).
   * @default 300_000 (5 minutes)
   */
  retentionMs?: number;
  /**
   * How often the compactor samples the revision and compacts. History is kept
   * for between retentionMs and retentionMs + intervalMs.
   * @default 60_000 (1 minute)
   */
  intervalMs?: number;
  /**
   * At most this many revisions of history are kept, whatever their age.
   * @default undefined (no bound)
   */
  maxRevisions?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** Receives a failed run's error. @default writes one JSON line to stderr */
  onError?: (err: unknown) => void;
}

type CompactableStore = Pick<Store, 'currentRevision' | 'compactedRevision' | 'compact'>;

interface Sample { time: number; revision: number }

/**
 * Compacts a store on a schedule. Each run records (now, current revision):
 * every revision up to a sample's was written at or before its time, so the
 * newest sample older than the retention is a revision whose history may go.
 */
export class Compactor {
  readonly #retentionMs: number;
  readonly #intervalMs: number;
  readonly #maxRevisions: number | undefined;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  #samples: Sample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(private readonly store: CompactableStore, opts: CompactorOptions = {}) {
    this.#retentionMs = opts.retentionMs ?? 300_000;
    this.#intervalMs = opts.intervalMs ?? 60_000;
    this.#maxRevisions = opts.maxRevisions;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onError ?? logError;
  }

  /** Takes a first sample now and runs every intervalMs; the timer does not keep the process alive. */
  start(): void {
    if (this.#timer) return;
    this.#schedule();
    this.#timer = setInterval(() => this.#schedule(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One run: samples, then compacts to the target when it is above the compacted revision. Returns the revision compacted to, if any. */
  async runOnce(): Promise<number | undefined> {
    const now = this.#now();
    const current = await this.store.currentRevision();
    this.#samples.push({ time: now, revision: current });
    let target = 0;
    const cutoff = now - this.#retentionMs;
    const old = this.#samples.findLastIndex((s) => s.time <= cutoff);
    if (old >= 0) {
      target = this.#samples[old]!.revision;
      this.#samples = this.#samples.slice(old);
    }
    if (this.#maxRevisions !== undefined) target = Math.max(target, current - this.#maxRevisions);
    if (target <= await this.store.compactedRevision()) return undefined;
    await this.store.compact(target);
    return target;
  }

  #schedule(): void {
    this.#running = this.#running.then(() => this.runOnce()).then(() => undefined, this.#onError);
  }
}

function logError(err: unknown): void {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${JSON.stringify({ level: 'error', component: 'storage-compactor', msg })}\n`);
}
