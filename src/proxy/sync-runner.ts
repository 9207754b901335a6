/**
 * The sync loop the nftables and userspace proxiers share (the same
 * semantics as the iptables proxier's, upstream's BoundedFrequencyRunner):
 * - nothing runs before setInitialized() (both informers synced);
 * - runs are at least minSyncPeriodMs apart; requests during a run make
 *   one more run after it;
 * - every syncPeriodMs `periodic()` is called, then a run;
 * - a failed run (`ok` false) is retried after syncPeriodMs.
 */
export interface SyncRunnerOptions<R extends { ok: boolean }> {
  sync: () => Promise<R>;
  /** Called every syncPeriodMs before the periodic run (e.g. to check the rules are still there). */
  periodic?: () => Promise<void>;
  /** @default 1000 */
  minSyncPeriodMs?: number;
  /** @default 30000 */
  syncPeriodMs?: number;
}

export class SyncRunner<R extends { ok: boolean }> {
  private initialized = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private periodicTimer: NodeJS.Timeout | undefined;
  private lastStart = 0;
  private lastResult: R | undefined;
  readonly minSyncPeriodMs: number;
  readonly syncPeriodMs: number;

  constructor(private readonly o: SyncRunnerOptions<R>) {
    this.minSyncPeriodMs = o.minSyncPeriodMs ?? 1000;
    this.syncPeriodMs = o.syncPeriodMs ?? 30_000;
  }

  start(): void {
    this.periodicTimer = setInterval(() => { void this.onPeriod(); }, this.syncPeriodMs);
    this.periodicTimer.unref();
  }

  setInitialized(): void {
    this.initialized = true;
    this.request();
  }

  request(): void {
    if (!this.initialized || this.stopped) return;
    if (this.running) { this.pending = true; return; }
    if (this.timer) return;
    const wait = Math.max(0, this.lastStart + this.minSyncPeriodMs - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; void this.run(); }, wait);
  }

  async idle(): Promise<void> {
    while (this.running || this.timer || this.pending) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 10));
      // A retry after a failure is a scheduled timer too; idle() must not wait syncPeriodMs for it.
      if (!this.running && !this.pending && this.lastResult && !this.lastResult.ok) return;
    }
  }

  get last(): R | undefined { return this.lastResult; }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.periodicTimer) clearInterval(this.periodicTimer);
    this.timer = undefined;
    this.pending = false;
    await this.running;
  }

  private async onPeriod(): Promise<void> {
    if (!this.initialized || this.stopped || this.running) return;
    await this.o.periodic?.();
    this.request();
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.lastStart = Date.now();
    this.running = this.o.sync().then((r) => { this.lastResult = r; });
    try { await this.running; } finally { this.running = undefined; }
    if (this.stopped) return;
    if (this.lastResult && !this.lastResult.ok) {
      this.timer = setTimeout(() => { this.timer = undefined; void this.run(); }, this.syncPeriodMs);
    } else if (this.pending) {
      this.pending = false;
      this.request();
    }
  }
}
